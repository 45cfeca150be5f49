//! The `[limits]` table, resolved: the pids cap and who chose it, memory, swap, CPU
//! bandwidth and cpuset, with limitlab's own ceilings where the scenario sets none.

use serde::{Deserialize, Serialize};

use crate::plan::{Diagnostics, PlanOptions, TargetSpec};
use crate::scenario::{LimitsTable, path};
use crate::t;
use crate::units::{self, parse_cpu_list};

/// Who chose the pids cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PidsSource {
    Scenario,
    /// The scenario asked for no pids limit; limitlab's ceiling applies anyway.
    SafetyCeiling,
    /// A target's own limits are under test: limitlab writes no pids.max of its own (and
    /// refuses a target without one, see [`crate::sandbox::target`]).
    Target,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PidsLimit {
    pub max: u64,
    pub source: PidsSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitsPlan {
    pub pids: PidsLimit,
    /// The scenario's memory limit.
    pub memory: Option<u64>,
    /// limitlab's memory cap when the scenario sets none.
    pub memory_ceiling: Option<u64>,
    pub swap: Option<u64>,
    /// CPU bandwidth in cores.
    pub cpu: Option<f64>,
    pub cpuset: Option<String>,
}

impl LimitsPlan {
    /// The pids limit written to limitlab's own cgroup: none beneath a target, whose own
    /// limit is the one under test.
    pub fn pids_max(&self) -> Option<u64> {
        (self.pids.source != PidsSource::Target).then_some(self.pids.max)
    }

    /// The memory limit written to the kernel: the scenario's, else limitlab's ceiling.
    pub fn memory_max(&self) -> Option<u64> {
        self.memory.or(self.memory_ceiling)
    }
}

/// `[limits] pids` as the scenario writes it: a positive number, or none for absent and
/// `"max"`.
pub fn scenario_pids(value: Option<&toml::Value>, d: &mut Diagnostics) -> Option<u64> {
    match value {
        None => None,
        Some(toml::Value::String(s)) if s == "max" => None,
        Some(toml::Value::Integer(n)) if *n >= 1 => Some(*n as u64),
        Some(toml::Value::Integer(n)) => {
            d.push(&path(&["limits", "pids"]), t!("plan-bad-pids", value = n));
            None
        }
        Some(other) => {
            d.push(
                &path(&["limits", "pids"]),
                t!("plan-bad-pids", value = other),
            );
            None
        }
    }
}

/// Resolves the rest of `[limits]` around the pids value [`scenario_pids`] read. A
/// target's own limits are what is tested: beneath one, limitlab adds no ceiling of its own.
pub fn plan(
    lim: &LimitsTable,
    scenario_pids: Option<u64>,
    target: Option<&TargetSpec>,
    opts: &PlanOptions,
    d: &mut Diagnostics,
) -> LimitsPlan {
    let pids = pids_limit(scenario_pids, target, opts.safety_ceiling);
    let memory = lim.memory.as_ref().and_then(|v| {
        d.check(
            &path(&["limits", "memory"]),
            size_at_least(v, 1 << 20, || t!("plan-memory-why")),
        )
    });
    let swap = lim
        .swap
        .as_ref()
        .and_then(|v| d.check(&path(&["limits", "swap"]), size_at_least(v, 0, String::new)));
    if swap.is_some() && lim.memory.is_none() {
        d.push(&path(&["limits", "swap"]), t!("plan-swap-needs-memory"));
    }
    let cpu = lim.cpu.as_ref().and_then(|v| cpu(v, d));
    let cpuset = lim.cpuset.clone().filter(|c| {
        let ok = valid_cpuset(c);
        if !ok {
            d.push(
                &path(&["limits", "cpuset"]),
                t!("plan-bad-cpuset", value = format!("{c:?}")),
            );
        }
        ok
    });
    LimitsPlan {
        pids,
        memory_ceiling: if memory.is_none() && target.is_none() {
            opts.memory_ceiling
        } else {
            None
        },
        memory,
        swap,
        cpu,
        cpuset,
    }
}

/// The pids cap: the scenario's, else limitlab's `ceiling` (which a target does not get
/// written, see [`LimitsPlan::pids_max`]).
fn pids_limit(scenario: Option<u64>, target: Option<&TargetSpec>, ceiling: u64) -> PidsLimit {
    match (scenario, target) {
        (Some(max), _) => PidsLimit {
            max,
            source: PidsSource::Scenario,
        },
        (None, Some(_)) => PidsLimit {
            max: ceiling,
            source: PidsSource::Target,
        },
        (None, None) => PidsLimit {
            max: ceiling,
            source: PidsSource::SafetyCeiling,
        },
    }
}

/// `[limits] cpu`: cores, from 0.01 to 4096.
fn cpu(value: &toml::Value, d: &mut Diagnostics) -> Option<f64> {
    let cores = match value {
        toml::Value::Integer(n) => Some(*n as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    };
    match cores {
        Some(c) if (0.01..=4096.0).contains(&c) => Some(c),
        _ => {
            d.push(&path(&["limits", "cpu"]), t!("plan-bad-cpu", value = value));
            None
        }
    }
}

fn valid_cpuset(text: &str) -> bool {
    parse_cpu_list(text).is_some_and(|c| !c.is_empty())
}

/// `value` as a size of at least `min` bytes; `why` says what goes wrong below it, worded only
/// for the error, so that a valid size parses no messages (it is on the start path).
pub(super) fn size_at_least(
    value: &toml::Value,
    min: u64,
    why: impl FnOnce() -> String,
) -> Result<u64, String> {
    let bytes = units::size_value(value, |other| {
        t!("plan-not-a-size", value = other, help = units::size_help())
    })?;
    if bytes < min {
        return Err(t!(
            "plan-size-small",
            size = units::format_size(bytes),
            why = why()
        ));
    }
    Ok(bytes)
}
