//! Summary metrics: the one list of what `[expect]` can check, and how each is computed
//! from a [`RunRecord`] (raw samples and events only, so a saved run recomputes the same).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::record::{RunRecord, Sample};

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
    "memory.peak_bytes" Bytes Lower "highest memory charge of the sandbox (memory.peak / max_usage_in_bytes, else sampled)";
    "memory.limit_hits" Count Either "times the memory limit was hit (v1 memory.failcnt, v2 the max count in memory.events)";
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
    "teardown.leaked" Count Lower "processes still alive plus cgroups not removed after teardown (must be 0)";
}

/// Looks a metric up by name.
pub fn find(name: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|m| m.name == name)
}

/// Metric values in catalogue order; `None` where the kernel or run did not provide it.
pub type Metrics = IndexMap<String, Option<f64>>;

/// Computes every metric of [`METRICS`] from a run record.
pub fn compute(record: &RunRecord) -> Metrics {
    let all = &record.samples;
    let end = record.workload_end_ms;
    let phase: Vec<&Sample> = all.iter().filter(|s| s.t_ms <= end).collect();
    // Beneath a target, the target's own limit is the one that counts.
    let target_limit: Option<f64> = record
        .target
        .as_ref()
        .and_then(|t| t.limits.iter().find(|l| l.control == "pids.max"))
        .and_then(|l| l.value.parse().ok());
    let pids_limit = match record.plan.limits.pids.source {
        crate::plan::PidsSource::Target => target_limit.unwrap_or(f64::INFINITY),
        _ => record.plan.limits.pids.max as f64,
    };
    let target_events0 = all
        .iter()
        .find_map(|s| s.target_pids_max_events)
        .unwrap_or(0);
    let mut late: Vec<f64> = all.iter().map(|s| s.late_ms).collect();
    late.sort_by(f64::total_cmp);
    let sorted = |f: fn(&Sample) -> Option<f64>| {
        let mut v: Vec<f64> = all.iter().filter_map(f).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let fork = sorted(|s| s.host_fork_ms);
    let wakeup = sorted(|s| s.host_wakeup_late_ms);

    let mut m = Metrics::new();
    for def in METRICS {
        let v = match def.name {
            "run.duration_ms" => Some(end),
            "sandbox.start_ms" => record.start_ms,
            "pids.limit" => pids_limit.is_finite().then_some(pids_limit),
            // The kernel's watermark counts only forks that passed the limit check; a sampled
            // pids.current can read above pids.max for an instant (a fork is charged, checked,
            // then reverted), so it is only the fallback.
            "pids.peak" => {
                last(all, |s| s.pids_peak).or_else(|| max_of(all.iter().map(|s| s.pids_current)))
            }
            "pids.limit_hits" => last(all, |s| s.pids_max_events),
            "pids.time_to_limit_ms" => all
                .iter()
                .find(|s| {
                    s.pids_max_events.is_some_and(|n| n > 0)
                        || s.pids_current.is_some_and(|n| n as f64 >= pids_limit)
                        || s.target_pids_max_events.is_some_and(|n| n > target_events0)
                })
                .map(|s| s.t_ms),
            // As for pids.peak: the kernel's watermark (since the target's cgroup was made)
            // where there is one.
            "target.pids_peak" => last(all, |s| s.target_pids_peak)
                .or_else(|| max_of(all.iter().map(|s| s.target_pids_current))),
            "target.pids_limit" => target_limit,
            // Kernels differ in where a fork refused by an ancestor's limit is counted: in the
            // cgroup whose limit it was, or in the one that forked. Beneath a target,
            // limitlab's own cgroup has no limit of its own, so what it counts was the
            // target's too.
            "target.pids_limit_hits" => {
                let at_target = delta(all, |s| s.target_pids_max_events);
                let own = match record.plan.limits.pids.source {
                    crate::plan::PidsSource::Target => last(all, |s| s.pids_max_events),
                    _ => None,
                };
                match (at_target, own) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                }
            }
            "target.memory_peak_bytes" => max_of(all.iter().map(|s| s.target_memory_bytes)),
            "target.oom_kills" => delta(all, |s| s.target_memory_oom_kills),
            "memory.peak_bytes" => max_of(
                all.iter()
                    .flat_map(|s| [s.memory_bytes, s.memory_peak_bytes]),
            ),
            "memory.limit_hits" => last(all, |s| s.memory_max_events),
            "memory.oom_kills" => last(all, |s| s.memory_oom_kills),
            "cpu.usage_cores" => rate(&phase, |s| s.cpu_usage_us).map(|r| r / 1000.0),
            "cpu.throttled_ratio" => {
                let periods = delta(&phase, |s| s.cpu_periods);
                let throttled = delta(&phase, |s| s.cpu_throttled_periods);
                match (throttled, periods) {
                    (Some(t), Some(p)) if p > 0.0 => Some(t / p),
                    _ => None,
                }
            }
            "cpu.throttled_ms" => delta(&phase, |s| s.cpu_throttled_us).map(|us| us / 1000.0),
            "psi.cpu_some_total_ms" => delta_ms(all, |s| s.psi_cpu_some_us),
            "psi.cpu_full_total_ms" => delta_ms(all, |s| s.psi_cpu_full_us),
            "psi.memory_some_total_ms" => delta_ms(all, |s| s.psi_memory_some_us),
            "psi.memory_full_total_ms" => delta_ms(all, |s| s.psi_memory_full_us),
            "psi.io_some_total_ms" => delta_ms(all, |s| s.psi_io_some_us),
            "psi.io_full_total_ms" => delta_ms(all, |s| s.psi_io_full_us),
            "workload.forks_ok" => last(all, |s| s.forks_ok),
            "workload.forks_failed" => last(all, |s| s.forks_failed),
            "workload.bytes_reached" => max_of(all.iter().map(|s| s.bytes_reached)),
            "workload.spins" => last(all, |s| s.spins),
            "workload.escape_attempts" => last(all, |s| s.escape_attempts),
            "workload.escapes" => last(all, |s| s.escapes),
            "workload.spins_per_s" => rate(&phase, |s| s.spins).map(|r| r * 1000.0),
            "host.fork_p50_ms" => percentile(&fork, 50.0),
            "host.fork_p99_ms" => percentile(&fork, 99.0),
            "host.fork_max_ms" => fork.last().copied(),
            "host.fork_failures" => last(all, |s| s.host_fork_failures),
            "host.wakeup_late_p50_ms" => percentile(&wakeup, 50.0),
            "host.wakeup_late_p99_ms" => percentile(&wakeup, 99.0),
            "host.wakeup_late_max_ms" => wakeup.last().copied(),
            "host.psi_cpu_some_total_ms" => delta_ms(all, |s| s.host_psi_cpu_some_us),
            "host.psi_cpu_full_total_ms" => delta_ms(all, |s| s.host_psi_cpu_full_us),
            "host.psi_memory_some_total_ms" => delta_ms(all, |s| s.host_psi_memory_some_us),
            "host.psi_memory_full_total_ms" => delta_ms(all, |s| s.host_psi_memory_full_us),
            "host.psi_io_some_total_ms" => delta_ms(all, |s| s.host_psi_io_some_us),
            "host.psi_io_full_total_ms" => delta_ms(all, |s| s.host_psi_io_full_us),
            "workload.exit_code" => record
                .exits
                .iter()
                .find(|e| e.index == 0 && e.t_ms <= end)
                .and_then(|e| e.code)
                .map(f64::from),
            "sampling.samples" => Some(all.len() as f64),
            "sampling.missed" => Some(record.missed_samples as f64),
            "sampling.late_p50_ms" => percentile(&late, 50.0),
            "sampling.late_p99_ms" => percentile(&late, 99.0),
            "sampling.late_max_ms" => late.last().copied(),
            "teardown.killed" => Some(record.teardown.processes_killed as f64),
            "teardown.ms" => Some(record.teardown.ms),
            "teardown.leaked" => Some(record.teardown.leaked() as f64),
            other => unreachable!("metric {other} has no computation"),
        };
        m.insert(def.name.to_string(), v);
    }
    m
}

fn max_of(values: impl Iterator<Item = Option<u64>>) -> Option<f64> {
    values.flatten().max().map(|v| v as f64)
}

fn last(samples: &[Sample], f: impl Fn(&Sample) -> Option<u64>) -> Option<f64> {
    samples.iter().rev().find_map(&f).map(|v| v as f64)
}

/// Increase of a cumulative counter between its first and last reading.
fn delta<S: std::borrow::Borrow<Sample>>(
    samples: &[S],
    f: impl Fn(&Sample) -> Option<u64>,
) -> Option<f64> {
    let first = samples.iter().find_map(|s| f(s.borrow()))?;
    let last = samples.iter().rev().find_map(|s| f(s.borrow()))?;
    Some(last.saturating_sub(first) as f64)
}

fn delta_ms(samples: &[Sample], f: impl Fn(&Sample) -> Option<u64>) -> Option<f64> {
    delta(samples, f).map(|us| us / 1000.0)
}

/// Increase per millisecond of a cumulative counter over the samples that have it.
fn rate(samples: &[&Sample], f: impl Fn(&Sample) -> Option<u64>) -> Option<f64> {
    let first = samples.iter().find(|s| f(s).is_some())?;
    let last = samples.iter().rev().find(|s| f(s).is_some())?;
    let dt = last.t_ms - first.t_ms;
    if dt <= 0.0 {
        return None;
    }
    Some(f(last)?.saturating_sub(f(first)?) as f64 / dt)
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_is_unique_and_named_like_a_key() {
        let mut names: Vec<_> = METRICS.iter().map(|m| m.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), METRICS.len());
        for m in METRICS {
            assert!(m.name.contains('.') && !m.help.is_empty(), "{}", m.name);
        }
    }

    #[test]
    fn percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(50.0));
        assert_eq!(percentile(&v, 99.0), Some(99.0));
        assert_eq!(percentile(&v, 100.0), Some(100.0));
        assert_eq!(percentile(&[], 99.0), None);
        assert_eq!(percentile(&[3.0], 99.0), Some(3.0));
    }
}
