//! The workloads: each started at its time after the go (forked, then exec'd with its
//! descriptors in place), and every process of the sandbox reaped until none is left.

use std::collections::HashMap;
use std::ffi::CString;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid};

use super::fail;
use crate::sandbox::proto::{self, InitMsg, Launch};
use crate::sys;
use crate::workloads::command;
use crate::workloads::counters::WORKLOAD_FD;

/// What every workload is started with: the init's counter page and limitlab binary (for
/// the built-in ones), and the proof that the init may fork.
pub(super) struct Launcher<'a> {
    pub(super) counters: Option<&'a OwnedFd>,
    pub(super) exe: Option<&'a OwnedFd>,
    pub(super) proof: &'a sys::SingleThreaded,
    /// The nice value a workload gets back in its own process, before its exec: the fork and
    /// the exec run at the init's -20, the workload at the harness's nice (`None`: the init
    /// did not change its own).
    pub(super) nice: Option<i32>,
}

/// Starts each workload at its time after the go and reaps every process until none is
/// left and none is still to start. `Err` is the init's exit code when SIGCHLD cannot be
/// taken.
pub(super) fn run(
    workloads: &[Launch],
    launcher: &Launcher<'_>,
    status: &mut File,
) -> Result<(), i32> {
    let sigfd = sigchld_fd().map_err(|e| fail(status, "signalfd", e.to_string()))?;
    let mut pending = schedule(workloads, Instant::now());
    let mut running: HashMap<Pid, usize> = HashMap::new();
    loop {
        while pending.last().is_some_and(|(at, _)| *at <= Instant::now()) {
            let (_, index) = pending.pop().expect("checked");
            let msg = launcher.start_reporting(&workloads[index], index, &mut running, status);
            let _ = proto::send(status, &msg);
        }
        let children = reap_ready(status, &mut running);
        if !children && pending.is_empty() {
            return Ok(());
        }
        let next = pending.last().map(|(at, _)| *at);
        wait_for_a_child(&sigfd, next);
    }
}

/// SIGCHLD is taken through a signalfd, so the init can wait for children and for the
/// next delayed start at once. Workloads get the mask cleared before they exec.
fn sigchld_fd() -> nix::Result<SignalFd> {
    let mut chld = SigSet::empty();
    chld.add(Signal::SIGCHLD);
    chld.thread_block()?;
    SignalFd::with_flags(&chld, SfdFlags::SFD_CLOEXEC | SfdFlags::SFD_NONBLOCK)
}

/// When each workload starts, soonest last (they are popped from the end).
fn schedule(workloads: &[Launch], go_at: Instant) -> Vec<(Instant, usize)> {
    let mut pending: Vec<(Instant, usize)> = workloads
        .iter()
        .enumerate()
        .map(|(i, l)| (go_at + Duration::from_millis(l.start_after_ms), i))
        .collect();
    pending.sort();
    pending.reverse();
    pending
}

/// Sleeps until a child ends (SIGCHLD on `sigfd`) or until `next`, the next start.
fn wait_for_a_child(sigfd: &SignalFd, next: Option<Instant>) {
    let timeout = next
        .map(|at| at.saturating_duration_since(Instant::now()))
        .map(|d| PollTimeout::try_from(d).unwrap_or(PollTimeout::MAX))
        .unwrap_or(PollTimeout::NONE);
    let mut fds = [PollFd::new(sigfd.as_fd(), PollFlags::POLLIN)];
    let _ = poll(&mut fds, timeout);
    while let Ok(Some(_)) = sigfd.read_signal() {}
}

impl Launcher<'_> {
    /// Starts workload `index`, adds it to `running`, and says how it went.
    fn start_reporting(
        &self,
        launch: &Launch,
        index: usize,
        running: &mut HashMap<Pid, usize>,
        status: &mut File,
    ) -> InitMsg {
        let forked = |status: &mut File| {
            let mono_ns = proto::mono_ns();
            let _ = proto::send(status, &InitMsg::Forked { index, mono_ns });
        };
        match self.start(launch, || forked(status)) {
            Ok((pid, exec_ns)) => {
                running.insert(pid, index);
                InitMsg::Started {
                    index,
                    pid: pid.as_raw(),
                    mono_ns: exec_ns,
                }
            }
            Err(error) => InitMsg::SpawnFailed {
                index,
                error,
                mono_ns: proto::mono_ns(),
            },
        }
    }

    /// Starts one workload; returns its pid once its exec succeeded. `forked` runs in the
    /// init as soon as the workload's process exists, before its exec is waited for.
    fn start(&self, launch: &Launch, forked: impl FnOnce()) -> Result<(Pid, u64), String> {
        let env = cstrings(&command::environment())?;
        let argv = cstrings(&launch.argv)?;
        let program = if launch.builtin {
            None
        } else {
            Some(command::resolve(&launch.argv[0])?)
        };
        // Exec errors come back on a close-on-exec pipe: EOF means the exec succeeded. Just
        // before it execs, the child writes the time (EXEC_STAMP), because the init itself may
        // read the EOF only much later: a bomb that is already running starves it of CPU
        // (measured: 190 ms after the bomb had filled pids.max = 100).
        let (err_r, err_w) =
            nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| e.to_string())?;
        match sys::fork(self.proof).map_err(|e| format!("fork: {e}"))? {
            ForkResult::Child => {
                if let Some(n) = self.nice {
                    // Raising a nice value needs no privilege.
                    let _ = sys::set_nice(n);
                }
                let mut err_w = File::from(err_w);
                let e = exec_workload(
                    launch.builtin,
                    &argv,
                    &env,
                    program.as_deref(),
                    self.counters,
                    self.exe,
                    &mut err_w,
                );
                let _ = err_w.write_all(e.as_bytes());
                // The child must not return into the init's code.
                sys::exit_now(127)
            }
            ForkResult::Parent { child } => {
                drop(err_w);
                forked();
                let mut reply = Vec::new();
                let _ = File::from(err_r).read_to_end(&mut reply);
                match parse_exec_reply(&reply) {
                    (Some(exec_ns), "") => Ok((child, exec_ns)),
                    (None, "") => Err(crate::t!("child-exec-ended")),
                    (_, error) => {
                        let _ = waitpid(child, None);
                        Err(error.to_string())
                    }
                }
            }
        }
    }
}

/// C strings for exec; interior NULs were rejected when the scenario was planned.
fn cstrings(strings: &[String]) -> Result<Vec<CString>, String> {
    strings
        .iter()
        .map(|s| {
            CString::new(s.as_str())
                .map_err(|_| crate::t!("init-nul-byte", text = format!("{s:?}")))
        })
        .collect()
}

/// Marks the start of the exec time stamp on the exec-error pipe; error text never holds
/// a NUL byte.
const EXEC_STAMP: u8 = 0;

/// Splits what a workload's process wrote on the exec-error pipe into the time it was
/// about to exec (if it got that far) and the error text (empty when the exec succeeded).
fn parse_exec_reply(reply: &[u8]) -> (Option<u64>, &str) {
    let (stamp, text) = match reply.split_first() {
        Some((&EXEC_STAMP, rest)) if rest.len() >= 8 => {
            let (ns, text) = rest.split_at(8);
            (
                Some(u64::from_le_bytes(ns.try_into().expect("8 bytes"))),
                text,
            )
        }
        _ => (None, reply),
    };
    (
        stamp,
        std::str::from_utf8(text).unwrap_or_else(|_| crate::i18n::t_static("init-exec-unreadable")),
    )
}

/// Written by the workload's process right before its exec (see `parse_exec_reply`).
fn exec_stamp(pipe: &mut File) {
    let mut msg = [EXEC_STAMP; 9];
    msg[1..].copy_from_slice(&proto::mono_ns().to_le_bytes());
    let _ = pipe.write_all(&msg);
}

/// In the forked child: puts descriptors in place and execs. Returns only on failure.
fn exec_workload(
    builtin: bool,
    argv: &[CString],
    env: &[CString],
    program: Option<&Path>,
    counters: Option<&OwnedFd>,
    exe: Option<&OwnedFd>,
    stamp: &mut File,
) -> String {
    if let Err(e) = sys::reset_signals_for_exec() {
        return crate::t!("init-reset-signals", error = e);
    }
    if builtin {
        let (Some(counters), Some(exe)) = (counters, exe) else {
            return crate::t!("child-no-counter-page");
        };
        if let Err(e) = sys::place_fd(counters.as_fd(), WORKLOAD_FD) {
            return crate::t!("init-place-counter-page", error = e);
        }
        exec_stamp(stamp);
        match nix::unistd::fexecve(exe.as_fd(), argv, env) {
            Err(Errno::EACCES) => crate::t!("child-exec-denied"),
            Err(e) => format!("exec limitlab: {e}"),
        }
    } else {
        let program = program.expect("resolved before fork");
        let Ok(path) = CString::new(program.as_os_str().as_bytes()) else {
            return crate::t!("init-program-nul");
        };
        exec_stamp(stamp);
        match nix::unistd::execve(&path, argv, env) {
            Err(e) => format!("exec {}: {e}", program.display()),
        }
    }
}

/// Reaps every child that has ended, reporting the workloads' own exits. Returns whether
/// any child is left.
fn reap_ready(status: &mut File, running: &mut HashMap<Pid, usize>) -> bool {
    loop {
        match waitpid(None::<Pid>, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => return true,
            Ok(ws) => {
                let (pid, text, code, signal) = match ws {
                    WaitStatus::Exited(pid, code) => {
                        (pid, format!("exited {code}"), Some(code), None)
                    }
                    WaitStatus::Signaled(pid, sig, _) => {
                        (pid, format!("killed by {sig}"), None, Some(sig as i32))
                    }
                    _ => continue,
                };
                if let Some(index) = running.remove(&pid) {
                    let msg = InitMsg::Exited {
                        index,
                        status: text,
                        code,
                        signal,
                        mono_ns: proto::mono_ns(),
                    };
                    let _ = proto::send(status, &msg);
                }
            }
            Err(Errno::EINTR) => continue,
            Err(_) => return false,
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_reply_separates_the_stamp_from_the_error() {
        let mut ok = vec![EXEC_STAMP];
        ok.extend_from_slice(&1_234_567u64.to_le_bytes());
        assert_eq!(parse_exec_reply(&ok), (Some(1_234_567), ""));

        let mut failed = ok.clone();
        failed.extend_from_slice(b"exec /bin/x: ENOENT");
        assert_eq!(
            parse_exec_reply(&failed),
            (Some(1_234_567), "exec /bin/x: ENOENT")
        );

        assert_eq!(
            parse_exec_reply(b"reset signals: EINVAL"),
            (None, "reset signals: EINVAL")
        );
        assert_eq!(parse_exec_reply(b""), (None, ""));
        // A stamp cut short is not a stamp.
        assert_eq!(parse_exec_reply(&ok[..5]).0, None);
        let unreadable = crate::i18n::with(crate::i18n::Lang::Es, || parse_exec_reply(b"\xff"));
        assert_eq!(
            unreadable,
            (None, "falló el exec (texto de error ilegible)")
        );
    }

    #[test]
    fn a_nul_byte_is_refused_in_the_run_language() {
        use crate::i18n::{Lang, with};
        let argv = ["a\0b".to_string()];
        assert_eq!(
            with(Lang::En, || cstrings(&argv)).unwrap_err(),
            "\"a\\0b\" contains a NUL byte"
        );
        assert_eq!(
            with(Lang::Es, || cstrings(&argv)).unwrap_err(),
            "\"a\\0b\" contiene un byte NUL"
        );
    }
}
