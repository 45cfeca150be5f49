//! Summary metrics: the one list of what `[expect]` can check, and how each is computed
//! from a [`RunRecord`] (raw samples and events only, so a saved run recomputes the same).

use crate::record::RunRecord;

use crate::data::Sample;
use crate::data::metrics::{METRICS, Metrics};

/// Computes every metric of [`METRICS`] from a run record's samples, in one pass.
pub fn compute(record: &RunRecord) -> Computed {
    let mut fold = Fold::new(record);
    for s in &record.samples {
        fold.push(s);
    }
    fold.finish(record)
}

/// What one pass over a run's samples gives: every metric, and what the summary's notes
/// need to know of the samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    pub metrics: Metrics,
    /// Some sample carried the kernel's `pids.peak` watermark.
    pub kernel_pids_peak: bool,
    /// cgroup v1 counted no refusal of the memory limit (`memory.failcnt` and
    /// `memory.memsw.failcnt` read 0) although the OOM killer fired at it, so
    /// `memory.limit_hits` is unknown (`None`), not 0.
    pub memory_hits_uncounted: bool,
}

/// A counter's first and last reading (a cumulative counter's increase), and when they were
/// taken.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    first: Option<(f64, u64)>,
    last: Option<(f64, u64)>,
}

impl Span {
    fn push(&mut self, t_ms: f64, v: Option<u64>) {
        if let Some(v) = v {
            self.first.get_or_insert((t_ms, v));
            self.last = Some((t_ms, v));
        }
    }

    fn last(&self) -> Option<f64> {
        self.last.map(|(_, v)| v as f64)
    }

    /// Increase between the first and last reading.
    fn delta(&self) -> Option<f64> {
        Some(self.last?.1.saturating_sub(self.first?.1) as f64)
    }

    /// Increase per millisecond between the first and last reading.
    fn rate(&self) -> Option<f64> {
        let ((t0, v0), (t1, v1)) = (self.first?, self.last?);
        let dt = t1 - t0;
        (dt > 0.0).then(|| v1.saturating_sub(v0) as f64 / dt)
    }
}

/// Every metric computed in one pass over the samples, holding no sample: first and last
/// readings, maxima, the first crossing of the pids limit, and the values percentiles are
/// taken of. `limitlab report` streams a million-sample `samples.csv` through it; a run in
/// memory goes through the same code ([`compute`]), so both give the same summary.
#[derive(Debug, Clone)]
pub struct Fold {
    end: f64,
    pids_limit: f64,
    target_limit: Option<f64>,
    target_source: bool,
    samples: u64,
    pids_peak: Span,
    pids_current_max: Option<u64>,
    pids_events: Span,
    time_to_limit: Option<f64>,
    target_pids_peak: Span,
    target_pids_current_max: Option<u64>,
    target_events: Span,
    target_memory_max: Option<u64>,
    target_oom: Span,
    memory_max: Option<u64>,
    memory_events: Span,
    oom_kills: Span,
    /// Over the workload phase (samples up to its end) only.
    cpu_usage: Span,
    cpu_periods: Span,
    cpu_throttled_periods: Span,
    cpu_throttled_us: Span,
    spins_phase: Span,
    psi: [Span; 6],
    host_psi: [Span; 6],
    forks_ok: Span,
    forks_failed: Span,
    bytes_reached: Option<u64>,
    spins: Span,
    escape_attempts: Span,
    escapes: Span,
    host_fork_failures: Span,
    late: Vec<f64>,
    fork: Vec<f64>,
    wakeup: Vec<f64>,
}

impl Fold {
    /// A fold for `record`'s run; only its facts are read here, not its samples.
    pub fn new(record: &RunRecord) -> Fold {
        // Beneath a target, the target's own limit is the one that counts.
        let target_limit: Option<f64> = record
            .target
            .as_ref()
            .and_then(|t| t.limits.iter().find(|l| l.control == "pids.max"))
            .and_then(|l| l.value.parse().ok());
        let target_source = record.plan.limits.pids.source == crate::plan::PidsSource::Target;
        let pids_limit = if target_source {
            target_limit.unwrap_or(f64::INFINITY)
        } else {
            record.plan.limits.pids.max as f64
        };
        Fold {
            end: record.workload_end_ms,
            pids_limit,
            target_limit,
            target_source,
            samples: 0,
            pids_peak: Span::default(),
            pids_current_max: None,
            pids_events: Span::default(),
            time_to_limit: None,
            target_pids_peak: Span::default(),
            target_pids_current_max: None,
            target_events: Span::default(),
            target_memory_max: None,
            target_oom: Span::default(),
            memory_max: None,
            memory_events: Span::default(),
            oom_kills: Span::default(),
            cpu_usage: Span::default(),
            cpu_periods: Span::default(),
            cpu_throttled_periods: Span::default(),
            cpu_throttled_us: Span::default(),
            spins_phase: Span::default(),
            psi: [Span::default(); 6],
            host_psi: [Span::default(); 6],
            forks_ok: Span::default(),
            forks_failed: Span::default(),
            bytes_reached: None,
            spins: Span::default(),
            escape_attempts: Span::default(),
            escapes: Span::default(),
            host_fork_failures: Span::default(),
            late: Vec::new(),
            fork: Vec::new(),
            wakeup: Vec::new(),
        }
    }

    /// Takes one sample into account (samples in the order they were taken).
    pub fn push(&mut self, s: &Sample) {
        let t = s.t_ms;
        self.samples += 1;
        self.pids_peak.push(t, s.pids_peak);
        self.pids_current_max = max(self.pids_current_max, s.pids_current);
        self.pids_events.push(t, s.pids_max_events);
        // The target's counter counts from before the run: only an increase is a hit.
        self.target_events.push(t, s.target_pids_max_events);
        if self.time_to_limit.is_none()
            && (s.pids_max_events.is_some_and(|n| n > 0)
                || s.pids_current.is_some_and(|n| n as f64 >= self.pids_limit)
                || s.target_pids_max_events
                    .is_some_and(|n| n > self.target_events.first.map_or(0, |(_, v)| v)))
        {
            self.time_to_limit = Some(t);
        }
        self.target_pids_peak.push(t, s.target_pids_peak);
        self.target_pids_current_max = max(self.target_pids_current_max, s.target_pids_current);
        self.target_memory_max = max(self.target_memory_max, s.target_memory_bytes);
        self.target_oom.push(t, s.target_memory_oom_kills);
        self.memory_max = max(max(self.memory_max, s.memory_bytes), s.memory_peak_bytes);
        self.memory_events.push(t, s.memory_max_events);
        self.oom_kills.push(t, s.memory_oom_kills);
        if t <= self.end {
            self.cpu_usage.push(t, s.cpu_usage_us);
            self.cpu_periods.push(t, s.cpu_periods);
            self.cpu_throttled_periods.push(t, s.cpu_throttled_periods);
            self.cpu_throttled_us.push(t, s.cpu_throttled_us);
            self.spins_phase.push(t, s.spins);
        }
        let psi = [
            s.psi_cpu_some_us,
            s.psi_cpu_full_us,
            s.psi_memory_some_us,
            s.psi_memory_full_us,
            s.psi_io_some_us,
            s.psi_io_full_us,
        ];
        let host_psi = [
            s.host_psi_cpu_some_us,
            s.host_psi_cpu_full_us,
            s.host_psi_memory_some_us,
            s.host_psi_memory_full_us,
            s.host_psi_io_some_us,
            s.host_psi_io_full_us,
        ];
        for (span, v) in self.psi.iter_mut().zip(psi) {
            span.push(t, v);
        }
        for (span, v) in self.host_psi.iter_mut().zip(host_psi) {
            span.push(t, v);
        }
        self.forks_ok.push(t, s.forks_ok);
        self.forks_failed.push(t, s.forks_failed);
        self.bytes_reached = max(self.bytes_reached, s.bytes_reached);
        self.spins.push(t, s.spins);
        self.escape_attempts.push(t, s.escape_attempts);
        self.escapes.push(t, s.escapes);
        self.host_fork_failures.push(t, s.host_fork_failures);
        self.late.push(s.late_ms);
        self.fork.extend(s.host_fork_ms);
        self.wakeup.extend(s.host_wakeup_late_ms);
    }

    /// Every metric, in catalogue order, with `record`'s facts (not its samples).
    pub fn finish(mut self, record: &RunRecord) -> Computed {
        for v in [&mut self.late, &mut self.fork, &mut self.wakeup] {
            v.sort_by(f64::total_cmp);
        }
        // An OOM kill is a charge the limit refused. Where v1's failcnt counters still read 0
        // (Linux 6.18 here: memory.failcnt, memory.memsw.failcnt and memory.kmem.failcnt stay
        // 0 through an OOM kill), they did not count, and 0 would be false.
        let v1 = matches!(
            record.host.cgroup_mode,
            Some(crate::sandbox::cgroup::Mode::V1 | crate::sandbox::cgroup::Mode::Hybrid)
        );
        let memory_hits_uncounted = v1
            && self.memory_events.last() == Some(0.0)
            && self.oom_kills.last().is_some_and(|k| k > 0.0);
        let mut m = Metrics::new();
        for def in METRICS {
            let name = def.name;
            let v = match name.split_once('.').map_or(name, |(family, _)| family) {
                "pids" => self.pids_metric(name),
                "target" => self.target_metric(name, record),
                "memory" if name == "memory.limit_hits" && memory_hits_uncounted => None,
                "memory" | "cpu" | "psi" => self.resource_metric(name),
                "workload" => self.workload_metric(name, record),
                "host" => self.host_metric(name),
                _ => self.run_metric(name, record),
            };
            m.insert(name.to_string(), v);
        }
        Computed {
            metrics: m,
            kernel_pids_peak: self.pids_peak.last.is_some(),
            memory_hits_uncounted,
        }
    }

    /// `pids.*`: the limit, the peak, the refusals and when the limit was first reached.
    fn pids_metric(&self, name: &str) -> Option<f64> {
        match name {
            "pids.limit" => self.pids_limit.is_finite().then_some(self.pids_limit),
            // The kernel's watermark counts only forks that passed the limit check; a
            // sampled pids.current can read above pids.max for an instant (a fork is
            // charged, checked, then reverted), so it is only the fallback.
            "pids.peak" => self
                .pids_peak
                .last()
                .or(self.pids_current_max.map(|v| v as f64)),
            "pids.limit_hits" => self.pids_events.last(),
            "pids.time_to_limit_ms" => self.time_to_limit,
            other => unreachable!("metric {other} has no computation"),
        }
    }

    /// `target.*`: what the container or cgroup the run attacked went through.
    fn target_metric(&self, name: &str, record: &RunRecord) -> Option<f64> {
        match name {
            // As for pids.peak: the kernel's watermark (since the target's cgroup was
            // made) where there is one.
            "target.pids_peak" => self
                .target_pids_peak
                .last()
                .or(self.target_pids_current_max.map(|v| v as f64)),
            "target.pids_limit" => self.target_limit,
            // Kernels differ in where a fork refused by an ancestor's limit is counted: in
            // the cgroup whose limit it was, or in the one that forked. Beneath a target,
            // limitlab's own cgroup has no limit of its own, so what it counts was the
            // target's too.
            "target.pids_limit_hits" => {
                let at_target = self.target_events.delta();
                let own = self
                    .target_source
                    .then(|| self.pids_events.last())
                    .flatten();
                match (at_target, own) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                }
            }
            "target.memory_peak_bytes" => self.target_memory_max.map(|v| v as f64),
            "target.oom_kills" => self.target_oom.delta(),
            "target.alive" => record
                .target
                .as_ref()
                .and_then(|t| t.alive_after)
                .map(|alive| f64::from(u8::from(alive))),
            other => unreachable!("metric {other} has no computation"),
        }
    }

    /// `memory.*`, `cpu.*` and `psi.*`: the sandbox's use of each resource and its stalls.
    fn resource_metric(&self, name: &str) -> Option<f64> {
        match name {
            "memory.peak_bytes" => self.memory_max.map(|v| v as f64),
            "memory.limit_hits" => self.memory_events.last(),
            "memory.oom_kills" => self.oom_kills.last(),
            "cpu.usage_cores" => self.cpu_usage.rate().map(|r| r / 1000.0),
            "cpu.throttled_ratio" => {
                match (self.cpu_throttled_periods.delta(), self.cpu_periods.delta()) {
                    (Some(t), Some(p)) if p > 0.0 => Some(t / p),
                    _ => None,
                }
            }
            "cpu.throttled_ms" => ms(self.cpu_throttled_us.delta()),
            "psi.cpu_some_total_ms" => ms(self.psi[0].delta()),
            "psi.cpu_full_total_ms" => ms(self.psi[1].delta()),
            "psi.memory_some_total_ms" => ms(self.psi[2].delta()),
            "psi.memory_full_total_ms" => ms(self.psi[3].delta()),
            "psi.io_some_total_ms" => ms(self.psi[4].delta()),
            "psi.io_full_total_ms" => ms(self.psi[5].delta()),
            other => unreachable!("metric {other} has no computation"),
        }
    }

    /// `workload.*`: the built-in workloads' own counters, and the first workload's exit.
    fn workload_metric(&self, name: &str, record: &RunRecord) -> Option<f64> {
        match name {
            "workload.forks_ok" => self.forks_ok.last(),
            "workload.forks_failed" => self.forks_failed.last(),
            "workload.bytes_reached" => self.bytes_reached.map(|v| v as f64),
            "workload.spins" => self.spins.last(),
            "workload.escape_attempts" => self.escape_attempts.last(),
            "workload.escapes" => self.escapes.last(),
            "workload.spins_per_s" => self.spins_phase.rate().map(|r| r * 1000.0),
            "workload.exit_code" => record
                .exits
                .iter()
                .find(|e| e.index == 0 && e.t_ms <= record.workload_end_ms)
                .and_then(|e| e.code)
                .map(f64::from),
            other => unreachable!("metric {other} has no computation"),
        }
    }

    /// `host.*`: what the host probe felt, and the host's own stalls.
    fn host_metric(&self, name: &str) -> Option<f64> {
        let (fork, wakeup) = (&self.fork, &self.wakeup);
        match name {
            "host.fork_p50_ms" => percentile(fork, 50.0),
            "host.fork_p99_ms" => percentile(fork, 99.0),
            "host.fork_max_ms" => fork.last().copied(),
            "host.fork_failures" => self.host_fork_failures.last(),
            "host.wakeup_late_p50_ms" => percentile(wakeup, 50.0),
            "host.wakeup_late_p99_ms" => percentile(wakeup, 99.0),
            "host.wakeup_late_max_ms" => wakeup.last().copied(),
            "host.psi_cpu_some_total_ms" => ms(self.host_psi[0].delta()),
            "host.psi_cpu_full_total_ms" => ms(self.host_psi[1].delta()),
            "host.psi_memory_some_total_ms" => ms(self.host_psi[2].delta()),
            "host.psi_memory_full_total_ms" => ms(self.host_psi[3].delta()),
            "host.psi_io_some_total_ms" => ms(self.host_psi[4].delta()),
            "host.psi_io_full_total_ms" => ms(self.host_psi[5].delta()),
            other => unreachable!("metric {other} has no computation"),
        }
    }

    /// `run.*`, `sandbox.*`, `sampling.*` and `teardown.*`: the run's own timing and
    /// sampling, from the record's facts and the samples' lateness.
    fn run_metric(&self, name: &str, record: &RunRecord) -> Option<f64> {
        let late = &self.late;
        match name {
            "run.duration_ms" => Some(record.workload_end_ms),
            "sandbox.start_ms" => record.start_ms,
            "sampling.samples" => Some(self.samples as f64),
            "sampling.missed" => Some(record.missed_samples as f64),
            "sampling.late_p50_ms" => percentile(late, 50.0),
            "sampling.late_p99_ms" => percentile(late, 99.0),
            "sampling.late_max_ms" => late.last().copied(),
            "teardown.killed" => Some(record.teardown.processes_killed as f64),
            "teardown.ms" => Some(record.teardown.ms),
            "teardown.leaked" => Some(record.teardown.leaked() as f64),
            other => unreachable!("metric {other} has no computation"),
        }
    }
}

/// Microseconds to milliseconds.
fn ms(us: Option<f64>) -> Option<f64> {
    us.map(|us| us / 1000.0)
}

fn max(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    a.max(b)
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
