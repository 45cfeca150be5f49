//! The loop over the sandbox init's messages, shared by `run` and `exec`: the wait for its
//! setup ([`wait_ready`]), the wait for the workloads until a deadline, a stop signal or
//! their end ([`wait_for_workloads`]), and what a run makes of that news ([`RunEvents`]).

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;

use super::clock::GivenClock;
use crate::data::EventKind;
use crate::data::stream::EventLog;
use crate::plan::RunPlan;
use crate::record::WorkloadExit;
use crate::sandbox::SandboxEvent;
use crate::sandbox::proto::InitMsg;
use crate::sandbox::view::ViewReport;
use crate::sys;
use crate::{Exit, coded};

/// How long the init may take to set the sandbox up, not counting the time it waited for a
/// CPU ([`GivenClock`]).
const SETUP_TIMEOUT: Duration = Duration::from_secs(10);
/// How long, wall-clock, whatever the machine's load.
const SETUP_CAP: Duration = Duration::from_secs(120);
/// How often the wait looks for a stop signal and calls its `tick`, at the least.
const POLL: Duration = Duration::from_millis(100);

/// The init's setup steps as they ended: (step, `proto::mono_ns`).
pub(crate) type Spans = Vec<(String, u64)>;

/// Waits for the init's `Ready` (`init`: its pid, whose time waiting for a CPU does not
/// count against [`SETUP_TIMEOUT`]); returns the view it set up and its steps' spans.
pub(crate) fn wait_ready(
    rx: &Receiver<SandboxEvent>,
    init: i32,
) -> anyhow::Result<(Option<ViewReport>, Spans)> {
    let clock = GivenClock::of(init);
    loop {
        match rx.recv_timeout(POLL) {
            Ok(SandboxEvent::Msg(InitMsg::Ready { view, spans, .. })) => {
                return Ok((view.map(|v| *v), spans));
            }
            Ok(SandboxEvent::Msg(InitMsg::SetupFailed { step, error })) => {
                return Err(coded(
                    Exit::Host,
                    crate::t!("run-setup-failed", step = step, error = error),
                ));
            }
            Ok(SandboxEvent::InitExited(WaitStatus::Exited(_, sys::JOIN_FAILED))) => {
                return Err(coded(Exit::Internal, crate::t!("run-init-join-failed")));
            }
            Ok(SandboxEvent::InitExited(status)) => {
                return Err(coded(
                    Exit::Internal,
                    crate::t!("run-init-ended", status = format!("{status:?}")),
                ));
            }
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) if !clock.past(SETUP_TIMEOUT, SETUP_CAP) => continue,
            Err(_) => {
                return Err(coded(
                    Exit::Internal,
                    crate::t!(
                        "run-setup-timeout",
                        timeout = crate::i18n::number(format!("{SETUP_TIMEOUT:?}")),
                        wall = crate::i18n::fixed(clock.wall().as_secs_f64(), 1),
                        waited = crate::i18n::fixed(clock.waited().as_secs_f64(), 1),
                        state = clock.state(),
                        at = clock.wchan().map_or_else(String::new, |w| {
                            crate::t!("run-setup-timeout-where", wchan = w)
                                + &clock
                                    .stack()
                                    .map(|s| crate::t!("run-setup-timeout-stack", stack = s))
                                    .unwrap_or_default()
                        })
                    ),
                ));
            }
        }
    }
}

/// How a workload's first process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    /// It exited with this code.
    Exited(i32),
    /// This signal killed it.
    Killed(Signal),
    /// The init said something else.
    Unknown,
}

impl Ended {
    /// Reads the init's `Exited` message: the exit code when it has one, else the signal
    /// named in `killed by SIGKILL` (the protocol carries the signal as that text only).
    pub(crate) fn of(code: Option<i32>, signal: Option<i32>) -> Ended {
        match (code, signal.map(Signal::try_from)) {
            (Some(c), _) => Ended::Exited(c),
            (None, Some(Ok(sig))) => Ended::Killed(sig),
            _ => Ended::Unknown,
        }
    }

    /// The exit code, when it exited.
    pub(crate) fn code(self) -> Option<i32> {
        match self {
            Ended::Exited(c) => Some(c),
            Ended::Killed(_) | Ended::Unknown => None,
        }
    }
}

/// A workload's end as the init reported it.
#[derive(Debug, Clone)]
pub(crate) struct WorkloadEnd {
    /// `exited 0` or `killed by SIGKILL`, as the record keeps it (events.csv says it in the
    /// run's language: [`WorkloadEnd::detail`]).
    pub status: String,
    pub how: Ended,
}

impl WorkloadEnd {
    /// The event of workload `index`'s end, in the run's language (the status stays as the
    /// init wrote it, for the record).
    fn detail(&self, index: usize) -> String {
        match self.how {
            Ended::Exited(code) => crate::t!("event-detail-exited", index = index, code = code),
            Ended::Killed(sig) => {
                crate::t!("event-detail-killed", index = index, signal = sig.as_str())
            }
            Ended::Unknown => {
                crate::t!("event-detail-workload", index = index, what = &self.status)
            }
        }
    }
}

/// Whether the wait goes on after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    Stop,
}

/// What a command does with the init's news of its workloads.
pub(crate) trait WorkloadEvents {
    /// A workload's process was forked; its exec is under way.
    fn forked(&mut self, _index: usize, _mono_ns: u64) {}
    /// A workload is executing (its exec succeeded); `pid` as the sandbox sees it.
    fn started(&mut self, index: usize, pid: i32, mono_ns: u64);
    /// A workload could not be started.
    fn spawn_failed(&mut self, index: usize, error: String, mono_ns: u64);
    /// A workload's first process ended.
    fn exited(&mut self, index: usize, end: WorkloadEnd, mono_ns: u64);
    /// No process is left in the sandbox but the init: its last word. The wait ends.
    fn idle(&mut self, mono_ns: u64);
    /// The init itself was reaped; whether the wait ends there.
    fn init_exited(&mut self, status: WaitStatus) -> Flow;
}

/// Hands one event to `h`; says whether the wait ends.
fn deliver(ev: SandboxEvent, h: &mut impl WorkloadEvents) -> Flow {
    match ev {
        SandboxEvent::Msg(InitMsg::Forked { index, mono_ns }) => h.forked(index, mono_ns),
        SandboxEvent::Msg(InitMsg::Started {
            index,
            pid,
            mono_ns,
        }) => h.started(index, pid, mono_ns),
        SandboxEvent::Msg(InitMsg::SpawnFailed {
            index,
            error,
            mono_ns,
        }) => h.spawn_failed(index, error, mono_ns),
        SandboxEvent::Msg(InitMsg::Exited {
            index,
            status,
            code,
            signal,
            mono_ns,
        }) => {
            let how = Ended::of(code, signal);
            h.exited(index, WorkloadEnd { status, how }, mono_ns);
        }
        SandboxEvent::Msg(InitMsg::Idle { mono_ns }) => {
            h.idle(mono_ns);
            return Flow::Stop;
        }
        SandboxEvent::InitExited(status) => return h.init_exited(status),
        SandboxEvent::Msg(_) | SandboxEvent::Garbled(_) => {}
    }
    Flow::Continue
}

/// Why the wait for the workloads ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waited {
    /// A stop signal (SIGINT, SIGTERM, SIGHUP) arrived.
    Stopped(Signal),
    /// `until` passed.
    TimeUp,
    /// The handler ended it, or the init and the thread reading its pipe are both gone.
    Over,
}

/// Hands the init's messages to `h` until `until`, a stop signal, or the handler or the
/// channel ends the wait. `tick` runs before each wait for a message (at least every 100 ms).
pub(crate) fn wait_for_workloads(
    rx: &Receiver<SandboxEvent>,
    until: Instant,
    h: &mut impl WorkloadEvents,
    mut tick: impl FnMut(),
) -> Waited {
    loop {
        if let Some(sig) = sys::stop_signal() {
            return Waited::Stopped(sig);
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Waited::TimeUp;
        }
        tick();
        match rx.recv_timeout(left.min(POLL)) {
            Ok(ev) => {
                if deliver(ev, h) == Flow::Stop {
                    return Waited::Over;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Waited::Over,
        }
    }
}

/// After the kill: hands `h` what the init said before it died, still on its way from the
/// thread that reads its pipe (its reaping can arrive first), until the channel closes (both
/// threads are done) or `within` has passed.
pub(crate) fn drain(rx: &Receiver<SandboxEvent>, within: Duration, h: &mut impl WorkloadEvents) {
    let until = Instant::now() + within;
    while let Ok(ev) = rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
        deliver(ev, h);
    }
}

/// How far a workload got, as the init said.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Seen {
    Nothing,
    /// Its process was forked at this ms of the run; its exec not seen yet.
    Forked(f64),
    Started,
}

/// What a run makes of the init's news: an event in events.csv for each, the workloads'
/// exits, which ones started and when the first did.
pub(crate) struct RunEvents<'p> {
    plan: &'p RunPlan,
    events: Arc<EventLog>,
    /// When the sandbox's setup began (`proto::mono_ns`).
    setup_mono: u64,
    /// The run's time 0 (`proto::mono_ns`).
    t0_mono: u64,
    /// How far the init has said each workload got.
    seen: Vec<Seen>,
    /// When the first workload started, in ms after the start of setup.
    pub start_ms: Option<f64>,
    /// A workload that could not start makes the run an error of its own (never a metric
    /// that is "not available").
    pub start_failed: Option<String>,
    exits: Vec<WorkloadExit>,
}

impl<'p> RunEvents<'p> {
    pub(crate) fn new(
        plan: &'p RunPlan,
        events: Arc<EventLog>,
        setup_mono: u64,
        t0_mono: u64,
    ) -> RunEvents<'p> {
        RunEvents {
            plan,
            events,
            setup_mono,
            t0_mono,
            seen: vec![Seen::Nothing; plan.workloads.len()],
            start_ms: None,
            start_failed: None,
            exits: Vec::new(),
        }
    }

    /// A `proto::mono_ns` time in ms of the run (rounded to the µs).
    fn at(&self, mono_ns: u64) -> f64 {
        ((mono_ns as f64 - self.t0_mono as f64) / 1e3).round() / 1e3
    }

    /// Every workload's exit, by index, once the run is over: one the init said nothing
    /// about ran until teardown, or never started (then the run, when the workload was due
    /// to start within it, is aborted: it proved nothing about it).
    pub(crate) fn exits_at_end(
        mut self,
        workload_end_ms: f64,
        aborted: &mut Option<String>,
    ) -> Vec<WorkloadExit> {
        let plan = self.plan;
        for (index, w) in plan.workloads.iter().enumerate() {
            if self.exits.iter().any(|e| e.index == index) {
                continue;
            }
            // On a starved host the init may not have started a workload before the run
            // ended (seen under load): the run then proved nothing about it.
            let status = if self.seen[index] == Seen::Started {
                format!("{} ran until teardown", w.spec.kind())
            } else if let Seen::Forked(forked_ms) = self.seen[index] {
                // Its process existed but its exec was not seen: it was still starting.
                aborted.get_or_insert(crate::t!(
                    "run-still-starting",
                    index = index,
                    kind = w.spec.kind(),
                    forked = crate::i18n::fixed(forked_ms / 1e3, 2),
                    end = crate::i18n::fixed(workload_end_ms / 1e3, 2)
                ));
                format!("{} was still starting", w.spec.kind())
            } else {
                if w.start_after < plan.duration {
                    aborted.get_or_insert(crate::t!(
                        "run-never-started",
                        index = index,
                        kind = w.spec.kind()
                    ));
                }
                format!("{} never started", w.spec.kind())
            };
            self.exits.push(WorkloadExit {
                index,
                t_ms: workload_end_ms,
                status,
                code: None,
            });
        }
        self.exits.sort_by_key(|e| e.index);
        self.exits
    }
}

impl WorkloadEvents for RunEvents<'_> {
    fn forked(&mut self, index: usize, mono_ns: u64) {
        let t_ms = self.at(mono_ns);
        if let Some(s) = self.seen.get_mut(index) {
            *s = Seen::Forked(t_ms);
        }
    }

    fn started(&mut self, index: usize, pid: i32, mono_ns: u64) {
        if let Some(s) = self.seen.get_mut(index) {
            *s = Seen::Started;
        }
        self.start_ms
            .get_or_insert((mono_ns.saturating_sub(self.setup_mono)) as f64 / 1e6);
        let what = self.plan.workloads[index].spec.describe();
        self.events.record_at(
            self.at(mono_ns),
            EventKind::WorkloadStart,
            crate::t!("event-detail-start", index = index, what = what, pid = pid),
        );
    }

    fn spawn_failed(&mut self, index: usize, error: String, mono_ns: u64) {
        let t_ms = self.at(mono_ns);
        self.events.record_at(
            t_ms,
            EventKind::WorkloadError,
            crate::t!("event-detail-workload", index = index, what = &error),
        );
        self.exits.push(WorkloadExit {
            index,
            t_ms,
            status: format!("did not start: {error}"),
            code: None,
        });
        self.start_failed.get_or_insert(crate::t!(
            "run-could-not-start",
            index = index,
            kind = self.plan.workloads[index].spec.kind(),
            error = error
        ));
    }

    fn exited(&mut self, index: usize, end: WorkloadEnd, mono_ns: u64) {
        let t_ms = self.at(mono_ns);
        self.events
            .record_at(t_ms, EventKind::WorkloadExit, end.detail(index));
        self.exits.push(WorkloadExit {
            index,
            t_ms,
            status: end.status,
            code: end.how.code(),
        });
    }

    fn idle(&mut self, mono_ns: u64) {
        self.events.record_at(
            self.at(mono_ns),
            EventKind::WorkloadExit,
            crate::t!("event-detail-idle"),
        );
    }

    fn init_exited(&mut self, _status: WaitStatus) -> Flow {
        Flow::Stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setup_timeout_says_where_the_init_waits() {
        use crate::i18n::{Lang, with};
        let said = |lang, wchan: &str| {
            with(lang, || {
                let at = if wchan == "none" {
                    String::new()
                } else {
                    crate::t!("run-setup-timeout-where", wchan = wchan)
                };
                crate::t!(
                    "run-setup-timeout",
                    timeout = "10s",
                    wall = "10.0",
                    waited = "0.0",
                    state = "D",
                    at = at
                )
            })
        };
        assert_eq!(
            said(Lang::En, "percpu_rwsem_wait"),
            "the sandbox init did not finish its setup within 10s of the CPU time it was given (10.0 s wall-clock, 0.0 s of it waiting for a CPU; the init is D in the kernel's percpu_rwsem_wait)"
        );
        assert!(said(Lang::En, "none").ends_with("; the init is D)"));
        assert!(
            said(Lang::Es, "pipe_read")
                .ends_with("; el init está en estado D en pipe_read del kernel)")
        );
    }

    #[test]
    fn the_end_of_a_workload_is_read_from_the_init_message() {
        let kill = Some(Signal::SIGKILL as i32);
        assert_eq!(Ended::of(Some(3), None), Ended::Exited(3));
        assert_eq!(Ended::of(None, kill), Ended::Killed(Signal::SIGKILL));
        assert_eq!(Ended::of(None, None), Ended::Unknown);
        assert_eq!(Ended::of(None, kill).code(), None);
    }

    #[test]
    fn a_workload_end_is_said_in_the_run_language_and_its_status_kept() {
        use crate::i18n::{Lang, with};
        let exited = WorkloadEnd {
            status: "exited 7".into(),
            how: Ended::Exited(7),
        };
        let killed = WorkloadEnd {
            status: "killed by SIGKILL".into(),
            how: Ended::Killed(Signal::SIGKILL),
        };
        assert_eq!(with(Lang::En, || exited.detail(0)), "workload 0: exited 7");
        assert_eq!(
            with(Lang::En, || killed.detail(1)),
            "workload 1: killed by SIGKILL"
        );
        assert_eq!(
            with(Lang::Es, || exited.detail(0)),
            "carga 0: terminó con código 7"
        );
        assert_eq!(
            with(Lang::Es, || killed.detail(1)),
            "carga 1: la mató SIGKILL"
        );
        let odd = WorkloadEnd {
            status: "stopped".into(),
            how: Ended::Unknown,
        };
        assert_eq!(with(Lang::Es, || odd.detail(2)), "carga 2: stopped");
        assert_eq!(killed.status, "killed by SIGKILL");
    }
}
