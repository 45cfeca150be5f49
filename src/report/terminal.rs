//! What a run prints when it is done: the verdict, each expectation, what happened in words,
//! and where the evidence is.

use std::io::{self, Write};
use std::path::Path;

use super::summary::{group, sentences};
use crate::record::{Summary, Verdict};
use crate::{i18n, t, units};

/// Formats a metric value in its unit, for people.
pub fn format_value(metric: &str, v: f64) -> String {
    match crate::data::metrics::find(metric).map(|m| m.unit) {
        Some(crate::data::metrics::Unit::Bytes) => units::format_size(v as u64),
        Some(crate::data::metrics::Unit::Ms) => format!("{} ms", i18n::fixed(v, 1)),
        Some(crate::data::metrics::Unit::Cores) => t!("unit-cores", n = i18n::fixed(v, 3)),
        Some(crate::data::metrics::Unit::Ratio) => i18n::fixed(v, 3),
        Some(crate::data::metrics::Unit::PerSecond) => format!("{}/s", group(v)),
        _ if v.fract() == 0.0 => group(v),
        _ => i18n::number(format!("{v}")),
    }
}

pub fn print(out: &mut impl Write, s: &Summary, dir: &Path) -> io::Result<()> {
    let name = s.scenario_label();
    let held = s.expectations.iter().filter(|o| o.held).count();
    let total = s.expectations.len();
    match s.verdict {
        Verdict::Held | Verdict::Failed => writeln!(
            out,
            "{}",
            t!(
                "term-verdict",
                name = name,
                verdict = verdict_word(s.verdict),
                held = i18n::count(held).ungrouped(),
                total = i18n::count(total).ungrouped()
            )
        )?,
        Verdict::Error => writeln!(
            out,
            "{}",
            t!(
                "term-error",
                name = name,
                verdict = verdict_word(s.verdict),
                reason = s
                    .abort_reason
                    .clone()
                    .unwrap_or_else(|| t!("term-teardown-left"))
            )
        )?,
    }
    for o in &s.expectations {
        let value = match o.value {
            Some(v) => format_value(&o.metric, v),
            None if s.aborted => super::document::unmeasured(s),
            None => t!("term-not-available"),
        };
        let mark = if o.held {
            t!("term-ok")
        } else {
            t!("term-fail")
        };
        writeln!(
            out,
            "  {}",
            t!(
                "term-expectation",
                mark = format!("{mark:<4}"),
                metric = o.metric,
                value = value,
                expected = o.expected
            )
        )?;
    }
    for line in s.notes.iter().chain(sentences(s).iter()) {
        writeln!(out, "  {line}")?;
    }
    writeln!(out, "  {}", t!("term-results", dir = dir.display()))
}

/// HELD, FAILED, ERROR in the current language.
pub fn verdict_word(v: Verdict) -> String {
    match v {
        Verdict::Held => t!("verdict-held"),
        Verdict::Failed => t!("verdict-failed"),
        Verdict::Error => t!("verdict-error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, with};

    fn first_line(s: &Summary) -> String {
        let mut out = Vec::new();
        print(&mut out, s, Path::new("results/x")).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_verdict_counts_expectations_in_both_languages() {
        let mut s: Summary = serde_json::from_str(include_str!(
            "../../tests/fixtures/forkbomb-run/summary.json"
        ))
        .unwrap();
        with(Lang::En, || {
            assert_eq!(first_line(&s), "forkbomb: HELD — 3/3 expectations held");
        });
        with(Lang::Es, || {
            assert_eq!(
                first_line(&s),
                "forkbomb: CUMPLIDO — se cumplieron 3 de 3 expectativas"
            );
        });
        s.expectations.truncate(1);
        with(Lang::En, || {
            assert_eq!(first_line(&s), "forkbomb: HELD — 1/1 expectation held");
        });
        with(Lang::Es, || {
            assert_eq!(
                first_line(&s),
                "forkbomb: CUMPLIDO — se cumplió 1 de 1 expectativa"
            );
        });
    }
}
