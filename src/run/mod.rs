//! One run, start to finish: sandbox up, sampler on, workload released, wait for the
//! duration (or the workload's end, or a stop signal), teardown, record. A watchdog makes
//! sure no run outlives its deadline.

pub mod progress;

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;
use nix::sys::wait::WaitStatus;

use crate::data::EventKind;
use crate::data::stream::{EventLog, SampleWriter, capture_log};
use crate::host::HostFacts;
use crate::plan::RunPlan;
use crate::record::{RunRecord, TeardownReport, WorkloadExit};
use crate::report::ResultsDir;
use crate::run::progress::LiveStatus;
use crate::sampler::probe::{self, HostProbe};
use crate::sampler::{CounterSet, Latest, Reader, Sampler, SamplerConfig, host_psi_files};
use crate::sandbox::cgroup::{Cgroup, Layout};
use crate::sandbox::proto::{self, InitMsg};
use crate::sandbox::supervisor::Supervisor;
use crate::sandbox::view::ViewReport;
use crate::sandbox::{Sandbox, SandboxEvent, SandboxIo};
use crate::sys;
use crate::workloads::WorkloadSpec;
use crate::workloads::command;
use crate::workloads::counters::Counters;
use crate::{Exit, coded};

/// How much workload output `workload.log` keeps.
pub const LOG_CAP: u64 = 1 << 20;
/// How long the init may take to set the sandbox up.
const SETUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Checks what can be checked before anything is created: commands exist on the host.
/// `host` (when known) is checked for what the expectations need.
pub fn preflight(plan: &RunPlan, host: Option<&HostFacts>) -> anyhow::Result<()> {
    if let Some(host) = host
        && host.psi_scope == crate::data::PsiScope::None
        && let Some(x) = plan.expectations.iter().find(|x| x.metric.contains("psi"))
    {
        return Err(coded(
            Exit::Host,
            format!(
                "{}: [expect] {:?} needs pressure stall information, and this kernel has none (/proc/pressure is missing): boot with psi=1 on a kernel built with CONFIG_PSI, or drop the expectation",
                plan.source.display(),
                x.metric
            ),
        ));
    }
    // Each program as the sandbox will see it: one the view hides is bound in, or refused.
    crate::sandbox::view::config_for(plan)
        .map_err(|e| coded(Exit::BadInput, format!("{}: {e}", plan.source.display())))?;
    // Inside a container, its own filesystem decides what exists.
    let joins = plan.target.as_ref().is_some_and(|t| t.joins_namespaces());
    for (i, w) in plan.workloads.iter().enumerate().filter(|_| !joins) {
        if let WorkloadSpec::Command { argv } = &w.spec {
            command::resolve(&argv[0]).map_err(|e| {
                coded(
                    Exit::BadInput,
                    format!("{}: workload[{i}]: {e}", plan.source.display()),
                )
            })?;
        }
    }
    Ok(())
}

/// Runs one plan and returns everything it produced. Results stream into `out`.
/// What every run of one `limitlab run` shares.
pub struct RunEnv {
    pub layout: Layout,
    pub host: HostFacts,
    pub supervisor: Option<Arc<Supervisor>>,
}

/// Stops here, for tests, when `LIMITLAB_TEST_STALL_AT` names this point, so a test can
/// kill the harness at a known moment. Points: `setup` (the sandbox is set up, the workload
/// not released), `teardown` (teardown has begun, nothing is killed yet).
fn stall_point(name: &str) {
    if std::env::var("LIMITLAB_TEST_STALL_AT").as_deref() == Ok(name) {
        eprintln!("limitlab: stalled at {name} (LIMITLAB_TEST_STALL_AT)");
        std::thread::sleep(Duration::from_secs(60));
    }
}

/// How many samples a run holds in memory for its summary and charts (a sample is ~0.5 KiB:
/// ~50 MiB; 100 s at 1 ms, 17 min at 10 ms). A longer run keeps them in `samples.csv` only
/// and its summary and charts are folded from that file after teardown, so the harness's
/// memory stays flat however long it samples (an hour at 1 ms is 3.6 million samples).
/// `LIMITLAB_TEST_SAMPLES_IN_MEMORY` lowers it, for the tests of that path.
pub const SAMPLES_IN_MEMORY: usize = 100_000;

fn samples_in_memory() -> usize {
    std::env::var("LIMITLAB_TEST_SAMPLES_IN_MEMORY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(SAMPLES_IN_MEMORY)
}

pub fn run(
    plan: &RunPlan,
    env: &RunEnv,
    out: &ResultsDir,
    status: &mut LiveStatus,
) -> anyhow::Result<RunRecord> {
    let host = &env.host;
    // With a target, its cgroups stand in for limitlab's own: the sandbox goes beneath them.
    // A runtime limit the scenario sets on the target goes on before the target's limits are
    // read, and comes off when this guard is finished (or dropped, on any early return).
    let mut runtime_limit =
        crate::sandbox::target::RuntimeLimitGuard::set(plan, env.supervisor.clone(), &out.path)?;
    let target = match &plan.target {
        Some(_) => Some(crate::sandbox::target::resolve(plan, &env.layout)?),
        None => None,
    };
    let layout = target.as_ref().map(|t| &t.layout).unwrap_or(&env.layout);
    // The target as the run found it: teardown must leave it so.
    let target_before = target.as_ref().map(|t| t.state());
    let started_at = crate::report::utc_now();
    let events =
        Arc::new(EventLog::create(Some(&out.file("events.csv"))).context("create events.csv")?);
    let samples = SampleWriter::create(&out.file("samples.csv")).context("create samples.csv")?;

    let builtins = plan
        .workloads
        .iter()
        .filter(|w| w.spec.is_builtin())
        .count();
    let (counters, counters_fd) = if builtins > 0 {
        let (c, fd) = Counters::create().context("create the counter page")?;
        (Some(Arc::new(c)), Some(fd))
    } else {
        (None, None)
    };
    let (log_r, log_w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("create the workload log pipe")?;
    let log = capture_log(log_r, out.file("workload.log"), LOG_CAP).context("start log capture")?;

    let (tx, rx) = mpsc::channel();
    let mut sandbox = Sandbox::start(
        plan,
        layout,
        SandboxIo {
            log: log_w,
            counters: counters_fd,
            supervisor: env.supervisor.clone(),
            target: match target
                .as_ref()
                .filter(|_| plan.target.as_ref().is_some_and(|t| t.joins_namespaces()))
            {
                Some(t) => t.join().context("pass the target to the sandbox")?,
                None => None,
            },
            stdin: None,
            stderr: None,
        },
        tx,
    )?;
    let cgroup = sandbox.cgroup();
    let cloned_into_cgroup = sandbox.cloned_into_cgroup;
    let setup_mono = proto::mono_ns() - sandbox.setup_started.elapsed().as_nanos() as u64;
    let deadline = Instant::now() + plan.duration + plan.grace;
    let watchdog = Watchdog::arm(deadline, cgroup.clone(), events.clone());

    // Wait until the init has set up the inside.
    let (view, _) = wait_ready(&rx).inspect_err(|_e| {
        let _ = sandbox.kill();
    })?;
    stall_point("setup");

    let kinds = |f: fn(&WorkloadSpec) -> bool| plan.workloads.iter().any(|w| f(&w.spec));
    let counter_set = counters.clone().map(|page| CounterSet {
        page,
        slots: plan.workloads.len(),
        forks: kinds(|s| {
            matches!(
                s,
                WorkloadSpec::Forkbomb { .. } | WorkloadSpec::Threadbomb { .. }
            )
        }),
        bytes: kinds(|s| matches!(s, WorkloadSpec::Memhog { .. })),
        spins: kinds(|s| matches!(s, WorkloadSpec::Cpuspin { .. })),
        escapes: kinds(|s| matches!(s, WorkloadSpec::Escape { .. })),
    });
    let probe =
        HostProbe::start(probe::INTERVAL.max(plan.interval)).context("start the host probe")?;
    let mut files = cgroup.stat_files();
    files.extend(host_psi_files());
    if let Some(t) = &target {
        files.extend(t.stat_files());
    }
    let reader = Reader::open(&files, counter_set, Some(probe.clone()));
    let latest: Latest = Arc::new(Mutex::new(None));
    let t0 = Instant::now();
    let t0_mono = proto::mono_ns();
    events.set_t0(t0);
    let at = |mono: u64| ((mono as f64 - t0_mono as f64) / 1e3).round() / 1e3;
    let sampler = Sampler::start(SamplerConfig {
        interval: plan.interval,
        t0,
        reader,
        samples,
        events: events.clone(),
        latest: latest.clone(),
        keep: samples_in_memory(),
    })
    .context("start the sampler")?;
    // From here on every failure still ends in teardown and a summary marked aborted.
    let mut aborted = sandbox
        .release()
        .err()
        .map(|e| format!("could not release the workload: {e}"));
    let mut exits: Vec<WorkloadExit> = Vec::new();
    let mut start_ms = None;
    // A workload that could not start makes the run an error of its own (never a metric
    // that is "not available").
    let mut start_failed: Option<String> = None;
    let mut started = vec![false; plan.workloads.len()];
    let mut handle = |ev: SandboxEvent, exits: &mut Vec<WorkloadExit>| -> bool {
        match ev {
            SandboxEvent::Msg(InitMsg::Started {
                index,
                pid,
                mono_ns,
            }) => {
                if let Some(s) = started.get_mut(index) {
                    *s = true;
                }
                start_ms.get_or_insert((mono_ns.saturating_sub(setup_mono)) as f64 / 1e6);
                let what = plan.workloads[index].spec.describe();
                events.record_at(
                    at(mono_ns),
                    EventKind::WorkloadStart,
                    format!("workload {index}: {what} (pid {pid} in the sandbox)"),
                );
            }
            SandboxEvent::Msg(InitMsg::SpawnFailed {
                index,
                error,
                mono_ns,
            }) => {
                events.record_at(
                    at(mono_ns),
                    EventKind::WorkloadError,
                    format!("workload {index}: {error}"),
                );
                exits.push(WorkloadExit {
                    index,
                    t_ms: at(mono_ns),
                    status: format!("did not start: {error}"),
                    code: None,
                });
                start_failed.get_or_insert(format!(
                    "workload {index} ({}) could not start: {error}",
                    plan.workloads[index].spec.kind()
                ));
            }
            SandboxEvent::Msg(InitMsg::Exited {
                index,
                status,
                code,
                mono_ns,
            }) => {
                events.record_at(
                    at(mono_ns),
                    EventKind::WorkloadExit,
                    format!("workload {index}: {status}"),
                );
                exits.push(WorkloadExit {
                    index,
                    t_ms: at(mono_ns),
                    status,
                    code,
                });
            }
            SandboxEvent::Msg(InitMsg::Idle { mono_ns }) => {
                events.record_at(
                    at(mono_ns),
                    EventKind::WorkloadExit,
                    "every workload process has ended".into(),
                );
                return true;
            }
            SandboxEvent::InitExited(_) => return true,
            SandboxEvent::Msg(_) | SandboxEvent::Garbled(_) => {}
        }
        false
    };

    let end = t0 + plan.duration;
    let mut last_status = Instant::now() - Duration::from_secs(1);
    while aborted.is_none() {
        if let Some(sig) = sys::stop_signal() {
            aborted = Some(format!("stopped by {sig}"));
            events.record(EventKind::Abort, format!("{sig} received; tearing down"));
            break;
        }
        let now = Instant::now();
        if now >= end {
            break;
        }
        if now.duration_since(last_status) >= Duration::from_millis(100) {
            last_status = now;
            let l = latest.lock().ok().and_then(|l| l.clone());
            status.update(t0.elapsed(), l.as_ref());
        }
        match rx.recv_timeout((end - now).min(Duration::from_millis(100))) {
            Ok(ev) => {
                if handle(ev, &mut exits) {
                    break;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    let workload_end_ms = t0.elapsed().as_micros() as f64 / 1000.0;

    // Teardown: kill, let the sampler take a last look, remove the cgroups.
    let teardown_start = Instant::now();
    events.record(
        EventKind::TeardownStart,
        "killing every process in the sandbox".into(),
    );
    stall_point("teardown");
    let killed = sandbox.kill();
    // The init is gone: what it said before it died is still on its way from the thread that
    // reads its pipe (its reaping can arrive first). The channel closes when both are done.
    let drain_until = Instant::now() + Duration::from_secs(1);
    while let Ok(ev) = rx.recv_timeout(drain_until.saturating_duration_since(Instant::now())) {
        handle(ev, &mut exits);
    }
    let sampled = sampler.finish();
    probe.finish();
    if aborted.is_none() {
        aborted = start_failed;
    }
    let leaked_cgroups = sandbox.remove();
    let mut left_in_target = Vec::new();
    let limit = runtime_limit.finish();
    if let Some(e) = limit.as_ref().and_then(|l| l.restore_error.as_ref()) {
        left_in_target.push(format!("its own limit could not be put back: {e}"));
    }
    let target = target.map(|t| {
        let mut report = t.report.clone();
        report.alive_after = t.alive();
        report.runtime_limit = limit;
        if let Some(before) = target_before {
            let (after, left) = t.settle(&before, Duration::from_secs(1));
            left_in_target.extend(left);
            report.before = Some(before);
            report.after = Some(after);
        }
        report
    });
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
        format!(
            "{} killed {} task(s) in {:.1} ms; {} left",
            teardown.method,
            teardown.processes_killed,
            teardown.ms,
            teardown.leaked()
        ),
    );
    watchdog.disarm();
    drop(sandbox);
    let log = log.join().unwrap_or_default();
    if let Err(e) = events.finish() {
        status.say(&format!("warning: events.csv is incomplete: {e}"));
    }
    if let Some(e) = sampled.write_error {
        status.say(&format!("warning: samples.csv is incomplete: {e}"));
    }
    if log.dropped > 0 {
        status.say(&format!(
            "note: the workloads wrote {} bytes of output; workload.log keeps the first {}",
            log.kept + log.dropped,
            log.kept
        ));
    }

    for (index, w) in plan.workloads.iter().enumerate() {
        if !exits.iter().any(|e| e.index == index) {
            // On a starved host the init may not have started a workload before the run
            // ended (seen under load): the run then proved nothing about it.
            let status = if started[index] {
                format!("{} ran until teardown", w.spec.kind())
            } else {
                if w.start_after < plan.duration {
                    aborted.get_or_insert(format!(
                        "workload {index} ({}) never started: the sandbox init had not started it when the run ended",
                        w.spec.kind()
                    ));
                }
                format!("{} never started", w.spec.kind())
            };
            exits.push(WorkloadExit {
                index,
                t_ms: workload_end_ms,
                status,
                code: None,
            });
        }
    }
    exits.sort_by_key(|e| e.index);

    Ok(RunRecord {
        plan: plan.clone(),
        host: host.clone(),
        started_at,
        limits: cgroup.limits().to_vec(),
        samples: sampled.samples,
        samples_spilled: sampled.spilled,
        events: events.events(),
        exits,
        start_ms,
        cloned_into_cgroup,
        workload_end_ms,
        missed_samples: sampled.missed,
        teardown,
        aborted,
        target,
        view,
    })
}

/// The init's setup steps as they ended: (step, `proto::mono_ns`).
pub(crate) type Spans = Vec<(String, u64)>;

/// Waits for the init's `Ready`; returns the view it set up and its steps' spans.
pub(crate) fn wait_ready(
    rx: &Receiver<SandboxEvent>,
) -> anyhow::Result<(Option<ViewReport>, Spans)> {
    let until = Instant::now() + SETUP_TIMEOUT;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(SandboxEvent::Msg(InitMsg::Ready { view, spans, .. })) => {
                return Ok((view.map(|v| *v), spans));
            }
            Ok(SandboxEvent::Msg(InitMsg::SetupFailed { step, error })) => {
                return Err(coded(
                    Exit::Host,
                    format!("the sandbox could not be set up: {step}: {error}"),
                ));
            }
            Ok(SandboxEvent::InitExited(WaitStatus::Exited(_, sys::JOIN_FAILED))) => {
                return Err(coded(
                    Exit::Internal,
                    "the sandbox init could not move itself into its cgroups (writing 0 to a v1 tasks file failed)",
                ));
            }
            Ok(SandboxEvent::InitExited(status)) => {
                return Err(coded(
                    Exit::Internal,
                    format!("the sandbox init ended during setup ({status:?})"),
                ));
            }
            Ok(_) => continue,
            Err(_) => {
                return Err(coded(
                    Exit::Internal,
                    format!("the sandbox init did not finish its setup within {SETUP_TIMEOUT:?}"),
                ));
            }
        }
    }
}

/// Kills the sandbox if the run is still going at its deadline, and ends the harness if even
/// that does not let it finish.
struct Watchdog {
    cancel: mpsc::Sender<()>,
}

impl Watchdog {
    fn arm(deadline: Instant, cgroup: Arc<dyn Cgroup>, events: Arc<EventLog>) -> Watchdog {
        let (cancel, wait) = mpsc::channel::<()>();
        let _ = thread::Builder::new().name("watchdog".into()).spawn(move || {
            let left = deadline.saturating_duration_since(Instant::now());
            if !matches!(wait.recv_timeout(left), Err(RecvTimeoutError::Timeout)) {
                return;
            }
            events.record(EventKind::Deadline, "the run passed its deadline; the watchdog kills the sandbox".into());
            let _ = cgroup.kill_all();
            if matches!(wait.recv_timeout(Duration::from_secs(10)), Err(RecvTimeoutError::Timeout)) {
                // Nothing is left behind even so: every process in the sandbox's cgroups is
                // killed and the cgroups removed before the harness ends (the supervisor
                // would do the same, later).
                let cleanup = crate::sandbox::cgroup::emergency_teardown(&cgroup.dirs());
                eprintln!(
                    "limitlab: the run is stuck 10 s past its deadline after the watchdog killed the sandbox; giving up ({} process(es) killed, {} cgroup(s) could not be removed)",
                    cleanup.killed,
                    cleanup.stuck.len()
                );
                std::process::exit(Exit::Internal as i32);
            }
        });
        Watchdog { cancel }
    }

    fn disarm(self) {
        let _ = self.cancel.send(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::PsiScope;
    use crate::plan::{PlanOptions, plan};
    use crate::scenario::Source;

    fn plan_of(text: &str) -> RunPlan {
        let src = Source::from_text("t.toml", text);
        plan(&src, &src.parse().unwrap(), &PlanOptions::default()).unwrap()
    }

    fn host(psi: PsiScope) -> HostFacts {
        HostFacts {
            hostname: "h".into(),
            kernel: "6.1".into(),
            cgroup_mode: None,
            cpus: 2,
            memory_bytes: None,
            psi_scope: psi,
            root: true,
            uid: Some(0),
            pid_max: None,
            autogroup: None,
            cgroup_source: None,
            node: None,
            runtime: None,
        }
    }

    #[test]
    fn preflight_refuses_psi_expectations_without_psi() {
        let p = plan_of(
            "duration = \"1s\"\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"psi.cpu_some_total_ms\" = \"> 0\"\n",
        );
        let e = preflight(&p, Some(&host(PsiScope::None))).unwrap_err();
        assert_eq!(crate::exit_of(&e), Exit::Host);
        assert!(e.to_string().contains("psi=1"), "{e}");
        assert!(preflight(&p, Some(&host(PsiScope::System))).is_ok());
    }

    #[test]
    fn preflight_refuses_a_missing_program_as_bad_input() {
        let p = plan_of(
            "duration = \"1s\"\n[[workload]]\nkind = \"command\"\nargv = [\"no-such-limitlab-program\"]\n",
        );
        let e = preflight(&p, None).unwrap_err();
        assert_eq!(crate::exit_of(&e), Exit::BadInput);
    }
}
