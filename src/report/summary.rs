//! `summary.json`: the run as resolved, the host, the limits as written, every metric, each
//! expectation with its value, and the verdict. Built from a [`RunRecord`] alone.

use std::path::Path;
use std::time::Duration;

use crate::Exit;
use crate::data::metrics::Metrics;
use crate::i18n::{Arg, count};
use crate::metrics;
use crate::plan::PidsSource;
use crate::record::{FORMAT_VERSION, RunRecord, Summary, Verdict};
use crate::sandbox::lxd::RuntimeLimit;
use crate::sandbox::target::{TargetReport, TargetState};
use crate::{t, units};

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
    add_notes(&mut notes, record, &computed);
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

/// Adds the notes a run's record calls for: the safety ceilings, what the kernel did not
/// count or provide, a rootless run's limits, and what teardown left behind.
fn add_notes(notes: &mut Vec<String>, record: &RunRecord, computed: &metrics::Computed) {
    let metrics = &computed.metrics;
    if record.plan.limits.pids.source == PidsSource::SafetyCeiling {
        let max = record.plan.limits.pids.max;
        notes.insert(
            0,
            if metric(metrics, "pids.limit_hits") > 0.0 {
                t!("note-safety-ceiling-held", max = max)
            } else {
                t!("note-safety-ceiling", max = max)
            },
        );
    }
    let memory_mattered =
        metric(metrics, "memory.limit_hits") > 0.0 || metric(metrics, "memory.oom_kills") > 0.0;
    if let Some(ceiling) = record
        .plan
        .limits
        .memory_ceiling
        .filter(|_| memory_mattered)
    {
        notes.push(t!(
            "note-memory-ceiling",
            ceiling = units::format_size(ceiling)
        ));
    }
    if computed.memory_hits_uncounted {
        notes.push(t!("note-memory-hits-uncounted"));
    }
    if !computed.kernel_pids_peak {
        notes.push(t!("note-no-kernel-pids-peak"));
    }
    if !record.host.root && record.target.is_none() {
        notes.push(t!(
            "note-rootless",
            who = record
                .host
                .uid
                .map(|u| format!(" (uid {u})"))
                .unwrap_or_default(),
            uid = record.plan.sandbox.uid
        ));
    }
    // From the uid the run recorded, not from the sandbox's rule for when it leases one.
    if record.plan.sandbox.private_uid
        && crate::sandbox::uid::PRIVATE_UIDS.contains(&record.plan.sandbox.uid)
    {
        notes.push(t!(
            "note-private-uid",
            uid = record.plan.sandbox.uid.to_string()
        ));
    }
    // What is left in a target has a note of its own (below).
    if record.teardown.leaked_processes > 0 || !record.teardown.leaked_cgroups.is_empty() {
        notes.push(t!(
            "note-leaked",
            processes = count(record.teardown.leaked_processes).ungrouped(),
            cgroups = count(record.teardown.leaked_cgroups.len()).ungrouped(),
            which = record.teardown.leaked_cgroups.join("; ")
        ));
    }
    if !record.teardown.left_in_target.is_empty() {
        notes.push(t!(
            "note-left-in-target",
            left = record.teardown.left_in_target.join("; ")
        ));
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
        return Some(t!(
            "held-by-target",
            value = l.value,
            path = l.path.display()
        ));
    }
    if metric(m, "pids.limit_hits") > 0.0 {
        return Some(match pids.source {
            PidsSource::Scenario => format!("pids.max = {}", pids.max),
            PidsSource::SafetyCeiling => t!("held-by-ceiling", max = pids.max),
            PidsSource::Target => t!("held-by-own-cgroup"),
        });
    }
    if metric(m, "memory.oom_kills") > 0.0
        && let Some(mem) = record.plan.limits.memory_max()
    {
        return Some(t!("held-by-memory", limit = units::format_size(mem)));
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
    crate::data::stream::write_atomic(path, &json)
}

/// Plain-language sentences about what happened, for the terminal and reports.
pub fn sentences(s: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = &s.target {
        target_sentences(s, t, &mut out);
    }
    out.extend(pids_sentence(s));
    if let Some(ok) = measured(s, "workload.forks_ok") {
        out.push(t!(
            "said-bomb-count",
            made = count(ok),
            refused = count(measured(s, "workload.forks_failed").unwrap_or(0.0))
        ));
    }
    out.extend(memory_sentence(s));
    out.extend(cpu_sentence(s));
    if let Some(held_by) = &s.held_by {
        out.push(t!("said-held-by", held_by = held_by));
    }
    out.push(teardown_sentence(s));
    out
}

/// A metric's value in a summary.
fn measured(s: &Summary, name: &str) -> Option<f64> {
    s.metrics.get(name).copied().flatten()
}

/// What a run against a target says of it: which target, its limits, the runtime limit
/// set for the run, the forks it refused, whether it survived, and its state before and
/// after.
fn target_sentences(s: &Summary, t: &TargetReport, out: &mut Vec<String>) {
    // A container named by its runtime: which process that was (a pid target is one).
    let pid = t
        .pid
        .filter(|_| !matches!(t.spec, crate::plan::TargetSpec::Pid(_)))
        .map(|p| t!("said-target-init", pid = p))
        .unwrap_or_default();
    let limits = if t.limits.is_empty() {
        t!("said-target-no-limit")
    } else {
        t.limits
            .iter()
            .map(|l| format!("{} = {}", l.control, l.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push(t!(
        "said-target",
        target = t.spec,
        pid = pid,
        limits = limits
    ));
    if let Some(l) = &t.runtime_limit {
        out.push(runtime_limit_sentence(t, l));
    }
    if let Some(hits) = measured(s, "target.pids_limit_hits") {
        out.push(t!(
            "said-target-refused",
            refused = count(hits),
            peak = measured(s, "target.pids_peak")
                .map(|p| Arg::Count(count(p)))
                .unwrap_or_else(|| Arg::Text(t!("said-unknown-number")))
        ));
    }
    match t.alive_after {
        Some(true) => out.push(t!("said-target-alive")),
        Some(false) => out.push(t!("said-target-dead")),
        None => {}
    }
    if let (Some(b), Some(a)) = (&t.before, &t.after) {
        out.push(before_after_sentence(s, b, a));
    }
}

/// The limit set through LXD's or Incus's API for the run, and whether it was restored.
fn runtime_limit_sentence(t: &TargetReport, l: &RuntimeLimit) -> String {
    let runtime = match t.spec {
        crate::plan::TargetSpec::Incus(_) => "Incus",
        _ => "LXD",
    };
    t!(
        "said-runtime-limit",
        key = l.key,
        set = l.set,
        runtime = runtime,
        previous = l
            .previous
            .clone()
            .unwrap_or_else(|| t!("said-runtime-not-set")),
        restored = match (&l.restored_by, &l.restore_error) {
            (Some(who), _) => t!(
                "said-runtime-restored",
                who = crate::sandbox::lxd::said_restorer(who)
            ),
            (None, Some(e)) => t!("said-runtime-not-restored", error = e),
            (None, None) => t!("said-runtime-nothing-restored"),
        }
    )
}

/// The target's processes, zombies and tasks before the run and after it, and whether it
/// was left as it was.
fn before_after_sentence(s: &Summary, b: &TargetState, a: &TargetState) -> String {
    let tasks = |st: &TargetState| {
        st.pids_current
            .map(|n| t!("said-tasks-in-cgroup", tasks = count(n)))
            .unwrap_or_default()
    };
    let left = &s.teardown.left_in_target;
    t!(
        "said-target-before-after",
        tasks_before = tasks(b),
        before = count(b.processes.len()).ungrouped(),
        zombies_before = count(b.zombies()).ungrouped(),
        tasks_after = tasks(a),
        after = a.processes.len(),
        zombies_after = a.zombies(),
        verdict = if left.is_empty() {
            t!("said-as-it-was")
        } else {
            t!("said-not-as-it-was", left = left.join("; "))
        }
    )
}

/// When the tasks reached the pids limit and for how long it held, or that they never did;
/// the peak and the forks refused.
fn pids_sentence(s: &Summary) -> Option<String> {
    let m = |name: &str| measured(s, name);
    let limit = m("pids.limit")
        .map(group)
        .unwrap_or_else(|| t!("said-its-target"));
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
        t!("said-at-once-target")
    } else {
        t!("said-at-once")
    };
    match (m("pids.time_to_limit_ms"), peak) {
        (Some(t), Some(peak)) => {
            let held_for = m("run.duration_ms").map(|d| (d - t).max(0.0));
            Some(t!(
                "said-pids-reached",
                limit = limit,
                after = units::format_duration(Duration::from_secs_f64(t / 1000.0)),
                held_for = held_for
                    .map(|h| t!(
                        "said-held-for",
                        time = units::format_duration(Duration::from_secs_f64(h / 1000.0))
                    ))
                    .unwrap_or_default(),
                at_once = at_once,
                peak = group(peak),
                refused = count(refused),
            ))
        }
        (None, Some(peak)) => Some(t!(
            "said-pids-never",
            limit = limit,
            at_once = at_once,
            peak = group(peak)
        )),
        _ => None,
    }
}

/// The memory peak against the limit (or the safety ceiling), and the OOM kills.
fn memory_sentence(s: &Summary) -> Option<String> {
    let (peak, limit) = (
        measured(s, "memory.peak_bytes")?,
        s.scenario.limits.memory_max()?,
    );
    let oom = match measured(s, "memory.oom_kills") {
        Some(k) if k > 0.0 => t!("said-oom-killed", count = count(k)),
        _ => String::new(),
    };
    let peak = units::format_size(peak as u64);
    let limit = units::format_size(limit);
    Some(if s.scenario.limits.memory.is_some() {
        t!("said-memory-limit", peak = peak, limit = limit, oom = oom)
    } else {
        t!("said-memory-ceiling", peak = peak, limit = limit, oom = oom)
    })
}

/// The cores used, against the quota when there is one.
fn cpu_sentence(s: &Summary) -> Option<String> {
    let cores = measured(s, "cpu.usage_cores")?;
    let quota = s
        .scenario
        .limits
        .cpu
        .map(|q| t!("said-cpu-quota", quota = crate::i18n::number(q.to_string())))
        .unwrap_or_default();
    Some(t!(
        "said-cpu",
        cores = crate::i18n::fixed(cores, 2),
        quota = quota
    ))
}

/// How teardown killed the sandbox, how long it took, and what it left.
fn teardown_sentence(s: &Summary) -> String {
    let took = units::format_duration(Duration::from_secs_f64(s.teardown.ms / 1000.0));
    if s.teardown.leaked() == 0 {
        t!(
            "said-teardown-clean",
            method = s.teardown.method,
            took = took
        )
    } else {
        t!(
            "said-teardown-leaked",
            method = s.teardown.method,
            took = took,
            count = count(s.teardown.leaked()).ungrouped()
        )
    }
}

/// `48211.0` → `48,211` (`48.211` in Spanish).
pub fn group(v: f64) -> String {
    crate::i18n::group(v)
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

    /// The fixture run's summary with one fork made, one refused and one process left.
    fn one_of_each() -> Summary {
        let mut s: Summary = serde_json::from_str(include_str!(
            "../../tests/fixtures/forkbomb-run/summary.json"
        ))
        .unwrap();
        for (name, v) in [
            ("pids.limit_hits", 1.0),
            ("workload.forks_ok", 1.0),
            ("workload.forks_failed", 1.0),
        ] {
            s.metrics.insert(name.into(), Some(v));
        }
        s.teardown.leaked_processes = 1;
        s
    }

    #[test]
    fn one_is_singular_in_both_languages() {
        let s = one_of_each();
        let en = crate::i18n::with(crate::i18n::Lang::En, || sentences(&s)).join("\n");
        assert!(en.contains(", and 1 fork was refused."), "{en}");
        assert!(
            en.contains("count: 1 fork made, 1 refused by the kernel."),
            "{en}"
        );
        assert!(en.contains("; 1 thing was left behind."), "{en}");
        let es = crate::i18n::with(crate::i18n::Lang::Es, || sentences(&s)).join("\n");
        assert!(es.contains(", y se rechazó 1 fork."), "{es}");
        assert!(
            es.contains("integrada: 1 fork hecho, 1 rechazado por el kernel."),
            "{es}"
        );
        assert!(es.contains("; quedó 1 cosa atrás."), "{es}");
    }

    #[test]
    fn many_are_plural_and_grouped_in_both_languages() {
        let s: Summary = serde_json::from_str(include_str!(
            "../../tests/fixtures/forkbomb-run/summary.json"
        ))
        .unwrap();
        let en = crate::i18n::with(crate::i18n::Lang::En, || sentences(&s)).join("\n");
        assert!(en.contains(", and 3,610 forks were refused."), "{en}");
        assert!(
            en.contains("48 forks made, 3,587 refused by the kernel."),
            "{en}"
        );
        let es = crate::i18n::with(crate::i18n::Lang::Es, || sentences(&s)).join("\n");
        assert!(es.contains(", y se rechazaron 3.610 forks."), "{es}");
        assert!(
            es.contains("48 forks hechos, 3.587 rechazados por el kernel."),
            "{es}"
        );
    }
}
