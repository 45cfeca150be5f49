//! A run's teardown, and the record it ends in: kill everything in the sandbox, hear the
//! init's last words, stop the sampler, remove the cgroups, leave the target as it was
//! found, and say what was left behind.

use std::time::{Duration, Instant};

use super::events::{self, RunEvents};
use super::progress::LiveStatus;
use super::setup::{Sampling, SandboxRun, Setup, TargetRun};
use super::stall_point;
use crate::data::EventKind;
use crate::data::stream::{EventLog, LogStats};
use crate::host::HostFacts;
use crate::plan::RunPlan;
use crate::record::{RunRecord, TeardownReport};
use crate::sampler::SamplerOutput;
use crate::sandbox::target::TargetReport;

/// How long teardown waits for what the init said before it died.
const LAST_WORDS: Duration = Duration::from_secs(1);
/// How long the target may take, after teardown, to be as the run found it.
const TARGET_PATIENCE: Duration = Duration::from_secs(1);

/// Tears the run down and puts its record together. `aborted`: why the run was cut short,
/// if it was.
pub(crate) fn teardown(
    plan: &RunPlan,
    host: &HostFacts,
    setup: Setup,
    mut seen: RunEvents<'_>,
    mut aborted: Option<String>,
    status: &LiveStatus,
) -> RunRecord {
    let Setup {
        target,
        out,
        mut sandbox,
        sampling,
    } = setup;
    let workload_end_ms = sampling.t0.elapsed().as_micros() as f64 / 1000.0;
    let (teardown, sampled, target) =
        empty_and_remove(&mut sandbox, &out.events, sampling, target, &mut seen);
    let SandboxRun {
        sandbox,
        watchdog,
        cgroup,
        cloned_into_cgroup,
        view,
        ..
    } = sandbox;
    watchdog.disarm();
    // The record says whom the workloads ran as: the uid leased for the run, if it was.
    let mut plan = plan.clone();
    plan.sandbox.uid = sandbox.uid();
    drop(sandbox);
    let log = out.log.join().unwrap_or_default();
    warn_incomplete(&out.events, &sampled, &log, status);
    if aborted.is_none() {
        aborted = seen.start_failed.take();
    }
    let start_ms = seen.start_ms;
    let exits = seen.exits_at_end(workload_end_ms, &mut aborted);
    RunRecord {
        plan,
        host: host.clone(),
        started_at: out.started_at,
        limits: cgroup.limits().to_vec(),
        samples: sampled.samples,
        samples_spilled: sampled.spilled,
        events: out.events.events(),
        exits,
        start_ms,
        cloned_into_cgroup,
        workload_end_ms,
        missed_samples: sampled.missed,
        teardown,
        aborted,
        target,
        view,
    }
}

/// Kills every process in the sandbox, hears the init's last words, stops the sampler and
/// the probe, removes the cgroups and leaves the target; events.csv says when it began and
/// what it did.
fn empty_and_remove(
    run: &mut SandboxRun,
    events: &EventLog,
    sampling: Sampling,
    target: TargetRun,
    seen: &mut RunEvents<'_>,
) -> (TeardownReport, SamplerOutput, Option<TargetReport>) {
    let teardown_start = Instant::now();
    events.record(
        EventKind::TeardownStart,
        crate::t!("event-detail-teardown-start"),
    );
    stall_point("teardown");
    let killed = run.sandbox.kill();
    // The init is gone: what it said before it died is still on its way from the thread that
    // reads its pipe (its reaping can arrive first). The channel closes when both are done.
    events::drain(&run.rx, LAST_WORDS, seen);
    let sampled = sampling.sampler.finish();
    sampling.probe.finish();
    let leaked_cgroups = run.sandbox.remove();
    let (target, left_in_target) = leave_target(target);
    let teardown = TeardownReport {
        method: killed.method.to_string(),
        kill_ms: killed.kill_ms,
        ms: teardown_start.elapsed().as_secs_f64() * 1000.0,
        processes_killed: killed.processes,
        leaked_processes: killed.leaked_processes,
        leaked_cgroups,
        left_in_target,
    };
    events.record(
        EventKind::TeardownEnd,
        crate::t!(
            "event-detail-teardown-end",
            method = teardown.method,
            count = crate::i18n::count(teardown.processes_killed).ungrouped(),
            ms = crate::i18n::fixed(teardown.ms, 1),
            left = crate::i18n::fixed(teardown.leaked() as f64, 0)
        ),
    );
    (teardown, sampled, target)
}

/// Puts the target's runtime limit back and gives the target a moment to settle as the
/// run found it; returns its report and what the run left in it.
fn leave_target(run: TargetRun) -> (Option<TargetReport>, Vec<String>) {
    let TargetRun {
        target,
        before,
        mut runtime_limit,
    } = run;
    let mut left_in_target = Vec::new();
    let limit = runtime_limit.finish();
    if let Some(e) = limit.as_ref().and_then(|l| l.restore_error.as_ref()) {
        left_in_target.push(crate::t!("run-target-limit-not-restored", error = e));
    }
    let report = target.map(|t| {
        let mut report = t.report.clone();
        report.alive_after = t.alive();
        report.runtime_limit = limit;
        if let Some(before) = before {
            let (after, left) = t.settle(&before, TARGET_PATIENCE);
            left_in_target.extend(left);
            report.before = Some(before);
            report.after = Some(after);
        }
        report
    });
    (report, left_in_target)
}

/// Says on the terminal what of the run's files is incomplete or cut.
fn warn_incomplete(
    events: &EventLog,
    sampled: &SamplerOutput,
    log: &LogStats,
    status: &LiveStatus,
) {
    if let Err(e) = events.finish() {
        status.say(&crate::t!("run-events-incomplete", error = e));
    }
    if let Some(e) = &sampled.write_error {
        status.say(&crate::t!("run-samples-incomplete", error = e));
    }
    if log.dropped > 0 {
        status.say(&crate::t!(
            "run-log-cut",
            written = log.kept + log.dropped,
            kept = log.kept
        ));
    }
}
