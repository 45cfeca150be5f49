//! `limitlab compare BASELINE CURRENT`: metric by metric, what changed between two runs (or
//! two sweeps, cell by cell). A regression is an expectation that held and now fails, or a
//! metric that moved past the tolerance in its bad direction.

use std::fmt::Write;

use super::terminal::format_value;
use crate::data::metrics::{Better, Unit};
use crate::record::Summary;

/// How one metric moved.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub metric: String,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    /// Relative change in percent, where the baseline is not zero.
    pub percent: Option<f64>,
    pub verdict: Move,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Same,
    /// Moved past the tolerance in the bad direction.
    Worse,
    /// Moved past the tolerance in the good direction.
    Better,
    /// Moved past the tolerance; the metric has no bad direction.
    Changed,
    /// Present in one run only.
    Missing,
}

/// The comparison of two runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RunComparison {
    pub label: String,
    pub changes: Vec<Change>,
    /// Expectations that held in the baseline and fail now: (metric, expected).
    pub broken: Vec<(String, String)>,
}

impl RunComparison {
    pub fn regressions(&self) -> usize {
        self.broken.len()
            + self
                .changes
                .iter()
                .filter(|c| c.verdict == Move::Worse)
                .count()
    }
}

/// The smallest move that counts, per unit, so noise around zero is not a regression.
fn floor(unit: Unit) -> f64 {
    match unit {
        Unit::Ms => 1.0,
        Unit::Bytes => (1 << 20) as f64,
        Unit::Cores => 0.05,
        Unit::Ratio => 0.02,
        Unit::Count | Unit::Code | Unit::PerSecond => 1.0,
    }
}

/// Compares two summaries; `tolerance` is in percent.
pub fn runs(label: &str, base: &Summary, cur: &Summary, tolerance: f64) -> RunComparison {
    let mut changes = Vec::new();
    for def in crate::data::metrics::METRICS {
        let b = base.metrics.get(def.name).copied().flatten();
        let c = cur.metrics.get(def.name).copied().flatten();
        let (verdict, percent) = match (b, c) {
            (None, None) => continue,
            (Some(_), None) | (None, Some(_)) => (Move::Missing, None),
            (Some(b), Some(c)) => {
                let delta = c - b;
                let percent = (b != 0.0).then(|| delta / b.abs() * 100.0);
                let past =
                    delta.abs() > floor(def.unit) && percent.is_none_or(|p| p.abs() > tolerance);
                let verdict = match (past, def.better) {
                    (false, _) => Move::Same,
                    (true, Better::Either) => Move::Changed,
                    (true, Better::Lower) if delta > 0.0 => Move::Worse,
                    (true, Better::Lower) => Move::Better,
                };
                (verdict, percent)
            }
        };
        changes.push(Change {
            metric: def.name.to_string(),
            baseline: b,
            current: c,
            percent,
            verdict,
        });
    }
    let broken = cur
        .expectations
        .iter()
        .filter(|o| !o.held)
        .filter(|o| {
            base.expectations
                .iter()
                .any(|b| b.metric == o.metric && b.expected == o.expected && b.held)
        })
        .map(|o| (o.metric.clone(), o.expected.clone()))
        .collect();
    RunComparison {
        label: label.to_string(),
        changes,
        broken,
    }
}

/// How many regressions: each run's, and each run (sweep cell) the baseline has and the
/// current results do not (`lost`).
pub fn regressions(cmp: &[RunComparison], lost: &[String]) -> usize {
    lost.len() + cmp.iter().map(RunComparison::regressions).sum::<usize>()
}

/// A table of what changed (unchanged metrics are left out), `lost` runs first.
pub fn render(cmp: &[RunComparison], lost: &[String], tolerance: f64) -> String {
    let mut t = String::new();
    for label in lost {
        let _ = writeln!(
            t,
            "{label}:\n  REGRESSION  in the baseline, but the current results have no summary of it"
        );
    }
    for c in cmp {
        let _ = writeln!(t, "{}:", c.label);
        for (metric, expected) in &c.broken {
            let _ = writeln!(
                t,
                "  REGRESSION  expectation {metric} {expected} held in the baseline and fails now"
            );
        }
        let moved: Vec<&Change> = c
            .changes
            .iter()
            .filter(|ch| ch.verdict != Move::Same)
            .collect();
        if moved.is_empty() && c.broken.is_empty() {
            let _ = writeln!(t, "  no metric moved more than {tolerance}%");
            continue;
        }
        let width = moved.iter().map(|ch| ch.metric.len()).max().unwrap_or(0);
        for ch in moved {
            let show = |v: Option<f64>| {
                v.map(|v| format_value(&ch.metric, v))
                    .unwrap_or_else(|| "n/a".into())
            };
            let pct = ch.percent.map(|p| format!("{p:+.1}%")).unwrap_or_default();
            let word = match ch.verdict {
                Move::Worse => "REGRESSION",
                Move::Better => "better",
                Move::Changed => "changed",
                Move::Missing => "missing",
                Move::Same => "same",
            };
            let _ = writeln!(
                t,
                "  {word:<10}  {:<width$}  {} -> {} {pct}",
                ch.metric,
                show(ch.baseline),
                show(ch.current)
            );
        }
    }
    let total = regressions(cmp, lost);
    let _ = writeln!(
        t,
        "{}",
        if total == 0 {
            "no regression".to_string()
        } else {
            format!("{total} regression(s)")
        }
    );
    t
}
