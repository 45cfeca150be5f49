//! The supervisor: a small process that outlives the harness and empties the sandbox's
//! cgroups if the harness dies without tearing down (SIGKILL, a crash, the OOM killer).
//!
//! Killing the sandbox's pid 1 is not enough: under a saturated bomb the init starves and
//! the namespace takes seconds to die. The supervisor is started at the beginning of a run
//! (a fresh `limitlab __supervise` image, in the harness's own cgroups, in a session of its
//! own so a Ctrl-C to the terminal's process group does not reach it). The harness tells it
//! over a pipe which cgroups to watch; when the pipe closes without a goodbye, or the
//! harness has exited or been sent SIGKILL while something still holds the pipe open, the
//! harness is gone, and the supervisor kills every process in those cgroups and removes them.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use nix::errno::Errno;
use nix::unistd::Pid;

use serde::{Deserialize, Serialize};

use crate::sandbox::cgroup;

/// What the harness tells the supervisor, one JSON line each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// A sandbox's cgroup directories exist: empty them if the harness dies.
    Watch(Vec<PathBuf>),
    /// Teardown removed them.
    Forget(Vec<PathBuf>),
    /// A run changed a runtime's own limit (see [`crate::sandbox::lxd`]): put it back if the harness
    /// dies before it does.
    Restore(crate::sandbox::lxd::Restore),
    /// The run put it back.
    Restored(crate::sandbox::lxd::Restore),
    /// The harness is ending normally.
    Bye,
}

/// The harness's handle on its supervisor.
pub struct Supervisor {
    orders: Mutex<Option<File>>,
    child: Mutex<Option<Child>>,
}

impl Supervisor {
    /// Starts `limitlab __supervise`.
    pub fn spawn() -> io::Result<Supervisor> {
        let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let child = Command::new("/proc/self/exe")
            .arg("__supervise")
            // It speaks the harness's language (`--lang`), not only the locale's.
            .env(crate::i18n::LANG_ENV, crate::i18n::current().code())
            .env(HARNESS_ENV, std::process::id().to_string())
            .stdin(Stdio::from(r))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()?;
        Ok(Supervisor {
            orders: Mutex::new(Some(File::from(w))),
            child: Mutex::new(Some(child)),
        })
    }

    fn send(&self, order: &Order) -> io::Result<()> {
        let mut line = serde_json::to_vec(order)?;
        line.push(b'\n');
        match self.orders.lock().ok().as_mut().and_then(|o| o.as_mut()) {
            Some(f) => f.write_all(&line),
            None => Err(io::Error::other(crate::t!("supervisor-ended"))),
        }
    }

    /// Asks the supervisor to empty these cgroups should the harness die.
    pub fn watch(&self, dirs: &[PathBuf]) -> io::Result<()> {
        self.send(&Order::Watch(dirs.to_vec()))
    }

    /// Asks the supervisor to put a runtime's limit back should the harness die.
    pub fn restore(&self, r: &crate::sandbox::lxd::Restore) -> io::Result<()> {
        self.send(&Order::Restore(r.clone()))
    }

    /// The run put it back itself.
    pub fn restored(&self, r: &crate::sandbox::lxd::Restore) -> io::Result<()> {
        self.send(&Order::Restored(r.clone()))
    }

    /// Teardown is done with these cgroups.
    pub fn forget(&self, dirs: &[PathBuf]) {
        let _ = self.send(&Order::Forget(dirs.to_vec()));
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        let _ = self.send(&Order::Bye);
        if let Ok(mut o) = self.orders.lock() {
            o.take();
        }
        if let Some(mut c) = self.child.lock().ok().and_then(|mut c| c.take()) {
            let _ = c.wait();
        }
    }
}

/// `limitlab __supervise`: reads orders on stdin until a goodbye or the harness's end.
pub fn main() -> i32 {
    use nix::sys::signal::Signal;
    // Its own session: the terminal's Ctrl-C and a kill of the harness's process group pass
    // it by; the harness's own signals are handled by the harness.
    let _ = nix::unistd::setsid();
    for sig in [
        Signal::SIGINT,
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGPIPE,
    ] {
        let _ = crate::sys::ignore_signal(sig);
    }
    let harness = Harness::parent(
        std::env::var(HARNESS_ENV)
            .ok()
            .and_then(|p| p.parse().ok())
            .map_or_else(nix::unistd::getppid, Pid::from_raw),
    );
    let mut watched: Vec<Vec<PathBuf>> = Vec::new();
    let mut restores: Vec<crate::sandbox::lxd::Restore> = Vec::new();
    let said_bye = read_orders(io::stdin().as_fd(), &harness, |order| match order {
        Order::Watch(dirs) => watched.push(dirs),
        Order::Forget(dirs) => watched.retain(|w| *w != dirs),
        Order::Restore(r) => restores.push(r),
        Order::Restored(r) => restores.retain(|x| *x != r),
        Order::Bye => {}
    });
    if said_bye {
        return 0;
    }
    // No goodbye: the harness is gone.
    for dirs in &watched {
        let c = cgroup::emergency_teardown(dirs);
        let name = dirs
            .first()
            .and_then(|d| d.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        eprintln!("{}", emptied(&name, c.killed, c.left, c.stuck.len()));
    }
    // Then the runtime limits the run changed: the workload is gone first.
    for r in &restores {
        match r.undo() {
            Ok(()) => {
                r.note_restored_by(crate::sandbox::lxd::Restorer::Supervisor);
                eprintln!(
                    "{}",
                    crate::t!("supervisor-restored", key = r.key, instance = r.instance)
                );
            }
            Err(e) => eprintln!(
                "{}",
                crate::t!(
                    "supervisor-not-restored",
                    key = r.key,
                    instance = r.instance,
                    error = e
                )
            ),
        }
    }
    0
}

/// Where the harness gives the supervisor its pid.
const HARNESS_ENV: &str = "LIMITLAB_SUPERVISED_HARNESS";

/// How often the supervisor looks at the harness itself while its pipe is quiet.
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// The process that started the supervisor, watched beside its pipe.
struct Harness {
    pid: Pid,
    /// Readable once the whole process has exited (`pidfd_open(2)`); none where the kernel
    /// has no pidfds.
    exited: Option<OwnedFd>,
    /// It had died before the supervisor looked: this process has another parent already.
    gone: bool,
}

impl Harness {
    fn watch(pid: Pid) -> Harness {
        Harness {
            pid,
            exited: crate::sys::pidfd_open(pid.as_raw()).ok(),
            gone: false,
        }
    }

    /// The harness `pid` that started this process. Its pidfd is opened before the parent
    /// is checked, so it cannot be another process's: a pid is reused only once reaped, and a
    /// child is given another parent before that.
    fn parent(pid: Pid) -> Harness {
        let mut h = Harness::watch(pid);
        h.gone = nix::unistd::getppid() != pid;
        h
    }

    /// Whether it has been sent SIGKILL and has not died of it yet: nothing blocks or
    /// ignores that signal, but a thread the kernel holds asleep (in a frozen cgroup, in an
    /// uninterruptible wait) keeps the process, and its descriptors, alive meanwhile. (The
    /// kernel also marks SIGKILL pending when a thread other than the main one execs; the
    /// harness never execs itself.)
    fn killed(&self) -> bool {
        const SIGKILL: u64 = 1 << (nix::sys::signal::Signal::SIGKILL as u64 - 1);
        procfs::process::Process::new(self.pid.as_raw())
            .and_then(|p| p.status())
            .is_ok_and(|s| (s.sigpnd | s.shdpnd) & SIGKILL != 0)
    }
}

/// Orders arriving in pieces, handed on a line at a time.
struct Lines {
    pending: Vec<u8>,
    chunk: [u8; 4096],
}

impl Lines {
    /// Reads once from `pipe` (which has something to read) and hands on each complete
    /// line's order. `Some(true)` for a goodbye, `Some(false)` at the pipe's end, else none.
    fn read(&mut self, pipe: BorrowedFd<'_>, order: &mut impl FnMut(Order)) -> Option<bool> {
        let n = match nix::unistd::read(pipe, &mut self.chunk) {
            Ok(n) => n,
            Err(Errno::EINTR) => return None,
            Err(_) => 0,
        };
        if n == 0 {
            return Some(false);
        }
        self.pending.extend_from_slice(&self.chunk[..n]);
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            match serde_json::from_slice::<Order>(&line[..end]) {
                Ok(Order::Bye) => return Some(true),
                Ok(o) => order(o),
                Err(_) => {}
            }
        }
        None
    }
}

/// Hands each order on `pipe` to `order` until a goodbye (true) or until the harness is
/// gone (false): its end of the pipe closed, it exited, or it was killed. A killed harness's
/// descriptors, the pipe among them, close only when its last thread has died and when no
/// copy of them is left: a child it had just forked holds copies until it execs or exits. Its
/// sandbox is emptied at once all the same, with every order it sent before it went.
fn read_orders(pipe: BorrowedFd<'_>, harness: &Harness, mut order: impl FnMut(Order)) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let mut lines = Lines {
        pending: Vec::new(),
        chunk: [0; 4096],
    };
    // Once the harness is gone, what the pipe holds already is read without waiting.
    let mut wait = if harness.gone {
        PollTimeout::ZERO
    } else {
        PollTimeout::try_from(LOOK_EVERY).expect("a short timeout")
    };
    loop {
        let mut fds = vec![PollFd::new(pipe, PollFlags::POLLIN)];
        fds.extend(
            harness
                .exited
                .as_ref()
                .map(|fd| PollFd::new(fd.as_fd(), PollFlags::POLLIN)),
        );
        let woken = match poll(&mut fds, wait) {
            Ok(n) => n > 0,
            Err(Errno::EINTR) => continue,
            // Out of memory for a moment, say: look again as after a quiet interval.
            Err(_) => {
                std::thread::sleep(LOOK_EVERY);
                false
            }
        };
        let ready = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
        if ready(&fds[0]) {
            if let Some(bye) = lines.read(pipe, &mut order) {
                return bye;
            }
        } else if wait == PollTimeout::ZERO {
            return false;
        } else if fds.get(1).is_some_and(ready) || (!woken && harness.killed()) {
            wait = PollTimeout::ZERO;
        }
    }
}

/// What the supervisor says of a sandbox it emptied: `killed` processes killed, `left` left,
/// `stuck` cgroups not removed.
fn emptied(name: &str, killed: usize, left: usize, stuck: usize) -> String {
    crate::t!(
        "supervisor-emptied",
        name = name,
        killed = crate::i18n::count(killed).ungrouped(),
        left = left,
        stuck = crate::i18n::count(stuck).ungrouped()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_it_emptied_is_said_in_the_run_language() {
        use crate::i18n::{Lang, with};
        assert_eq!(
            with(Lang::En, || emptied("limitlab.9.0", 1, 0, 0)),
            "limitlab supervisor: the harness died; sandbox limitlab.9.0: killed 1 process, 0 left, 0 cgroups not removed"
        );
        assert_eq!(
            with(Lang::En, || emptied("limitlab.9.0", 5, 2, 1)),
            "limitlab supervisor: the harness died; sandbox limitlab.9.0: killed 5 processes, 2 left, 1 cgroup not removed"
        );
        assert_eq!(
            with(Lang::Es, || emptied("limitlab.9.0", 1, 0, 2)),
            "supervisor de limitlab: el arnés murió; sandbox limitlab.9.0: 1 proceso matado, quedaron 0, 2 cgroups sin eliminar"
        );
        assert_eq!(
            with(Lang::Es, || emptied("limitlab.9.0", 5, 2, 1)),
            "supervisor de limitlab: el arnés murió; sandbox limitlab.9.0: 5 procesos matados, quedaron 2, 1 cgroup sin eliminar"
        );
    }

    #[test]
    fn orders_are_json_lines() {
        let o = Order::Watch(vec!["/sys/fs/cgroup/pids/limitlab.1.0".into()]);
        let line = serde_json::to_string(&o).unwrap();
        assert_eq!(line, r#"{"watch":["/sys/fs/cgroup/pids/limitlab.1.0"]}"#);
        assert_eq!(serde_json::from_str::<Order>(&line).unwrap(), o);
        assert_eq!(serde_json::to_string(&Order::Bye).unwrap(), r#""bye""#);
    }

    #[test]
    fn orders_are_read_until_a_goodbye_the_pipe_s_end_or_the_harness_s_end() {
        let me = Harness::watch(nix::unistd::getpid());
        let watch = Order::Watch(vec!["/a".into()]);
        let read = |bytes: &[u8], close: bool, harness: &Harness| {
            let (r, w) = nix::unistd::pipe().unwrap();
            let mut w = File::from(w);
            w.write_all(bytes).unwrap();
            let kept = (!close).then_some(w);
            let mut got = Vec::new();
            let bye = read_orders(r.as_fd(), harness, |o| got.push(o));
            drop(kept);
            (bye, got)
        };
        // An order, a line that is none, then a goodbye: what follows it is not read.
        let text = b"{\"watch\":[\"/a\"]}\nnot json\n\"bye\"\n{\"forget\":[]}\n";
        assert_eq!(read(text, false, &me), (true, vec![watch.clone()]));
        // The pipe's end without a goodbye.
        assert_eq!(read(&text[..17], true, &me), (false, vec![watch.clone()]));
        assert!(!me.killed());
        // The pipe still open, but the harness has exited (a zombie, not yet reaped).
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let exited = Harness::watch(Pid::from_raw(child.id() as i32));
        assert!(exited.exited.is_some(), "this kernel has pidfds");
        assert_eq!(
            read(&text[..17], false, &exited),
            (false, vec![watch.clone()])
        );
        let _ = child.wait();
        // Reaped, and its pid perhaps someone else's: the pidfd still says it exited.
        assert_eq!(
            read(&text[..17], false, &exited),
            (false, vec![watch.clone()])
        );
        // Gone before the supervisor looked: what it had sent is read all the same, a
        // goodbye among it.
        let gone = Harness {
            gone: true,
            ..Harness::watch(nix::unistd::getpid())
        };
        assert_eq!(
            read(&text[..17], false, &gone),
            (false, vec![watch.clone()])
        );
        assert_eq!(read(text, false, &gone), (true, vec![watch]));
    }
}
