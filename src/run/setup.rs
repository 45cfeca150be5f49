//! A run's setup, up to the moment the workloads may go: the target's runtime limit, the
//! results files, the sandbox up and ready beneath a watchdog, the host probe and the
//! sampler started. What it made is a [`Setup`]: the event loop reads it, teardown takes it
//! apart.

use std::os::fd::OwnedFd;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

use anyhow::Context;

use super::events::wait_ready;
use super::watchdog::Watchdog;
use super::{LOG_CAP, RunEnv, samples_in_memory, stall_point};
use crate::data::stream::{EventLog, LogStats, SampleWriter, capture_log};
use crate::plan::RunPlan;
use crate::report::ResultsDir;
use crate::sampler::host_probe::{self, HostProbe};
use crate::sampler::{CounterSet, Latest, Reader, Sampler, SamplerConfig, host_psi_files};
use crate::sandbox::cgroup::Cgroup;
use crate::sandbox::proto;
use crate::sandbox::target::{self, RuntimeLimitGuard, Target, TargetState};
use crate::sandbox::view::ViewReport;
use crate::sandbox::{Sandbox, SandboxEvent, SandboxIo};
use crate::workloads::WorkloadSpec;
use crate::workloads::counters::Counters;

/// Everything a run set up, in the order it was made.
pub(crate) struct Setup {
    pub target: TargetRun,
    pub out: Outputs,
    pub sandbox: SandboxRun,
    pub sampling: Sampling,
}

/// The container or cgroup a run goes into, when the scenario names one.
pub(crate) struct TargetRun {
    /// Its cgroups stand in for limitlab's own: the sandbox goes beneath them.
    pub target: Option<Target>,
    /// The target as the run found it: teardown must leave it so.
    pub before: Option<TargetState>,
    /// A runtime limit the scenario sets on the target: on before the target's limits are
    /// read, off when this is finished (or dropped, on any early return).
    pub runtime_limit: RuntimeLimitGuard,
}

/// What the run writes into its results folder as it goes.
pub(crate) struct Outputs {
    /// UTC start time, RFC 3339.
    pub started_at: String,
    /// events.csv.
    pub events: Arc<EventLog>,
    /// The thread copying the workloads' output into workload.log.
    pub log: JoinHandle<LogStats>,
}

/// The ends of the outputs the sandbox and the sampler write into.
struct Feeds {
    samples: SampleWriter,
    /// The built-in workloads' counter page, and its fd for the sandbox.
    counters: Option<(Arc<Counters>, OwnedFd)>,
    log: LogPipe,
}

/// workload.log's pipe. The thread that copies it into the file starts once the sandbox
/// init is cloned: a harness with one thread at the clone runs the init there without an
/// exec (`sys::InitSpawn::here`), 1-1.6 ms sooner.
struct LogPipe {
    read: OwnedFd,
    /// For the sandbox: its workloads' stdout and stderr.
    write: OwnedFd,
    file: std::path::PathBuf,
}

/// The sandbox, set up and waiting for the go.
pub(crate) struct SandboxRun {
    pub sandbox: Sandbox,
    /// The init's messages.
    pub rx: Receiver<SandboxEvent>,
    pub cgroup: Arc<dyn Cgroup>,
    pub cloned_into_cgroup: bool,
    /// When the sandbox's setup began (`proto::mono_ns`).
    pub setup_mono: u64,
    pub watchdog: Watchdog,
    /// What the workloads see of the host.
    pub view: Option<ViewReport>,
}

/// The sampler and the host probe, running.
pub(crate) struct Sampling {
    pub sampler: Sampler,
    pub probe: Arc<HostProbe>,
    /// The last sample, for the live status.
    pub latest: Latest,
    /// The run's time 0, as an `Instant` and in `proto::mono_ns`.
    pub t0: Instant,
    pub t0_mono: u64,
}

/// Sets a run up; on an error, what was made so far is undone as it is dropped.
pub(crate) fn setup(plan: &RunPlan, env: &RunEnv, out: &ResultsDir) -> anyhow::Result<Setup> {
    let target = enter_target(plan, env, out)?;
    let (started_at, events, feeds) = open_outputs(plan, out)?;
    let (counters, counters_fd) = feeds.counters.unzip();
    let (sandbox, log) = start_sandbox(plan, env, &target, &events, feeds.log, counters_fd)?;
    let outputs = Outputs {
        started_at,
        events,
        log,
    };
    stall_point("setup");
    let sampling = start_sampling(
        plan,
        &target,
        &sandbox,
        &outputs.events,
        feeds.samples,
        counters,
    )?;
    Ok(Setup {
        target,
        out: outputs,
        sandbox,
        sampling,
    })
}

fn enter_target(plan: &RunPlan, env: &RunEnv, out: &ResultsDir) -> anyhow::Result<TargetRun> {
    let runtime_limit = RuntimeLimitGuard::set(plan, env.supervisor.clone(), &out.path)?;
    let target = match &plan.target {
        Some(_) => Some(target::resolve(plan, &env.layout)?),
        None => None,
    };
    let before = target.as_ref().map(|t| t.state());
    Ok(TargetRun {
        target,
        before,
        runtime_limit,
    })
}

/// events.csv and samples.csv created, the counter page and workload.log's pipe made.
fn open_outputs(
    plan: &RunPlan,
    out: &ResultsDir,
) -> anyhow::Result<(String, Arc<EventLog>, Feeds)> {
    let started_at = crate::report::utc_now();
    let create = |file| move || crate::t!("run-ctx-create", file = file);
    let events = Arc::new(
        EventLog::create(Some(&out.file("events.csv"))).with_context(create("events.csv"))?,
    );
    let samples =
        SampleWriter::create(&out.file("samples.csv")).with_context(create("samples.csv"))?;
    let counters = if plan.runs_builtin() {
        let (c, fd) = Counters::create().with_context(|| crate::t!("run-ctx-counter-page"))?;
        Some((Arc::new(c), fd))
    } else {
        None
    };
    let (read, write) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
        .with_context(|| crate::t!("run-ctx-log-pipe"))?;
    let log = LogPipe {
        read,
        write,
        file: out.file("workload.log"),
    };
    let feeds = Feeds {
        samples,
        counters,
        log,
    };
    Ok((started_at, events, feeds))
}

/// Starts the sandbox (beneath the target's cgroups, and in its namespaces when the target
/// is joined), starts copying its output into workload.log, arms the watchdog, and waits
/// until the init has set up the inside.
fn start_sandbox(
    plan: &RunPlan,
    env: &RunEnv,
    target: &TargetRun,
    events: &Arc<EventLog>,
    log: LogPipe,
    counters: Option<OwnedFd>,
) -> anyhow::Result<(SandboxRun, JoinHandle<LogStats>)> {
    let layout = target
        .target
        .as_ref()
        .map(|t| &t.layout)
        .unwrap_or(&env.layout);
    let joins = plan.target.as_ref().is_some_and(|t| t.joins_namespaces());
    let (tx, rx) = mpsc::channel();
    let io = SandboxIo {
        log: log.write,
        counters,
        supervisor: env.supervisor.clone(),
        target: match target.target.as_ref().filter(|_| joins) {
            Some(t) => t.join().with_context(|| crate::t!("run-ctx-pass-target"))?,
            None => None,
        },
        stdin: None,
        stderr: None,
    };
    let mut sandbox = Sandbox::start(plan, layout, io, tx)?;
    let log = capture_log(log.read, log.file, LOG_CAP)
        .with_context(|| crate::t!("run-ctx-log-capture"))?;
    let cgroup = sandbox.cgroup();
    let cloned_into_cgroup = sandbox.cloned_into_cgroup;
    let setup_mono = proto::mono_ns() - sandbox.setup_started.elapsed().as_nanos() as u64;
    let deadline = Instant::now() + plan.duration + plan.grace;
    let watchdog = Watchdog::arm(deadline, cgroup.clone(), events.clone());
    let (view, _) = wait_ready(&rx, sandbox.init_pid()).inspect_err(|_e| {
        let _ = sandbox.kill();
    })?;
    let run = SandboxRun {
        sandbox,
        rx,
        cgroup,
        cloned_into_cgroup,
        setup_mono,
        watchdog,
        view,
    };
    Ok((run, log))
}

/// The counters the sampler reads from the built-in workloads' page: the slots of every
/// workload, and the kinds of counter the plan's workloads keep.
fn counter_set(plan: &RunPlan, page: Arc<Counters>) -> CounterSet {
    let kinds = |f: fn(&WorkloadSpec) -> bool| plan.workloads.iter().any(|w| f(&w.spec));
    CounterSet {
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
    }
}

/// Starts the host probe and the sampler over the sandbox's, the host's and the target's
/// stat files; the run's time 0 is now.
fn start_sampling(
    plan: &RunPlan,
    target: &TargetRun,
    sandbox: &SandboxRun,
    events: &Arc<EventLog>,
    samples: SampleWriter,
    counters: Option<Arc<Counters>>,
) -> anyhow::Result<Sampling> {
    let counter_set = counters.map(|page| counter_set(plan, page));
    // The sampler words the events it sees (a limit hit) in the run's language.
    crate::i18n::ready();
    let probe = HostProbe::start(host_probe::INTERVAL.max(plan.interval))
        .with_context(|| crate::t!("run-ctx-host-probe"))?;
    let mut files = sandbox.cgroup.stat_files();
    files.extend(host_psi_files());
    if let Some(t) = &target.target {
        files.extend(t.stat_files());
    }
    let reader = Reader::open(&files, counter_set, Some(probe.clone()));
    let latest: Latest = Arc::new(Mutex::new(None));
    let t0 = Instant::now();
    let t0_mono = proto::mono_ns();
    events.set_t0(t0);
    let sampler = Sampler::start(SamplerConfig {
        interval: plan.interval,
        t0,
        reader,
        samples,
        events: events.clone(),
        latest: latest.clone(),
        keep: samples_in_memory(),
    })
    .with_context(|| crate::t!("run-ctx-sampler"))?;
    Ok(Sampling {
        sampler,
        probe,
        latest,
        t0,
        t0_mono,
    })
}
