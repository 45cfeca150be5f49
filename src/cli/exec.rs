//! `limitlab exec`: one command in a sandbox under limits, with nothing else around it: no
//! sampler, no results folder, no report. The same sandbox as `run` (cgroups created and
//! limits written first, the six namespaces, the unprivileged uid, the syscall filter), so
//! its cost can be timed on its own against `unshare` and `bwrap`, and so a command can be
//! tried under a limit by hand.

use std::os::fd::OwnedFd;
use std::sync::mpsc;
use std::time::Instant;

use nix::sys::wait::WaitStatus;

use super::ExecArgs;
use crate::host::HostFacts;
use crate::plan::{self, PlanOptions, RunPlan};
use crate::run::events::{self, Ended, Flow, Waited, WorkloadEnd, WorkloadEvents};
use crate::sandbox::cgroup::Layout;
use crate::sandbox::cgroup::grant::Grant;
use crate::sandbox::init;
use crate::sandbox::proto;
use crate::sandbox::{KillOutcome, Sandbox, SandboxIo};
use crate::scenario::Source;
use crate::sys;
use crate::{Exit, coded, i18n, t};

/// The exit status when the command outlived `--timeout` (as `timeout(1)` does).
pub const TIMED_OUT: u8 = 124;

/// The plan of an exec: a scenario with one `command` workload, built from the options and
/// validated like any scenario file.
pub fn plan_of(args: &ExecArgs) -> anyhow::Result<RunPlan> {
    let mut limits = toml::Table::new();
    if let Some(p) = args.pids {
        limits.insert("pids".into(), toml::Value::Integer(p as i64));
    }
    if let Some(m) = &args.memory {
        limits.insert("memory".into(), toml::Value::String(m.clone()));
    }
    if let Some(c) = args.cpu {
        limits.insert("cpu".into(), toml::Value::Float(c));
    }
    let mut workload = toml::Table::new();
    workload.insert("kind".into(), "command".into());
    workload.insert(
        "argv".into(),
        toml::Value::Array(args.command.iter().cloned().map(Into::into).collect()),
    );
    let mut scenario = toml::Table::new();
    scenario.insert("name".into(), "exec".into());
    scenario.insert("duration".into(), args.timeout.clone().into());
    scenario.insert("limits".into(), toml::Value::Table(limits));
    scenario.insert(
        "workload".into(),
        toml::Value::Array(vec![toml::Value::Table(workload)]),
    );
    let src = Source::from_text("limitlab exec", toml::to_string(&scenario)?);
    let opts = PlanOptions {
        safety_ceiling: args.safety_ceiling,
        memory_ceiling: HostFacts::detect(None).memory_bytes.map(|m| m / 2),
        ..PlanOptions::default()
    };
    let plan = plan::plan(&src, &src.parse()?, &opts)?;
    crate::run::preflight(&plan, None)?;
    Ok(plan)
}

pub fn exec(args: &ExecArgs) -> anyhow::Result<u8> {
    let plan = plan_of(args)?;
    if !nix::unistd::geteuid().is_root() {
        return Err(coded(Exit::Host, t!("exec-needs-root")));
    }
    sys::catch_stop_signals()
        .map_err(|e| coded(Exit::Internal, t!("exec-signal-handlers", error = e)))?;
    super::as_harness("limitlab exec", |layout, grant| {
        super::in_harness_leaf(layout, || run(&plan, layout, args, grant))
    })
}

/// A duplicate of a standard stream, or `None` where it is closed.
fn dup(fd: std::os::fd::BorrowedFd<'_>) -> Option<OwnedFd> {
    fd.try_clone_to_owned().ok()
}

/// What `exec` makes of the init's news: when the command started, and the status it ends
/// with.
#[derive(Default)]
struct ExecEvents {
    /// When the command was executing (`proto::mono_ns`).
    start_ns: Option<u64>,
    code: Option<u8>,
}

impl WorkloadEvents for ExecEvents {
    fn started(&mut self, _index: usize, _pid: i32, mono_ns: u64) {
        self.start_ns = Some(mono_ns);
    }

    fn spawn_failed(&mut self, _index: usize, error: String, _mono_ns: u64) {
        eprintln!("{}", t!("exec-did-not-start", error = error));
        self.code = Some(Exit::BadInput.into());
    }

    fn exited(&mut self, _index: usize, end: WorkloadEnd, _mono_ns: u64) {
        self.code = Some(exit_status(end.how));
    }

    fn idle(&mut self, _mono_ns: u64) {}

    /// The init's last word is `Idle`; its messages and its reaping come from two threads,
    /// so the messages still in its pipe are read before the wait ends (the channel closes
    /// once both threads are done).
    fn init_exited(&mut self, _status: WaitStatus) -> Flow {
        Flow::Continue
    }
}

fn run(plan: &RunPlan, layout: &Layout, args: &ExecArgs, grant: &Grant) -> anyhow::Result<u8> {
    use std::os::fd::AsFd;
    let (tx, rx) = mpsc::channel();
    // No supervisor: the init dies with this process (PR_SET_PDEATHSIG) and takes the pid
    // namespace with it; `limitlab clean` or the next run removes the empty cgroups.
    let mut sandbox = Sandbox::start(
        plan,
        layout,
        SandboxIo {
            log: match dup(std::io::stdout().as_fd()) {
                Some(fd) => fd,
                None => std::fs::File::open("/dev/null")?.into(),
            },
            counters: None,
            supervisor: None,
            target: None,
            stdin: dup(std::io::stdin().as_fd()),
            stderr: dup(std::io::stderr().as_fd()),
        },
        tx,
    )?;
    let setup_mono = proto::mono_ns() - sandbox.setup_started.elapsed().as_nanos() as u64;
    // Nothing is started between the init's setup and the workload (no sampler, no probe),
    // so the go is sent at once and the init does not wait for a round trip.
    sandbox
        .release()
        .map_err(|e| coded(Exit::Internal, t!("exec-release", error = e)))?;
    let (_, init_spans) = events::wait_ready(&rx, sandbox.init_pid())?;
    let ready_mono = proto::mono_ns();
    let deadline = Instant::now() + plan.duration;
    let mut seen = ExecEvents::default();
    let (code, timed_out) = match events::wait_for_workloads(&rx, deadline, &mut seen, || {}) {
        Waited::Stopped(sig) => (Some(128 + sig as u8), false),
        Waited::TimeUp => (seen.code, true),
        Waited::Over => (seen.code, false),
    };
    let killed = sandbox.kill();
    let stuck = sandbox.remove();
    if args.time {
        let start = Start {
            setup_mono,
            ready_mono,
            exec_ns: seen.start_ns,
        };
        print_times(grant, &killed, &sandbox, init_spans, &start);
    }
    if killed.leaked_processes > 0 || !stuck.is_empty() {
        return Err(coded(
            Exit::Internal,
            t!(
                "exec-teardown-left",
                processes = crate::i18n::count(killed.leaked_processes).ungrouped(),
                cgroups = crate::i18n::count(stuck.len() as u64).ungrouped(),
                stuck = stuck.join("; ")
            ),
        ));
    }
    if timed_out {
        eprintln!("{}", t!("exec-timed-out", timeout = args.timeout));
        return Ok(TIMED_OUT);
    }
    Ok(code.unwrap_or(Exit::Internal.into()))
}

/// When the start path's ends were reached (`proto::mono_ns`).
struct Start {
    /// The start of the sandbox's setup.
    setup_mono: u64,
    /// The init's `Ready` read by the harness.
    ready_mono: u64,
    /// The command executing, when it did.
    exec_ns: Option<u64>,
}

/// `--time`: where the sandbox's start and teardown went, on stderr.
fn print_times(
    grant: &Grant,
    killed: &KillOutcome,
    sandbox: &Sandbox,
    init_spans: events::Spans,
    start: &Start,
) {
    let setup_mono = start.setup_mono;
    let start_ms = start
        .exec_ns
        .map(|t| t.saturating_sub(setup_mono) as f64 / 1e6);
    eprintln!(
        "{}",
        t!(
            "exec-time",
            from = grant.granted().text(),
            grant = i18n::fixed(grant.took().as_secs_f64() * 1e3, 2),
            start = start_ms
                .map(|m| t!("exec-time-start", ms = i18n::fixed(m, 2)))
                .unwrap_or_else(|| t!("exec-time-never-started")),
            teardown = i18n::fixed(killed.kill_ms, 2),
            method = killed.method
        )
    );
    // The start path step by step, from the harness's and the init's own spans: when
    // each step ended, after the start of setup, and what it took.
    let mut spans: Vec<(String, u64)> = sandbox
        .spans
        .iter()
        .map(|(n, t)| (harness_step(n), *t))
        .chain(
            init_spans
                .into_iter()
                .map(|(n, t)| (format!("init: {}", init::step_words(&n)), t)),
        )
        .chain([(t!("exec-step-ready"), start.ready_mono)])
        .chain(start.exec_ns.map(|t| (t!("exec-step-executing"), t)))
        .collect();
    spans.sort_by_key(|(_, t)| *t);
    let mut prev = setup_mono;
    for (name, t) in spans {
        eprintln!(
            "{}",
            span_line(t.saturating_sub(setup_mono), t.saturating_sub(prev), &name)
        );
        prev = t;
    }
}

/// A line of `--time`'s start path: when a step ended after the start of setup, and what it
/// took (`limitlab exec: span    1.234 ms   +0.500 ms  init cloned`), nanoseconds given.
fn span_line(at_ns: u64, took_ns: u64, step: &str) -> String {
    let ms = |ns: u64| i18n::fixed(ns as f64 / 1e6, 3);
    t!(
        "exec-span",
        at = format!("{:>8}", ms(at_ns)),
        took = format!("{:>8}", format!("+{}", ms(took_ns))),
        step = step
    )
}

/// A step of the harness's own (`Sandbox::spans`) as `--time` names it; another as it is.
fn harness_step(name: &str) -> String {
    match name {
        "setup started" => t!("exec-step-setup-started"),
        "cgroups made, limits written" => t!("exec-step-cgroups"),
        "init cloned" => t!("exec-step-init-cloned"),
        "config sent" => t!("exec-step-config-sent"),
        other => other.to_string(),
    }
}

/// The exit status a shell reports for a command that ended so: its code, or 128 + the
/// signal that killed it (`killed by SIGKILL`: 137).
fn exit_status(how: Ended) -> u8 {
    match how {
        Ended::Exited(c) => c.clamp(0, 255) as u8,
        Ended::Killed(s) => 128u8.saturating_add(s as u8),
        Ended::Unknown => Exit::Internal.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_lines_read_as_before_in_english_and_speak_spanish() {
        use crate::i18n::{Lang, with};
        let line = |lang| {
            with(lang, || {
                let step = harness_step("init cloned");
                span_line(1_234_567, 500_000, &step)
            })
        };
        assert_eq!(
            line(Lang::En),
            format!(
                "limitlab exec: span {:8.3} ms {:+8.3} ms  init cloned",
                1.234567, 0.5
            )
        );
        assert_eq!(
            line(Lang::Es),
            "limitlab exec: tramo    1,235 ms   +0,500 ms  init clonado"
        );
        let slow = with(Lang::Es, || span_line(12_345_678_900, 0, "init: setsid"));
        assert_eq!(
            slow,
            "limitlab exec: tramo 12.345,679 ms   +0,000 ms  init: setsid"
        );
        assert_eq!(
            with(Lang::Es, || harness_step("cgroups made, limits written")),
            "cgroups creados, límites escritos"
        );
        assert_eq!(with(Lang::Es, || harness_step("setsid")), "setsid");
    }

    #[test]
    fn signals_map_like_a_shell() {
        use nix::sys::signal::Signal;
        let status =
            |signal: Option<Signal>| exit_status(Ended::of(None, signal.map(|s| s as i32)));
        assert_eq!(status(Some(Signal::SIGKILL)), 137);
        assert_eq!(status(Some(Signal::SIGSEGV)), 139);
        assert_eq!(status(None), 4);
    }
}
