//! JUnit XML: one test case per expectation per run, so CI systems show each limit that
//! held or failed. A run that could not complete (aborted, or teardown left something
//! behind) adds an errored test case `run`.

use std::fmt::Write;

use super::document::{esc, expectation_value};
use crate::plan::expect::Outcome;
use crate::record::{Summary, Verdict};
use crate::{i18n, t};

/// One run's place in the XML: its summary and where its results are.
pub struct Entry<'a> {
    pub summary: &'a Summary,
    pub results: String,
}

pub fn render(entries: &[Entry<'_>]) -> String {
    let count = |f: &dyn Fn(&Summary) -> usize| entries.iter().map(|e| f(e.summary)).sum::<usize>();
    let run_error = |s: &Summary| usize::from(s.verdict == Verdict::Error);
    let tests = count(&|s| s.expectations.len() + run_error(s));
    let failures = count(&|s| s.expectations.iter().filter(|o| !o.held).count());
    let errors = count(&run_error);
    let time: f64 = entries.iter().map(|e| seconds(e.summary)).sum();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"limitlab\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{time:.3}\">"
    );
    for e in entries {
        let s = e.summary;
        let name = s.scenario_label();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\" timestamp=\"{}\">",
            esc(&name),
            s.expectations.len() + run_error(s),
            s.expectations.iter().filter(|o| !o.held).count(),
            run_error(s),
            seconds(s),
            esc(&s.started_at)
        );
        let _ = writeln!(
            x,
            "    <properties><property name=\"results\" value=\"{}\"/><property name=\"scenario\" value=\"{}\"/></properties>",
            esc(&e.results),
            esc(&s.scenario.source.display().to_string())
        );
        for o in &s.expectations {
            let _ = write!(
                x,
                "    <testcase classname=\"limitlab.{}\" name=\"{}\"",
                esc(&name),
                esc(&format!("{} {}", o.metric, o.expected))
            );
            if o.held {
                let _ = writeln!(x, "/>");
            } else {
                let msg = failure_message(o, s);
                let _ = writeln!(
                    x,
                    ">\n      <failure type=\"expectation\" message=\"{}\">{}</failure>\n    </testcase>",
                    esc(&msg),
                    esc(&msg)
                );
            }
        }
        if s.verdict == Verdict::Error {
            let why = s.abort_reason.clone().unwrap_or_else(|| {
                t!(
                    "junit-teardown-left",
                    count = i18n::count(s.teardown.leaked()).ungrouped()
                )
            });
            let _ = writeln!(
                x,
                "    <testcase classname=\"limitlab.{}\" name=\"run\">\n      <error type=\"run\" message=\"{}\">{}</error>\n    </testcase>",
                esc(&name),
                esc(&why),
                esc(&why)
            );
        }
        let _ = writeln!(x, "  </testsuite>");
    }
    x.push_str("</testsuites>\n");
    x
}

/// What a failed expectation says: `pids.peak = 80, expected <= 50` (the run's and the
/// fleet's JUnit), in the current language (`se esperaba <= 50`).
pub fn failure_message(o: &Outcome, s: &Summary) -> String {
    t!(
        "junit-failure",
        metric = o.metric,
        value = expectation_value(o, s),
        expected = o.expected
    )
}

fn seconds(s: &Summary) -> f64 {
    (s.metrics
        .get("run.duration_ms")
        .copied()
        .flatten()
        .unwrap_or(0.0)
        + s.teardown.ms)
        / 1000.0
}
