//! `limitlab compare BASELINE CURRENT`: metric by metric, what changed between two runs (or
//! two sweeps, cell by cell). A regression is an expectation that held and now fails, or a
//! metric that moved past the tolerance in its bad direction.

use std::fmt::Write;

use super::terminal::format_value;
use crate::data::metrics::{Better, Unit};
use crate::i18n;
use crate::record::Summary;
use crate::t;

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
        let _ = writeln!(t, "{label}:\n  {}", t!("compare-lost"));
    }
    for c in cmp {
        let _ = writeln!(t, "{}:", c.label);
        for (metric, expected) in &c.broken {
            let _ = writeln!(
                t,
                "  {}",
                t!("compare-broken", metric = metric, expected = expected)
            );
        }
        let moved: Vec<&Change> = c
            .changes
            .iter()
            .filter(|ch| ch.verdict != Move::Same)
            .collect();
        if moved.is_empty() && c.broken.is_empty() {
            let tolerance = i18n::number(tolerance.to_string());
            let _ = writeln!(
                t,
                "  {}",
                t!("compare-nothing-moved", tolerance = tolerance)
            );
            continue;
        }
        let width = moved.iter().map(|ch| ch.metric.len()).max().unwrap_or(0);
        for ch in moved {
            let show = |v: Option<f64>| {
                v.map(|v| format_value(&ch.metric, v))
                    .unwrap_or_else(|| t!("compare-na"))
            };
            let pct = ch.percent.map(signed_percent).unwrap_or_default();
            let word = ch.verdict.word();
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
            t!("compare-no-regression")
        } else {
            t!(
                "compare-regressions",
                count = i18n::count(total).ungrouped()
            )
        }
    );
    t
}

impl Move {
    /// The word a line of the table starts with: `REGRESSION`, `better`, … (`REGRESIÓN`,
    /// `mejor`, … in Spanish).
    pub fn word(self) -> String {
        match self {
            Move::Worse => t!("compare-word-regression"),
            Move::Better => t!("compare-word-better"),
            Move::Changed => t!("compare-word-changed"),
            Move::Missing => t!("compare-word-missing"),
            Move::Same => t!("compare-word-same"),
        }
    }
}

/// A relative change with its sign and one decimal, `+12.5%` (`+12,5 %` in Spanish).
fn signed_percent(p: f64) -> String {
    let n = i18n::fixed(p, 1);
    let n = if n.starts_with('-') {
        n
    } else {
        format!("+{n}")
    };
    t!("compare-percent", n = n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, with};

    /// A run that got worse, better and lost a metric, one where nothing moved, and a sweep
    /// cell the current results lack.
    fn table(lang: Lang) -> String {
        let change = |metric: &str, baseline, current, percent, verdict| Change {
            metric: metric.into(),
            baseline,
            current,
            percent,
            verdict,
        };
        let moved = RunComparison {
            label: "forkbomb".into(),
            changes: vec![
                change(
                    "host.fork_p99_ms",
                    Some(2.0),
                    Some(1500.5),
                    Some(74925.0),
                    Move::Worse,
                ),
                change(
                    "host.fork_p50_ms",
                    Some(4.0),
                    Some(1.0),
                    Some(-75.0),
                    Move::Better,
                ),
                change("pids.peak", Some(1000.0), None, None, Move::Missing),
            ],
            broken: vec![("pids.peak".into(), "<= 100".into())],
        };
        let still = RunComparison {
            label: "memhog".into(),
            changes: vec![],
            broken: vec![],
        };
        with(lang, || {
            render(&[moved, still], &["limits.pids=1000".into()], 12.5)
        })
    }

    #[test]
    fn the_table_reads_as_before_in_english() {
        assert_eq!(
            table(Lang::En),
            "limits.pids=1000:\n  REGRESSION  in the baseline, but the current results have no summary of it\n\
             forkbomb:\n  REGRESSION  expectation pids.peak <= 100 held in the baseline and fails now\n\
             \x20 REGRESSION  host.fork_p99_ms  2.0 ms -> 1500.5 ms +74925.0%\n\
             \x20 better      host.fork_p50_ms  4.0 ms -> 1.0 ms -75.0%\n\
             \x20 missing     pids.peak         1,000 -> n/a \n\
             memhog:\n  no metric moved more than 12.5%\n\
             3 regression(s)\n"
        );
    }

    #[test]
    fn the_table_speaks_spanish() {
        let es = table(Lang::Es);
        for line in [
            "limits.pids=1000:\n  REGRESIÓN  está en la referencia, pero los resultados actuales no tienen un resumen de ella\n",
            "  REGRESIÓN  la expectativa pids.peak <= 100 se cumplía en la referencia y ahora falla\n",
            "  REGRESIÓN   host.fork_p99_ms  2,0 ms -> 1.500,5 ms +74.925,0 %\n",
            "  mejor       host.fork_p50_ms  4,0 ms -> 1,0 ms -75,0 %\n",
            "  falta       pids.peak         1.000 -> n/d \n",
            "memhog:\n  ninguna métrica se movió más de 12,5 %\n",
            "3 regresiones\n",
        ] {
            assert!(es.contains(line), "{line:?} in\n{es}");
        }
        let one = RunComparison {
            label: "x".into(),
            changes: vec![],
            broken: vec![("pids.peak".into(), "<= 100".into())],
        };
        assert!(with(Lang::Es, || render(&[one], &[], 10.0)).ends_with("\n1 regresión\n"));
        assert!(with(Lang::Es, || render(&[], &[], 10.0)).ends_with("ninguna regresión\n"));
    }
}
