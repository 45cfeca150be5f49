//! The attempts on other processes and on its own privileges: signal or ptrace what lies
//! outside the sandbox, see the host's /proc, raise a hard rlimit, become root.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::sys::signal::{SIGKILL, kill};
use nix::unistd::{ForkResult, Pid, Uid};

use super::Outcome::{self, Blocked, Escaped};
use super::number;
use crate::sys::{self, SingleThreaded};
use crate::t;

fn own_pids() -> Vec<i32> {
    fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn pid_max() -> i32 {
    fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(32768)
}

/// `kill-host`: signal any process outside the sandbox (every pid up to pid_max).
pub(super) fn kill_host() -> Outcome {
    let mine = own_pids();
    let mut tried = 0;
    for pid in 2..=pid_max() {
        if mine.contains(&pid) {
            continue;
        }
        tried += 1;
        // Signal 0 only asks whether the pid could be signalled; ESRCH means invisible.
        match kill(Pid::from_raw(pid), None) {
            Err(Errno::ESRCH) => {}
            Ok(()) => return Escaped(t!("escape-pid-signalled", pid = pid)),
            Err(e) => return Escaped(t!("escape-pid-exists", pid = pid, error = e)),
        }
    }
    Blocked(t!("escape-no-pid-exists", n = number(tried)))
}

/// `host-proc`: see host processes in /proc.
pub(super) fn host_proc() -> Outcome {
    let init = fs::read("/proc/1/cmdline").unwrap_or_default();
    let init = String::from_utf8_lossy(&init).replace('\0', " ");
    let n = own_pids().len();
    if !init.starts_with("limitlab __init") {
        return Escaped(t!("escape-proc-shows-host", init = format!("{init:?}")));
    }
    Blocked(t!("escape-proc-own", n = number(n)))
}

/// `ptrace`: ptrace the sandbox init and pids outside the sandbox.
pub(super) fn ptrace() -> Outcome {
    let init = Pid::from_raw(1);
    if nix::sys::ptrace::attach(init).is_ok() {
        let _ = nix::sys::ptrace::detach(init, None);
        return Escaped(t!("escape-ptrace-init"));
    }
    let mine = own_pids();
    let outside = (2..pid_max()).find(|p| !mine.contains(p)).unwrap_or(2);
    match nix::sys::ptrace::attach(Pid::from_raw(outside)) {
        Ok(()) => Escaped(t!("escape-ptrace-outside", pid = outside)),
        Err(e) => Blocked(t!("escape-ptrace-blocked", pid = outside, error = e)),
    }
}

/// `rlimit-raise`: raise its own hard RLIMIT_NOFILE.
pub(super) fn rlimit_raise() -> Outcome {
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return Blocked(t!("escape-getrlimit-failed"));
    };
    match setrlimit(Resource::RLIMIT_NOFILE, soft, hard.saturating_add(1)) {
        Ok(()) => Escaped(t!("escape-rlimit-raised", hard = hard)),
        Err(e) => Blocked(t!(
            "escape-rlimit-blocked",
            hard = hard,
            raised = hard.saturating_add(1),
            error = e
        )),
    }
}

/// The first setuid-root program that waits on its stdin, so its uid can be read while it
/// runs.
fn setuid_program() -> Option<PathBuf> {
    [
        "/usr/bin/passwd",
        "/usr/bin/chsh",
        "/usr/bin/chfn",
        "/bin/su",
        "/usr/bin/su",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| {
        fs::metadata(p).is_ok_and(|m| {
            use std::os::unix::fs::MetadataExt;
            m.permissions().mode() & 0o4000 != 0 && m.uid() == 0
        })
    })
}

/// `setuid`: become root: setuid(0), and exec a setuid-root binary.
pub(super) fn setuid(proof: &SingleThreaded) -> Outcome {
    if nix::unistd::setuid(Uid::from_raw(0)).is_ok() {
        return Escaped(t!("escape-setuid-ok"));
    }
    let Some(program) = setuid_program() else {
        return Blocked(t!("escape-setuid-no-program"));
    };
    // Exec it with a stdin that never delivers, and read its effective uid while it waits.
    let (stdin_r, stdin_w) = match nix::unistd::pipe() {
        Ok(p) => p,
        Err(e) => return Blocked(format!("setuid(0): EPERM; pipe: {e}")),
    };
    let child = match sys::fork(proof) {
        Err(e) => return Blocked(format!("setuid(0): EPERM; fork: {e}")),
        Ok(ForkResult::Child) => {
            let _ = sys::place_fd(std::os::fd::AsFd::as_fd(&stdin_r), 0);
            // Its prompts are not this workload's report.
            if let Ok(null) = fs::OpenOptions::new().write(true).open("/dev/null") {
                let _ = sys::place_fd(std::os::fd::AsFd::as_fd(&null), 1);
                let _ = sys::place_fd(std::os::fd::AsFd::as_fd(&null), 2);
            }
            let path =
                std::ffi::CString::new(program.as_os_str().as_encoded_bytes()).expect("no NUL");
            let _ = nix::unistd::execv(&path, std::slice::from_ref(&path));
            sys::exit_now(127)
        }
        Ok(ForkResult::Parent { child }) => child,
    };
    drop(stdin_r);
    std::thread::sleep(Duration::from_millis(300));
    let status = fs::read_to_string(format!("/proc/{child}/status")).unwrap_or_default();
    let _ = kill(child, SIGKILL);
    let _ = nix::sys::wait::waitpid(child, None);
    drop(stdin_w);
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|u| u.split_whitespace().nth(1))
        .map(str::to_string);
    match euid.as_deref() {
        Some("0") => Escaped(t!("escape-setuid-root", program = program.display())),
        Some(u) => Blocked(t!(
            "escape-setuid-blocked",
            program = program.display(),
            uid = u
        )),
        None => Blocked(t!("escape-setuid-ended", program = program.display())),
    }
}
