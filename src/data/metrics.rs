//! The metric catalogue: every metric a summary holds and `[expect]` may name, with its
//! unit, which way is better, and what it means. How each is computed from a run's record
//! is the `metrics` stage's (src/metrics.rs), which comes after this one.
//!
//! The meaning ([`MetricDef::help`]) is kept here in English, as docs/scenario.md and the
//! schema say it; what a person reads in `limitlab list` and in a report is the message
//! [`MetricDef::help_id`] names (i18n/*/catalogue.ftl), in the run's language.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Bytes,
    Ms,
    Cores,
    Ratio,
    /// A process exit code.
    Code,
    /// Events per second.
    PerSecond,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Bytes => "bytes",
            Unit::Ms => "ms",
            Unit::Cores => "cores",
            Unit::Ratio => "ratio 0..1",
            Unit::Code => "exit code",
            Unit::PerSecond => "per second",
        }
    }

    /// The id of the message that names it for a person (`limitlab list`): its English is
    /// [`Unit::name`].
    pub fn message_id(self) -> &'static str {
        match self {
            Unit::Count => "metric-unit-count",
            Unit::Bytes => "metric-unit-bytes",
            Unit::Ms => "metric-unit-ms",
            Unit::Cores => "metric-unit-cores",
            Unit::Ratio => "metric-unit-ratio",
            Unit::Code => "metric-unit-code",
            Unit::PerSecond => "metric-unit-per-second",
        }
    }
}

/// Which way a metric moving is a regression, for `limitlab compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Higher is worse (latency, leaks, what the host feels).
    Lower,
    /// A description of the attack: reported, never a regression by itself.
    Either,
}

#[derive(Debug)]
pub struct MetricDef {
    pub name: &'static str,
    pub unit: Unit,
    pub better: Better,
    pub help: &'static str,
}

impl MetricDef {
    /// The id of the message that says what it measures: its name with `.` and `_` as
    /// `-` (`pids.time_to_limit_ms` → `metric-help-pids-time-to-limit-ms`). Its English is
    /// [`MetricDef::help`], word for word.
    pub fn help_id(&self) -> String {
        format!("metric-help-{}", self.name.replace(['.', '_'], "-"))
    }
}

macro_rules! metrics {
    ($($name:literal $unit:ident $better:ident $help:literal;)*) => {
        /// Every metric a summary holds and `[expect]` may name, in report order.
        pub const METRICS: &[MetricDef] = &[$(MetricDef { name: $name, unit: Unit::$unit, better: Better::$better, help: $help }),*];
    };
}

metrics! {
    "run.duration_ms" Ms Either "how long the workload phase lasted (the scenario's duration, or less if every workload exited)";
    "sandbox.start_ms" Ms Lower "from the start of sandbox setup (cgroups, limits, namespaces) until the first workload was executing";
    "pids.limit" Count Either "the pids.max written for the sandbox (the scenario's limit or the safety ceiling)";
    "pids.peak" Count Lower "most processes and threads in the sandbox at once (the kernel's pids.peak; where it has none, the sampled maximum of pids.current, which can read a few above pids.max for an instant)";
    "pids.limit_hits" Count Either "forks refused by the pids limit (the max count in pids.events)";
    "pids.time_to_limit_ms" Ms Either "from the workload's start until the pids limit first refused a fork (sampling resolution)";
    "target.pids_peak" Count Either "with a target: most tasks in the target's cgroup at once (the container's own and the workload's); the kernel's pids.peak watermark, since the target's cgroup was made, where it has one";
    "target.pids_limit" Count Either "with a target: the pids.max the target is under, read from the kernel";
    "target.pids_limit_hits" Count Either "with a target: forks its pids limit refused during the run";
    "target.memory_peak_bytes" Bytes Either "with a target: highest memory of the target's cgroup, sampled";
    "target.oom_kills" Count Either "with a target: OOM kills in the target's memory cgroup during the run";
    "target.alive" Count Either "with a target: 1 if the target's own process was still alive after teardown, else 0; every scenario with a process target (pid, lxc, docker, podman, lxd, incus) expects == 1 unless it says otherwise";
    "memory.peak_bytes" Bytes Lower "highest memory charge of the sandbox (memory.peak / max_usage_in_bytes, else sampled)";
    "memory.limit_hits" Count Either "times the memory limit was hit (v1 memory.failcnt plus memory.memsw.failcnt, v2 the max count in memory.events); unknown where v1 counted nothing although the OOM killer fired";
    "memory.oom_kills" Count Either "processes the OOM killer killed in the sandbox";
    "cpu.usage_cores" Cores Either "average CPU the sandbox used while the workload ran, in cores";
    "cpu.throttled_ratio" Ratio Either "share of CFS periods in which the sandbox was throttled by its cpu quota";
    "cpu.throttled_ms" Ms Either "total time the sandbox spent throttled";
    "psi.cpu_some_total_ms" Ms Either "time some sandbox task stalled waiting for CPU (PSI; system-wide where the sandbox has no cgroup2 node)";
    "psi.cpu_full_total_ms" Ms Either "time all non-idle sandbox tasks stalled on CPU at once (PSI)";
    "psi.memory_some_total_ms" Ms Either "time some task stalled on memory (PSI)";
    "psi.memory_full_total_ms" Ms Either "time all non-idle tasks stalled on memory at once (PSI)";
    "psi.io_some_total_ms" Ms Either "time some task stalled on IO (PSI)";
    "psi.io_full_total_ms" Ms Either "time all non-idle tasks stalled on IO at once (PSI)";
    "workload.forks_ok" Count Either "forks the built-in bombs made";
    "workload.forks_failed" Count Either "forks the built-in bombs tried that the kernel refused (EAGAIN)";
    "workload.bytes_reached" Bytes Either "the most memory the memory hogs held (how far they got before a limit or the OOM killer stopped them)";
    "workload.escape_attempts" Count Either "escape attempts the hostile workload (kind = \"escape\") made";
    "workload.escapes" Count Lower "escape attempts that got through (must be 0)";
    "workload.spins" Count Either "work units the CPU spinners completed";
    "workload.spins_per_s" PerSecond Either "work units per second the CPU spinners completed while the workload ran";
    "host.fork_p50_ms" Ms Lower "median time for the host (outside the sandbox) to create, run and reap a tiny child, probed every 100 ms";
    "host.fork_p99_ms" Ms Lower "99th percentile of the host probe's create + exit + reap time";
    "host.fork_max_ms" Ms Lower "worst host probe create + exit + reap time";
    "host.fork_failures" Count Lower "host probe forks the kernel refused (a bomb took the host's pids)";
    "host.wakeup_late_p50_ms" Ms Lower "median lateness of the host probe thread's timer wakeups";
    "host.wakeup_late_p99_ms" Ms Lower "99th percentile lateness of the host probe thread's timer wakeups";
    "host.wakeup_late_max_ms" Ms Lower "worst lateness of the host probe thread's timer wakeups";
    "host.psi_cpu_some_total_ms" Ms Lower "time some task on the whole machine stalled on CPU (/proc/pressure)";
    "host.psi_cpu_full_total_ms" Ms Lower "time all non-idle tasks on the whole machine stalled on CPU at once";
    "host.psi_memory_some_total_ms" Ms Lower "time some task on the whole machine stalled on memory";
    "host.psi_memory_full_total_ms" Ms Lower "time all non-idle tasks on the whole machine stalled on memory at once";
    "host.psi_io_some_total_ms" Ms Lower "time some task on the whole machine stalled on IO";
    "host.psi_io_full_total_ms" Ms Lower "time all non-idle tasks on the whole machine stalled on IO at once";
    "workload.exit_code" Code Either "exit code of the first workload, when it exited by itself before teardown";
    "sampling.samples" Count Either "samples taken";
    "sampling.missed" Count Lower "sampling intervals skipped because the sampler fell behind";
    "sampling.late_p50_ms" Ms Lower "median lateness of a sample against its schedule";
    "sampling.late_p99_ms" Ms Lower "99th percentile lateness of a sample against its schedule";
    "sampling.late_max_ms" Ms Lower "worst lateness of a sample against its schedule";
    "teardown.killed" Count Either "tasks in the sandbox when teardown killed it";
    "teardown.ms" Ms Lower "from the start of teardown until every process was gone and every cgroup removed";
    "teardown.leaked" Count Lower "processes still alive plus cgroups not removed after teardown, plus, with a target, what the run left in it (a zombie, tasks charged to its cgroup, a runtime limit not put back; must be 0)";
}

/// Looks a metric up by name.
pub fn find(name: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|m| m.name == name)
}

/// Metric values in catalogue order; `None` where the kernel or run did not provide it.
pub type Metrics = IndexMap<String, Option<f64>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, message};

    #[test]
    fn every_metric_says_what_it_measures_in_both_languages() {
        let mut ids: Vec<String> = METRICS.iter().map(MetricDef::help_id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), METRICS.len(), "two metrics share a message id");
        for m in METRICS {
            let id = m.help_id();
            let en = message(Lang::En, &id, &[]);
            assert_eq!(
                en.as_deref(),
                Some(m.help),
                "{id} is not the catalogue's English"
            );
            let es = message(Lang::Es, &id, &[]).unwrap_or_else(|| panic!("{id}: no Spanish"));
            assert_ne!(es, m.help, "{id} is not translated");
            let id = m.unit.message_id();
            assert_eq!(message(Lang::En, id, &[]).as_deref(), Some(m.unit.name()));
            assert!(message(Lang::Es, id, &[]).is_some(), "{id}: no Spanish");
        }
    }

    #[test]
    fn the_spanish_meanings_read_as_the_course_says_them() {
        let es = |name: &str| message(Lang::Es, &find(name).unwrap().help_id(), &[]).unwrap();
        assert!(es("pids.peak").starts_with("la mayor cantidad de procesos e hilos a la vez"));
        assert_eq!(
            es("pids.limit_hits"),
            "forks que rechazó el límite de pids (el contador max de pids.events)"
        );
        assert!(es("memory.oom_kills").contains("OOM killer"));
        assert_eq!(es("sampling.samples"), "muestras tomadas");
        let unit = |u: Unit| message(Lang::Es, u.message_id(), &[]).unwrap();
        assert_eq!(unit(Unit::Code), "código de salida");
        assert_eq!(unit(Unit::Ratio), "razón 0..1");
    }
}
