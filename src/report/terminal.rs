//! What a run prints when it is done: the verdict, each expectation, what happened in words,
//! and where the evidence is.

use std::io::{self, Write};
use std::path::Path;

use super::summary::{group, sentences};
use crate::metrics;
use crate::record::{Summary, Verdict};
use crate::units;

/// Formats a metric value in its unit, for people.
pub fn format_value(metric: &str, v: f64) -> String {
    match metrics::find(metric).map(|m| m.unit) {
        Some(metrics::Unit::Bytes) => units::format_size(v as u64),
        Some(metrics::Unit::Ms) => format!("{v:.1} ms"),
        Some(metrics::Unit::Cores) => format!("{v:.3} cores"),
        Some(metrics::Unit::Ratio) => format!("{v:.3}"),
        Some(metrics::Unit::PerSecond) => format!("{}/s", group(v)),
        _ if v.fract() == 0.0 => group(v),
        _ => format!("{v}"),
    }
}

pub fn print(out: &mut impl Write, s: &Summary, dir: &Path) -> io::Result<()> {
    let name = match &s.scenario.cell {
        Some(cell) => format!("{} [{cell}]", s.scenario.name),
        None => s.scenario.name.clone(),
    };
    let held = s.expectations.iter().filter(|o| o.held).count();
    let total = s.expectations.len();
    match s.verdict {
        Verdict::Held => writeln!(out, "{name}: HELD — {held}/{total} expectations held")?,
        Verdict::Failed => writeln!(out, "{name}: FAILED — {held}/{total} expectations held")?,
        Verdict::Error => writeln!(
            out,
            "{name}: ERROR — {}",
            s.abort_reason
                .clone()
                .unwrap_or_else(|| "teardown left something behind".into())
        )?,
    }
    for o in &s.expectations {
        let value = match o.value {
            Some(v) => format_value(&o.metric, v),
            None if s.aborted => super::document::unmeasured(s).into(),
            None => "not available on this kernel or run".into(),
        };
        let mark = if o.held { "ok  " } else { "FAIL" };
        writeln!(
            out,
            "  {mark} {} = {value}   (expected {})",
            o.metric, o.expected
        )?;
    }
    for line in s.notes.iter().chain(sentences(s).iter()) {
        writeln!(out, "  {line}")?;
    }
    writeln!(out, "  results: {}", dir.display())
}
