//! The data a run produces: raw samples, events, and the record the report stage reads.
//!
//! Samples hold raw cumulative counters exactly as the kernel gave them (every field
//! optional: `None` means this kernel or cgroup mode does not provide it). Rates and
//! summaries are computed later by [`crate::metrics`], from these alone.

use serde::{Deserialize, Serialize};

use crate::data::LimitWritten;
use crate::data::{Event, Sample};
use crate::host::HostFacts;
use crate::plan::RunPlan;
use crate::plan::expect::Outcome;
use crate::sandbox::view::ViewReport;

/// What teardown did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TeardownReport {
    /// How processes were killed: `cgroup.kill`, `freeze+kill`, `kill loop`.
    pub method: String,
    /// From the start of teardown until every cgroup was empty (or the wait gave up).
    pub kill_ms: f64,
    /// Until the cgroups were removed too.
    pub ms: f64,
    pub processes_killed: u64,
    pub leaked_processes: u64,
    pub leaked_cgroups: Vec<String>,
    /// With a target: what the run left in it (zombies, tasks charged to its cgroup), once
    /// it had 1 s to settle after teardown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_in_target: Vec<String>,
}

impl TeardownReport {
    pub fn leaked(&self) -> u64 {
        self.leaked_processes + self.leaked_cgroups.len() as u64 + self.left_in_target.len() as u64
    }
}

/// How a workload ended, as reported by the sandbox init.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadExit {
    pub index: usize,
    pub t_ms: f64,
    /// `exited 0`, `killed by SIGKILL`, or the error that kept it from starting.
    pub status: String,
    pub code: Option<i32>,
}

/// Everything one run produced; the input of the summary and the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    pub plan: RunPlan,
    pub host: HostFacts,
    /// UTC start time, RFC 3339.
    pub started_at: String,
    pub limits: Vec<LimitWritten>,
    pub samples: Vec<Sample>,
    /// The run took more samples than it holds in memory: `samples` is empty and the
    /// summary and charts are computed from `samples.csv` (as `limitlab report` does).
    #[serde(skip)]
    pub samples_spilled: bool,
    pub events: Vec<Event>,
    pub exits: Vec<WorkloadExit>,
    /// Milliseconds from the start of sandbox setup until the first workload was executing.
    pub start_ms: Option<f64>,
    /// The init was cloned straight into its cgroup2 node (`CLONE_INTO_CGROUP`).
    pub cloned_into_cgroup: bool,
    /// When the workload phase ended (duration elapsed or every workload exited), ms.
    pub workload_end_ms: f64,
    pub missed_samples: u64,
    pub teardown: TeardownReport,
    /// Set when the run did not complete: the reason.
    pub aborted: Option<String>,
    /// The container or cgroup the run attacked, when it had a target.
    pub target: Option<crate::sandbox::target::TargetReport>,
    /// What the workload could see and touch of the host's filesystems.
    #[serde(default)]
    pub view: Option<ViewReport>,
}

/// What `summary.json` holds: the record without the bulky samples and events, plus the
/// computed metrics and verdict.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub format: u32,
    pub limitlab_version: String,
    pub scenario: RunPlan,
    pub host: HostFacts,
    pub started_at: String,
    pub limits: Vec<LimitWritten>,
    /// The init was cloned straight into its cgroup2 node (`CLONE_INTO_CGROUP`).
    pub cloned_into_cgroup: bool,
    /// What the record holds besides samples and events, so the run can be recomputed.
    pub run: RunFacts,
    /// The container or cgroup the run attacked, and the limits it was under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<crate::sandbox::target::TargetReport>,
    pub exits: Vec<WorkloadExit>,
    /// What the workload could see and touch of the host's filesystems, as the sandbox
    /// init set it up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<ViewReport>,
    pub teardown: TeardownReport,
    pub metrics: indexmap::IndexMap<String, Option<f64>>,
    pub held_by: Option<String>,
    pub expectations: Vec<Outcome>,
    pub verdict: Verdict,
    pub aborted: bool,
    pub abort_reason: Option<String>,
    pub notes: Vec<String>,
}

impl Summary {
    /// The scenario's label: `forkbomb`, or `coursework [limits.pids=100]` for a sweep's
    /// cell (the terminal's, JUnit's and the fleet report's name of a run).
    pub fn scenario_label(&self) -> String {
        match &self.scenario.cell {
            Some(cell) => format!("{} [{cell}]", self.scenario.name),
            None => self.scenario.name.clone(),
        }
    }
}

/// Facts of a run that are neither samples nor events.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RunFacts {
    pub start_ms: Option<f64>,
    pub workload_end_ms: f64,
    pub missed_samples: u64,
}

impl RunRecord {
    /// Rebuilds a record from what a results folder holds.
    pub fn from_parts(summary: &Summary, samples: Vec<Sample>, events: Vec<Event>) -> RunRecord {
        RunRecord {
            plan: summary.scenario.clone(),
            host: summary.host.clone(),
            started_at: summary.started_at.clone(),
            limits: summary.limits.clone(),
            samples,
            samples_spilled: false,
            events,
            exits: summary.exits.clone(),
            start_ms: summary.run.start_ms,
            cloned_into_cgroup: summary.cloned_into_cgroup,
            workload_end_ms: summary.run.workload_end_ms,
            missed_samples: summary.run.missed_samples,
            teardown: summary.teardown.clone(),
            aborted: summary.abort_reason.clone(),
            target: summary.target.clone(),
            view: summary.view.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every expectation held and nothing leaked.
    Held,
    /// At least one expectation failed.
    Failed,
    /// Something leaked or the run could not complete.
    Error,
}

/// The results-folder format version written into every `summary.json`.
pub const FORMAT_VERSION: u32 = 1;
