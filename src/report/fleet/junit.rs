//! The fleet's `junit.xml`: a test suite per node, a test case per node × scenario.

use std::fmt::Write;

use super::findings::FleetReport;
use super::read::Run;
use crate::record::Verdict;
use crate::report::document::esc;
use crate::report::junit::failure_message;
use crate::t;

/// JUnit XML of a fleet: a test suite per node, a test case per node × scenario (its latest
/// run among the worst); a failed expectation is a failure, a run that did not complete an
/// error.
pub fn junit(r: &FleetReport<'_>) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"limitlab fleet\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        r.cells.len(),
        r.failed,
        r.errors
    );
    for n in &r.nodes {
        node_suite(&mut x, r, n);
    }
    x.push_str("</testsuites>\n");
    x
}

/// One node's test suite: a test case per scenario it ran.
fn node_suite(x: &mut String, r: &FleetReport<'_>, node: &str) {
    let mine: Vec<(&str, &Run)> = r
        .scenarios
        .iter()
        .filter_map(|s| r.cells.get(&(node, *s)).map(|(run, _)| (*s, *run)))
        .collect();
    let count = |v: Verdict| {
        mine.iter()
            .filter(|(_, run)| run.summary.verdict == v)
            .count()
    };
    let _ = writeln!(
        x,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        esc(node),
        mine.len(),
        count(Verdict::Failed),
        count(Verdict::Error)
    );
    for (s, run) in mine {
        test_case(x, node, s, run);
    }
    let _ = writeln!(x, "  </testsuite>");
}

/// The test case of one node × scenario: passed, failed (the expectations that failed), or
/// errored (why the run did not complete).
fn test_case(x: &mut String, node: &str, scenario: &str, run: &Run) {
    let su = &run.summary;
    let _ = write!(
        x,
        "    <testcase classname=\"limitlab.fleet.{}\" name=\"{}\"",
        esc(node),
        esc(scenario)
    );
    match su.verdict {
        Verdict::Held => {
            let _ = writeln!(x, "/>");
        }
        Verdict::Failed => {
            let msg: Vec<String> = su
                .expectations
                .iter()
                .filter(|o| !o.held)
                .map(|o| failure_message(o, su))
                .collect();
            let msg = t!(
                "fleet-junit-failure",
                node = node,
                failures = msg.join("; ")
            );
            let text = t!("fleet-junit-from", message = msg, from = run.from);
            let _ = writeln!(
                x,
                ">\n      <failure type=\"expectation\" message=\"{}\">{}</failure>\n    </testcase>",
                esc(&msg),
                esc(&text)
            );
        }
        Verdict::Error => {
            let why = su
                .abort_reason
                .clone()
                .unwrap_or_else(|| t!("sweep-incomplete"));
            let _ = writeln!(
                x,
                ">\n      <error type=\"run\" message=\"{}\">{}</error>\n    </testcase>",
                esc(&why),
                esc(&why)
            );
        }
    }
}
