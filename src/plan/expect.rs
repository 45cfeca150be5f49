//! `[expect]` comparisons: the table resolved against the metric catalogue, parsing
//! (`"<= 101"`, `"0.45..0.55"`, `"< 128MiB"`) and checking.

use crate::t;
use std::fmt;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::data::metrics::{self, MetricDef, Unit};
use crate::plan::{Diagnostics, TargetSpec};
use crate::scenario::{closest, path};
use crate::units;

/// The metric every target scenario expects `== 1` of unless it names it itself.
pub const TARGET_ALIVE: &str = "target.alive";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
}

impl Op {
    const ALL: [(&'static str, Op); 6] = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];
    pub fn symbol(self) -> &'static str {
        Op::ALL
            .iter()
            .find(|(_, o)| *o == self)
            .map(|(s, _)| *s)
            .unwrap_or("?")
    }
}

/// What a metric must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Compare {
        op: Op,
        value: f64,
    },
    /// Inclusive on both ends.
    Range {
        low: f64,
        high: f64,
    },
}

/// What a comparison may look like, in English; error messages say it in the current
/// language with [`comparison_help`].
pub const COMPARISON_HELP: &str = "a comparison such as \"<= 101\", \">= 1\", \"== 0\", \"!= 0\", \"< 50\", \"> 0.5\" or an inclusive range \"0.45..0.55\"";

/// [`COMPARISON_HELP`] in the current language, for error messages.
pub fn comparison_help() -> String {
    t!("expect-comparison-help")
}

impl Comparison {
    /// Parses the right-hand side of an `[expect]` entry for a metric with `unit`.
    pub fn parse(text: &str, unit: Unit) -> Result<Comparison, String> {
        let t = text.trim();
        if let Some((low, high)) = t.split_once("..") {
            let low = parse_value(low, unit)?;
            let high = parse_value(high, unit)?;
            if low > high {
                return Err(t!("expect-range-empty", range = format!("{t:?}")));
            }
            return Ok(Comparison::Range { low, high });
        }
        let (op, rest) = Op::ALL
            .iter()
            .find_map(|(sym, op)| t.strip_prefix(sym).map(|rest| (*op, rest)))
            .ok_or_else(|| {
                t!(
                    "expect-not-comparison",
                    text = format!("{text:?}"),
                    help = comparison_help()
                )
            })?;
        let value = parse_value(rest, unit)?;
        Ok(Comparison::Compare { op, value })
    }

    pub fn holds(&self, v: f64) -> bool {
        match *self {
            Comparison::Compare { op, value } => match op {
                Op::Lt => v < value,
                Op::Le => v <= value,
                Op::Eq => v == value,
                Op::Ne => v != value,
                Op::Ge => v >= value,
                Op::Gt => v > value,
            },
            Comparison::Range { low, high } => (low..=high).contains(&v),
        }
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Comparison::Compare { op, value } => write!(f, "{} {value}", op.symbol()),
            Comparison::Range { low, high } => write!(f, "{low}..{high}"),
        }
    }
}

fn parse_value(text: &str, unit: Unit) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(t!("expect-missing-number", help = comparison_help()));
    }
    if let Ok(v) = t.replace('_', "").parse::<f64>()
        && v.is_finite()
    {
        return Ok(v);
    }
    match unit {
        Unit::Bytes => units::parse_size(t).map(|b| b as f64),
        Unit::Ms => units::parse_duration(t).map(|d| d.as_secs_f64() * 1000.0),
        _ => Err(t!("expect-not-number", text = format!("{t:?}"))),
    }
}

/// One `[expect]` entry, resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expectation {
    pub metric: String,
    /// As written in the scenario.
    pub text: String,
    pub comparison: Comparison,
}

impl Expectation {
    pub fn new(def: &MetricDef, text: &str) -> Result<Expectation, String> {
        Ok(Expectation {
            metric: def.name.to_string(),
            text: text.trim().to_string(),
            comparison: Comparison::parse(text, def.unit)?,
        })
    }

    /// Checks the expectation against a metric value; a missing value never holds.
    pub fn check(&self, value: Option<f64>) -> Outcome {
        let held = value.is_some_and(|v| self.comparison.holds(v));
        Outcome {
            metric: self.metric.clone(),
            expected: self.text.clone(),
            value,
            held,
        }
    }
}

/// The result of checking one expectation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    pub metric: String,
    pub expected: String,
    /// `None`: this kernel or run did not provide the metric; the expectation fails.
    pub value: Option<f64>,
    pub held: bool,
}

/// Resolves the `[expect]` table, in the order it is written: each metric must be in the
/// catalogue, each comparison must parse for the metric's unit.
pub fn plan(expect: &IndexMap<String, String>, d: &mut Diagnostics) -> Vec<Expectation> {
    let mut expectations = Vec::new();
    for (metric, text) in expect {
        let key = path(&["expect", metric]);
        match metrics::find(metric) {
            None => d.push(
                &key,
                t!(
                    "plan-unknown-metric",
                    metric = format!("{metric:?}"),
                    hint = suggest(metric)
                ),
            ),
            Some(def) => match Expectation::new(def, text) {
                Ok(x) => expectations.push(x),
                Err(m) => d.push(&key, m),
            },
        }
    }
    expectations
}

/// "did you mean" the catalogued metric nearest to `metric`, or nothing.
fn suggest(metric: &str) -> String {
    match closest(metric, metrics::METRICS.iter().map(|m| m.name)) {
        Some(c) => t!("plan-did-you-mean", candidate = format!("{c:?}")),
        None => String::new(),
    }
}

/// Attacking a container proves nothing if the container did not survive it: a target
/// that limitlab joins gets [`TARGET_ALIVE`]` == 1` unless the scenario names it. (A
/// cgroup target has no process of its own to survive.)
pub fn add_target_alive(
    expectations: &mut Vec<Expectation>,
    written: &IndexMap<String, String>,
    target: Option<&TargetSpec>,
) {
    if target.is_some_and(TargetSpec::joins_namespaces) && !written.contains_key(TARGET_ALIVE) {
        let def = metrics::find(TARGET_ALIVE).expect("a catalogued metric");
        expectations.push(Expectation::new(def, "== 1").expect("a valid comparison"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons() {
        let c = Comparison::parse("<= 101", Unit::Count).unwrap();
        assert!(c.holds(101.0) && !c.holds(101.5));
        let c = Comparison::parse(">=1", Unit::Count).unwrap();
        assert!(c.holds(1.0) && !c.holds(0.0));
        assert!(Comparison::parse("== 0", Unit::Count).unwrap().holds(0.0));
        assert!(Comparison::parse("!= 0", Unit::Count).unwrap().holds(2.0));
        assert!(Comparison::parse("< 50", Unit::Ms).unwrap().holds(49.9));
        assert!(!Comparison::parse("> 0.5", Unit::Ratio).unwrap().holds(0.5));
        let r = Comparison::parse("0.45..0.55", Unit::Cores).unwrap();
        assert!(r.holds(0.45) && r.holds(0.55) && !r.holds(0.56));
    }

    #[test]
    fn units_in_comparisons() {
        let c = Comparison::parse("<= 128MiB", Unit::Bytes).unwrap();
        assert_eq!(
            c,
            Comparison::Compare {
                op: Op::Le,
                value: (128u64 << 20) as f64
            }
        );
        let c = Comparison::parse("< 2s", Unit::Ms).unwrap();
        assert_eq!(
            c,
            Comparison::Compare {
                op: Op::Lt,
                value: 2000.0
            }
        );
        assert!(Comparison::parse("< 2s", Unit::Count).is_err());
    }

    #[test]
    fn malformed() {
        for bad in [
            "", "101", "=< 3", "<=", "<= many", "0.9..0.1", "~ 3", ">= NaN", "1..", "..2",
        ] {
            assert!(
                Comparison::parse(bad, Unit::Count).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn malformed_comparisons_are_said_in_both_languages() {
        use crate::i18n::{Lang, message, with};
        assert_eq!(
            message(Lang::En, "expect-comparison-help", &[]).as_deref(),
            Some(COMPARISON_HELP)
        );
        with(Lang::En, || {
            assert_eq!(
                Comparison::parse("0.9..0.1", Unit::Count).unwrap_err(),
                "range \"0.9..0.1\" is empty: its low end is above its high end"
            );
            assert_eq!(
                Comparison::parse("about 3", Unit::Count).unwrap_err(),
                format!("\"about 3\" is not {COMPARISON_HELP}")
            );
        });
        with(Lang::Es, || {
            assert_eq!(
                Comparison::parse("0.9..0.1", Unit::Count).unwrap_err(),
                "el rango \"0.9..0.1\" está vacío: su extremo inferior está por encima del superior"
            );
            let e = Comparison::parse("about 3", Unit::Count).unwrap_err();
            assert!(
                e.starts_with("\"about 3\" no es una comparación como \"<= 101\""),
                "{e}"
            );
            assert!(e.ends_with("o un rango inclusivo \"0.45..0.55\""), "{e}");
            let e = Comparison::parse("<=", Unit::Count).unwrap_err();
            assert!(
                e.starts_with("falta un número; se esperaba una comparación"),
                "{e}"
            );
        });
    }

    #[test]
    fn missing_value_fails() {
        let def = crate::data::metrics::find("pids.peak").unwrap();
        let e = Expectation::new(def, "<= 101").unwrap();
        assert!(!e.check(None).held);
        assert!(e.check(Some(100.0)).held);
    }
}
