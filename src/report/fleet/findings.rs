//! What a fleet report shows, computed once from the fleet: the cell each node × scenario
//! stands for, the verdict counts, the worst node per metric and the facts the nodes differ
//! in; and the words for them that the Markdown and the HTML page share.

use std::collections::BTreeMap;

use super::read::{Fleet, NodeFacts, Run};
use crate::data::metrics::Better;
use crate::i18n::{self, t_static};
use crate::metrics;
use crate::record::{Summary, Verdict};
use crate::report::terminal::format_value;
use crate::t;

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
    /// The fact's name, in the language of the report (`kernel`, `cgroup mode`, ...).
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
        let (nodes, scenarios, runs) = (
            self.nodes.len(),
            self.scenarios.len(),
            self.fleet.runs.len(),
        );
        t!(
            "fleet-title",
            nodes = if nodes == 1 {
                t!("fleet-nodes-one", count = count(nodes))
            } else {
                t!("fleet-nodes", count = count(nodes))
            },
            scenarios = if scenarios == 1 {
                t!("fleet-scenarios-one", count = count(scenarios))
            } else {
                t!("fleet-scenarios", count = count(scenarios))
            },
            runs = if runs == 1 {
                t!("fleet-runs-one", count = count(runs))
            } else {
                t!("fleet-runs", count = count(runs))
            }
        )
    }

    pub(super) fn headline(&self) -> String {
        let cells = self.cells.len();
        let (held, all) = (count(self.held), count(cells));
        let mut h = if cells == 1 {
            t!("fleet-headline-one", held = held, cells = all)
        } else {
            t!("fleet-headline", held = held, cells = all)
        };
        if self.failed > 0 {
            h.push_str(&t!("fleet-headline-failed", count = count(self.failed)));
        }
        if self.errors > 0 {
            h.push_str(&t!("fleet-headline-errors", count = count(self.errors)));
        }
        let missing = self.nodes.len() * self.scenarios.len() - cells;
        if missing == 1 {
            h.push_str(&t!("fleet-headline-missing-one", count = count(missing)));
        } else if missing > 1 {
            h.push_str(&t!("fleet-headline-missing", count = count(missing)));
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
        (t_static("fleet-fact-kernel"), |f| f.kernel.clone()),
        (t_static("fleet-fact-cgroup-mode"), |f| {
            f.cgroup_mode.clone()
        }),
        (t_static("fact-container-runtime"), |f| f.runtime.clone()),
        (t_static("fleet-fact-limitlab-version"), |f| {
            f.limitlab.clone()
        }),
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
            return t!("fleet-same-everywhere", value = self.values[0].0);
        }
        let parts: Vec<String> = self
            .values
            .iter()
            .map(|(v, nodes)| t!("fleet-differs-on", value = v, nodes = nodes.join(", ")))
            .collect();
        t!("fleet-differs", values = parts.join("; "))
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
                .map(|d| i18n::tr(&d.help_id(), &[]))
                .unwrap_or_default(),
        ]
    }
}

/// A count as the reports write it: `1000` in English (no grouping, as before), `1.000` in
/// Spanish.
pub(super) fn count(n: usize) -> String {
    i18n::fixed(n as f64, 0)
}

/// A metric of a run as the tables show it, `n/a` (`n/d`) without a value.
pub(super) fn shown_value(s: &Summary, metric: &str) -> String {
    s.metrics
        .get(metric)
        .copied()
        .flatten()
        .map(|v| format_value(metric, v))
        .unwrap_or_else(|| t!("sweep-na"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, with};

    #[test]
    fn the_worst_table_says_what_a_metric_measures_in_the_reports_language() {
        let worst = Worst {
            scenario: "forkbomb".into(),
            metric: "pids.limit_hits",
            node: "a".into(),
            value: 3.0,
            median: 2.0,
            best_node: "b".into(),
            best: 1.0,
        };
        let meaning = |lang| with(lang, || worst.cells()[3].clone());
        assert_eq!(
            meaning(Lang::En),
            "forks refused by the pids limit (the max count in pids.events)"
        );
        assert_eq!(
            meaning(Lang::Es),
            "forks que rechazó el límite de pids (el contador max de pids.events)"
        );
    }
}
