//! What a fleet report shows, computed once from the fleet: the cell each node × scenario
//! stands for, the verdict counts, the worst node per metric and the facts the nodes differ
//! in; and the words for them that the Markdown and the HTML page share.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::read::{Fleet, NodeFacts, Run};
use crate::data::metrics::Better;
use crate::metrics;
use crate::record::{Summary, Verdict};
use crate::report::terminal::format_value;

/// The metrics each scenario's table shows.
pub const COLUMNS: &[&str] = &[
    "pids.limit",
    "pids.peak",
    "pids.limit_hits",
    "memory.peak_bytes",
    "memory.oom_kills",
    "host.fork_p99_ms",
    "teardown.leaked",
];

/// The metrics "the worst node" is named for (each has a bad direction: up).
pub const WORST_OF: &[&str] = &[
    "pids.peak",
    "memory.peak_bytes",
    "sandbox.start_ms",
    "host.fork_p99_ms",
    "host.fork_failures",
    "host.wakeup_late_p99_ms",
    "teardown.ms",
    "teardown.leaked",
    "workload.escapes",
    "sampling.missed",
];

/// The worst node of one scenario for one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Worst {
    pub scenario: String,
    pub metric: &'static str,
    pub node: String,
    pub value: f64,
    pub median: f64,
    pub best_node: String,
    pub best: f64,
}

/// A fact on which the nodes differ, or do not.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub fact: &'static str,
    /// Each value with the nodes that have it (one entry: every node agrees).
    pub values: Vec<(String, Vec<String>)>,
}

/// (node, scenario) → the run shown and how many runs the cell has.
pub type Cells<'a> = BTreeMap<(&'a str, &'a str), (&'a Run, usize)>;

/// Everything the fleet report shows, computed once.
pub struct FleetReport<'a> {
    pub fleet: &'a Fleet,
    pub nodes: Vec<&'a str>,
    pub scenarios: Vec<&'a str>,
    /// (node, scenario) → the run shown and how many runs the cell has.
    pub cells: Cells<'a>,
    pub worst: Vec<Worst>,
    pub differences: Vec<Difference>,
    pub held: usize,
    pub failed: usize,
    pub errors: usize,
}

impl<'a> FleetReport<'a> {
    pub fn of(fleet: &'a Fleet) -> FleetReport<'a> {
        let cells: Cells<'a> = fleet
            .cells()
            .into_iter()
            .map(|(k, runs)| (k, (Fleet::shown(&runs), runs.len())))
            .collect();
        let count = |v: Verdict| {
            cells
                .values()
                .filter(|(r, _)| r.summary.verdict == v)
                .count()
        };
        let scenarios = fleet.scenarios();
        let worst = scenarios
            .iter()
            .flat_map(|sc| {
                WORST_OF
                    .iter()
                    .filter_map(|metric| worst_node(&cells, sc, metric))
            })
            .collect();
        FleetReport {
            fleet,
            nodes: fleet.nodes(),
            held: count(Verdict::Held),
            failed: count(Verdict::Failed),
            errors: count(Verdict::Error),
            worst,
            differences: differences(fleet),
            scenarios,
            cells,
        }
    }

    /// The fleet's verdict: failed if a node × scenario failed, else error if one did not
    /// complete, else held.
    pub fn verdict(&self) -> Verdict {
        if self.failed > 0 {
            Verdict::Failed
        } else if self.errors > 0 {
            Verdict::Error
        } else {
            Verdict::Held
        }
    }

    pub(super) fn title(&self) -> String {
        format!(
            "Fleet report: {} node{}, {} scenario{}, {} run{}",
            self.nodes.len(),
            plural(self.nodes.len()),
            self.scenarios.len(),
            plural(self.scenarios.len()),
            self.fleet.runs.len(),
            plural(self.fleet.runs.len())
        )
    }

    pub(super) fn headline(&self) -> String {
        let cells = self.cells.len();
        let mut h = format!(
            "{} of {cells} node × scenario cell{} held",
            self.held,
            plural(cells)
        );
        if self.failed > 0 {
            let _ = write!(h, ", {} FAILED", self.failed);
        }
        if self.errors > 0 {
            let _ = write!(h, ", {} did not complete", self.errors);
        }
        let missing = self.nodes.len() * self.scenarios.len() - cells;
        if missing > 0 {
            let _ = write!(
                h,
                "; {missing} cell{} no run (a node did not run that scenario)",
                if missing == 1 { " has" } else { "s have" }
            );
        }
        h.push('.');
        h
    }
}

/// The worst node of `scenario` for `metric`, against the median and the best: `None` for a
/// metric without a bad direction up, one that fewer than two nodes have, or one on which
/// every node agrees.
fn worst_node(cells: &Cells<'_>, scenario: &str, metric: &'static str) -> Option<Worst> {
    if crate::data::metrics::find(metric).is_none_or(|d| d.better != Better::Lower) {
        return None;
    }
    let mut values: Vec<(&str, f64)> = cells
        .iter()
        .filter(|((_, s), _)| *s == scenario)
        .filter_map(|((n, _), (r, _))| {
            r.summary
                .metrics
                .get(metric)
                .copied()
                .flatten()
                .filter(|v| v.is_finite())
                .map(|v| (*n, v))
        })
        .collect();
    if values.len() < 2 {
        return None;
    }
    values.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
    let (best_node, best) = values[0];
    let (node, value) = *values.last().expect("two values");
    if value == best {
        return None;
    }
    let sorted: Vec<f64> = values.iter().map(|v| v.1).collect();
    Some(Worst {
        scenario: scenario.to_string(),
        metric,
        node: node.to_string(),
        value,
        median: metrics::percentile(&sorted, 50.0).unwrap_or(value),
        best_node: best_node.to_string(),
        best,
    })
}

/// The facts the report compares across nodes, each with the nodes that have each value.
fn differences(fleet: &Fleet) -> Vec<Difference> {
    let facts = fleet.node_facts();
    type Get = fn(&NodeFacts) -> String;
    let which: [(&'static str, Get); 4] = [
        ("kernel", |f| f.kernel.clone()),
        ("cgroup mode", |f| f.cgroup_mode.clone()),
        ("container runtime", |f| f.runtime.clone()),
        ("limitlab version", |f| f.limitlab.clone()),
    ];
    which
        .into_iter()
        .map(|(fact, get)| {
            let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (node, f) in &facts {
                by.entry(get(f)).or_default().push(node.to_string());
            }
            Difference {
                fact,
                values: by.into_iter().collect(),
            }
        })
        .collect()
}

impl Difference {
    /// `the same on every node: 6.1.0`, or `DIFFERS: 5.15 on n4; 6.1.0 on n1, n2`.
    pub(super) fn line(&self) -> String {
        if self.values.len() == 1 {
            return format!("the same on every node: {}", self.values[0].0);
        }
        let parts: Vec<String> = self
            .values
            .iter()
            .map(|(v, nodes)| format!("{v} on {}", nodes.join(", ")))
            .collect();
        format!("DIFFERS: {}", parts.join("; "))
    }
}

impl Worst {
    /// The cells of its table row: the worst node, the fleet median, the best node, and
    /// what the metric measures.
    pub(super) fn cells(&self) -> [String; 4] {
        [
            format!("{} ({})", self.node, format_value(self.metric, self.value)),
            format_value(self.metric, self.median),
            format!(
                "{} ({})",
                self.best_node,
                format_value(self.metric, self.best)
            ),
            crate::data::metrics::find(self.metric)
                .map(|d| d.help)
                .unwrap_or("")
                .into(),
        ]
    }
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A metric of a run as the tables show it, `n/a` without a value.
pub(super) fn shown_value(s: &Summary, metric: &str) -> String {
    s.metrics
        .get(metric)
        .copied()
        .flatten()
        .map(|v| format_value(metric, v))
        .unwrap_or_else(|| "n/a".into())
}
