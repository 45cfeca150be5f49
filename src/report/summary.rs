//! `summary.json`: the run as resolved, the host, the limits as written, every metric, each
//! expectation with its value, and the verdict. Built from a [`RunRecord`] alone.

use std::path::Path;

use crate::Exit;
use crate::metrics::{self, Metrics};
use crate::plan::PidsSource;
use crate::record::{FORMAT_VERSION, RunRecord, Summary, Verdict};
use crate::units;

/// Computes metrics, checks expectations and decides the verdict.
pub fn build(record: &RunRecord, notes: Vec<String>) -> Summary {
    build_from(record, metrics::compute(record), notes)
}

/// [`build`] with the samples already folded: `record`'s own samples are not read (the
/// streaming report passes a record without them).
pub fn build_from(
    record: &RunRecord,
    computed: metrics::Computed,
    mut notes: Vec<String>,
) -> Summary {
    let metrics = computed.metrics;
    let expectations: Vec<_> = record
        .plan
        .expectations
        .iter()
        .map(|x| x.check(metrics.get(&x.metric).copied().flatten()))
        .collect();
    let leaked = record.teardown.leaked() > 0;
    let verdict = if leaked || record.aborted.is_some() {
        Verdict::Error
    } else if expectations.iter().all(|o| o.held) {
        Verdict::Held
    } else {
        Verdict::Failed
    };
    let held_by = held_by(record, &metrics);
    if record.plan.limits.pids.source == PidsSource::SafetyCeiling {
        notes.insert(
            0,
            format!(
                "The scenario sets no pids limit; limitlab's safety ceiling (pids.max = {}) applied{}.",
                record.plan.limits.pids.max,
                if metric(&metrics, "pids.limit_hits") > 0.0 { " and held the workload" } else { "" }
            ),
        );
    }
    let memory_mattered =
        metric(&metrics, "memory.limit_hits") > 0.0 || metric(&metrics, "memory.oom_kills") > 0.0;
    if let Some(ceiling) = record
        .plan
        .limits
        .memory_ceiling
        .filter(|_| memory_mattered)
    {
        notes.push(format!(
            "The scenario sets no memory limit; limitlab's memory ceiling ({}) applied and was reached.",
            units::format_size(ceiling)
        ));
    }
    if !computed.kernel_pids_peak {
        notes.push(
            "This kernel keeps no pids.peak, so pids.peak is the sampled maximum of pids.current, which can read a few above pids.max for an instant (the kernel charges a fork before it compares with the limit, then reverts).".into(),
        );
    }
    if !record.host.root && record.target.is_none() {
        notes.push(format!(
            "Ran without root{}: the sandbox had a user namespace of its own (the workload was uid {} inside, the harness's uid outside) and its cgroups were made beneath the cgroup delegated to that user.",
            record.host.uid.map(|u| format!(" (uid {u})")).unwrap_or_default(),
            record.plan.sandbox.uid
        ));
    }
    if leaked {
        notes.push(format!(
            "Teardown left {} process(es) and {} cgroup(s) behind: {}",
            record.teardown.leaked_processes,
            record.teardown.leaked_cgroups.len(),
            record.teardown.leaked_cgroups.join("; ")
        ));
    }
    if !record.teardown.left_in_target.is_empty() {
        notes.push(format!(
            "The run did not leave the target as it found it: {}.",
            record.teardown.left_in_target.join("; ")
        ));
    }
    Summary {
        format: FORMAT_VERSION,
        limitlab_version: crate::VERSION.to_string(),
        scenario: record.plan.clone(),
        host: record.host.clone(),
        started_at: record.started_at.clone(),
        limits: record.limits.clone(),
        cloned_into_cgroup: record.cloned_into_cgroup,
        run: crate::record::RunFacts {
            start_ms: record.start_ms,
            workload_end_ms: record.workload_end_ms,
            missed_samples: record.missed_samples,
        },
        exits: record.exits.clone(),
        view: record.view.clone(),
        target: record.target.clone(),
        teardown: record.teardown.clone(),
        metrics,
        held_by,
        expectations,
        verdict,
        aborted: record.aborted.is_some(),
        abort_reason: record.aborted.clone(),
        notes,
    }
}

fn metric(m: &Metrics, name: &str) -> f64 {
    m.get(name).copied().flatten().unwrap_or(0.0)
}

/// Which limit stopped the workload, in words.
fn held_by(record: &RunRecord, m: &Metrics) -> Option<String> {
    let pids = &record.plan.limits.pids;
    if let Some(t) = &record.target
        && metric(m, "target.pids_limit_hits") > 0.0
        && let Some(l) = t.limits.iter().find(|l| l.control == "pids.max")
    {
        return Some(format!(
            "the target's own pids.max = {} ({})",
            l.value,
            l.path.display()
        ));
    }
    if metric(m, "pids.limit_hits") > 0.0 {
        return Some(match pids.source {
            PidsSource::Scenario => format!("pids.max = {}", pids.max),
            PidsSource::SafetyCeiling => {
                format!(
                    "limitlab's safety ceiling (pids.max = {}), not the scenario",
                    pids.max
                )
            }
            PidsSource::Target => "limitlab's own cgroup beneath the target".to_string(),
        });
    }
    if metric(m, "memory.oom_kills") > 0.0
        && let Some(mem) = record.plan.limits.memory_max()
    {
        return Some(format!(
            "the memory limit ({}) via the OOM killer",
            units::format_size(mem)
        ));
    }
    if metric(m, "workload.forks_failed") > 0.0
        && let Some(n) = record.plan.sandbox.rlimits.nproc
    {
        return Some(format!("RLIMIT_NPROC = {n}"));
    }
    None
}

/// The exit code a summary means.
pub fn exit_code(s: &Summary) -> Exit {
    match s.verdict {
        Verdict::Held => Exit::Held,
        Verdict::Failed => Exit::Failed,
        Verdict::Error => Exit::Internal,
    }
}

/// Writes `summary.json` atomically.
pub fn write(path: &Path, s: &Summary) -> std::io::Result<()> {
    let mut json = serde_json::to_vec_pretty(s)?;
    json.push(b'\n');
    super::write_atomic(path, &json)
}

/// Plain-language sentences about what happened, for the terminal and reports.
pub fn sentences(s: &Summary) -> Vec<String> {
    let m = |name: &str| s.metrics.get(name).copied().flatten();
    let mut out = Vec::new();
    if let Some(t) = &s.target {
        // A container named by its runtime: which process that was (a pid target is one).
        let pid = t
            .pid
            .filter(|_| !matches!(t.spec, crate::plan::TargetSpec::Pid(_)))
            .map(|p| format!(" (its init is pid {p})"))
            .unwrap_or_default();
        let limits = if t.limits.is_empty() {
            "no limit of its own".to_string()
        } else {
            t.limits
                .iter()
                .map(|l| format!("{} = {}", l.control, l.value))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(format!(
            "The workload ran inside {}{pid}, in a cgroup of limitlab's beneath the target's, which is under {limits}.",
            t.spec
        ));
        if let Some(l) = &t.runtime_limit {
            let runtime = match t.spec {
                crate::plan::TargetSpec::Incus(_) => "Incus",
                _ => "LXD",
            };
            out.push(format!(
                "The run set the container's {} to {} through {runtime}'s API (it was {}); {}.",
                l.key,
                l.set,
                l.previous.as_deref().unwrap_or("not set"),
                match (&l.restored_by, &l.restore_error) {
                    (Some(who), _) => format!("{who} put it back afterwards"),
                    (None, Some(e)) => format!("it could NOT be put back: {e}"),
                    (None, None) => "nothing put it back".to_string(),
                }
            ));
        }
        if let Some(hits) = m("target.pids_limit_hits") {
            out.push(format!(
                "The target's pids limit refused {} forks; its cgroup held at most {} tasks.",
                group(hits),
                m("target.pids_peak")
                    .map(group)
                    .unwrap_or_else(|| "an unknown number of".into())
            ));
        }
        match t.alive_after {
            Some(true) => {
                out.push("The target's own process was still alive after teardown.".into())
            }
            Some(false) => out.push("The target's own process did NOT survive the run.".into()),
            None => {}
        }
        if let (Some(b), Some(a)) = (&t.before, &t.after) {
            let tasks = |st: &crate::target::TargetState| {
                st.pids_current
                    .map(|n| format!("{} task(s) in its cgroup, ", group(n as f64)))
                    .unwrap_or_default()
            };
            let left = &s.teardown.left_in_target;
            out.push(format!(
                "Before the attack the target had {}{} process(es) ({} zombie(s)); after teardown {}{} ({}): {}.",
                tasks(b),
                b.processes.len(),
                b.zombies(),
                tasks(a),
                a.processes.len(),
                a.zombies(),
                if left.is_empty() {
                    "as it was".to_string()
                } else {
                    format!("NOT as it was ({})", left.join("; "))
                }
            ));
        }
    }
    let limit = m("pids.limit")
        .map(group)
        .unwrap_or_else(|| "its target".into());
    let refused = m("pids.limit_hits")
        .or(m("workload.forks_failed"))
        .unwrap_or(0.0);
    // Beneath a target, limitlab's own cgroup has no limit, and its watermark also counts
    // the forks the target's limit then refused (the kernel charges the child first): the
    // target's watermark is the one that says how many tasks there were.
    let peak = match &s.target {
        Some(_) => m("target.pids_peak"),
        None => m("pids.peak"),
    };
    let at_once = if s.target.is_some() {
        "the most tasks at once in the target's cgroup (the kernel's watermark since the target started)"
    } else {
        "the most tasks at once"
    };
    match (m("pids.time_to_limit_ms"), peak) {
        (Some(t), Some(peak)) => {
            let held_for = m("run.duration_ms").map(|d| (d - t).max(0.0));
            out.push(format!(
                "The workload reached the pids limit of {limit} after {}{}; {at_once} was {}, and {} forks were refused.",
                units::format_duration(std::time::Duration::from_secs_f64(t / 1000.0)),
                held_for
                    .map(|h| format!(" and was held there for {}", units::format_duration(std::time::Duration::from_secs_f64(h / 1000.0))))
                    .unwrap_or_default(),
                group(peak),
                group(refused),
            ));
        }
        (None, Some(peak)) => out.push(format!(
            "The workload never reached the pids limit of {limit}; {at_once} was {}.",
            group(peak)
        )),
        _ => {}
    }
    if let Some(ok) = m("workload.forks_ok") {
        out.push(format!(
            "The built-in bomb's own count: {} forks made, {} refused by the kernel.",
            group(ok),
            group(m("workload.forks_failed").unwrap_or(0.0))
        ));
    }
    if let (Some(peak), Some(limit)) = (m("memory.peak_bytes"), s.scenario.limits.memory_max()) {
        let whose = if s.scenario.limits.memory.is_some() {
            "a limit"
        } else {
            "limitlab's memory ceiling"
        };
        out.push(format!(
            "Memory peaked at {} against {whose} of {}{}.",
            units::format_size(peak as u64),
            units::format_size(limit),
            match m("memory.oom_kills") {
                Some(k) if k > 0.0 => format!("; the OOM killer killed {} process(es)", group(k)),
                _ => String::new(),
            }
        ));
    }
    if let Some(cores) = m("cpu.usage_cores") {
        let quota = s
            .scenario
            .limits
            .cpu
            .map(|q| format!(" (quota {q} cores)"))
            .unwrap_or_default();
        out.push(format!(
            "The sandbox used {cores:.2} CPU cores on average{quota}."
        ));
    }
    if let Some(held_by) = &s.held_by {
        out.push(format!("What held it: {held_by}."));
    }
    out.push(format!(
        "Teardown ({}) took {}; {} left behind.",
        s.teardown.method,
        units::format_duration(std::time::Duration::from_secs_f64(s.teardown.ms / 1000.0)),
        if s.teardown.leaked() == 0 {
            "nothing was".to_string()
        } else {
            format!("{} things were", s.teardown.leaked())
        }
    ));
    out
}

/// `48211.0` → `48,211`.
pub fn group(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping() {
        assert_eq!(group(48211.0), "48,211");
        assert_eq!(group(100.0), "100");
        assert_eq!(group(1234567.0), "1,234,567");
        assert_eq!(group(0.0), "0");
    }
}
