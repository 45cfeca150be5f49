//! A target run: joining the target's namespaces, and the pid namespace of the attack's
//! own, nested inside the target's, that this init is PID 1 of.

use std::fs::File;

use nix::errno::Errno;
use nix::sched::CloneFlags;
use nix::sys::signal::Signal;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid};

use super::fail;
use crate::sandbox::proto::{self, JoinSpec};
use crate::sys;

/// Joins every namespace of the target at [`proto::FD_TARGET`] at once (setns on a pidfd),
/// then nests the attack's pid namespace in the target's. `None` in the process that goes
/// on as the init; `Some(code)` is the exit code of every other (see
/// [`nest_pid_namespace`]), and of a failed join.
pub(super) fn join_target(
    join: JoinSpec,
    proof: &sys::SingleThreaded,
    status: &mut File,
) -> Option<i32> {
    let Some(target) = sys::take_inherited(proto::FD_TARGET) else {
        return Some(fail(
            status,
            "join the target",
            crate::t!("init-no-target-fd"),
        ));
    };
    // The pid namespace holds the workloads, which this init starts.
    let mut flags = CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWNET
        | CloneFlags::CLONE_NEWUTS
        | CloneFlags::CLONE_NEWIPC
        | CloneFlags::CLONE_NEWCGROUP
        | CloneFlags::CLONE_NEWPID;
    if join.user {
        flags |= CloneFlags::CLONE_NEWUSER;
    }
    if let Err(e) = nix::sched::setns(&target, flags) {
        return Some(fail(
            status,
            "join the target's namespaces",
            crate::t!("child-setns-needs", error = e),
        ));
    }
    drop(target);
    nest_pid_namespace(proof, status)
}

/// A target run: the attack gets a pid namespace of its own, nested inside the target's,
/// and this init (a copy of it) is PID 1 there. Returns `None` in that PID 1, which goes on
/// as the init; the first process only waits for it and returns its exit code.
///
/// Why a nested namespace and not a child subreaper in the target's: the kernel hands an
/// orphan only to a subreaper in the orphan's own pid namespace, so the subreaper would
/// have to be a process inside the target's namespace, and teardown kills it together with
/// everything else (`cgroup.kill`): whatever it had not reaped yet, and it itself, would go
/// to the target's own PID 1 — `sleep` in most containers, which never reaps, so the
/// zombies stay charged to the target's pids.max and `exec` into it fails. PID 1 of a pid
/// namespace is different: when it dies the kernel kills and reaps everything in its
/// namespace itself, so nothing the attack started ever reaches the target's init,
/// however teardown goes. Its parent is the first process (`CLONE_PARENT`), outside the
/// target's namespace, so not even this init's own zombie is left to the target's init.
fn nest_pid_namespace(proof: &sys::SingleThreaded, status: &mut File) -> Option<i32> {
    // The children of this process go into the target's pid namespace; only a process that
    // is in it can make a namespace nested in it.
    match sys::fork(proof) {
        Err(e) => Some(fail(
            status,
            "pid namespace of the attack",
            format!("fork: {e}"),
        )),
        Ok(ForkResult::Child) => {
            // In the target's namespace, for a moment: it clones its sibling and ends.
            let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL);
            match sys::clone_sibling_into_new_pid_ns(proof) {
                Ok(0) => {
                    // PID 1 of the new namespace: it dies with the first process.
                    let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL);
                    None
                }
                Ok(_) => sys::exit_now(0),
                Err(e) => {
                    fail(status, "pid namespace of the attack", format!("clone: {e}"));
                    sys::exit_now(1)
                }
            }
        }
        Ok(ForkResult::Parent { child }) => Some(end_as_the_nested_init_ends(child)),
    }
}

/// In the first process: reaps the helper, then waits for the namespace's PID 1 and returns
/// the exit code to end with, the one it ended with.
fn end_as_the_nested_init_ends(helper: Pid) -> i32 {
    let helper_ok = loop {
        match waitpid(helper, None) {
            Err(Errno::EINTR) => continue,
            Ok(WaitStatus::Exited(_, 0)) => break true,
            _ => break false,
        }
    };
    if !helper_ok {
        return 1;
    }
    loop {
        match waitpid(None::<Pid>, None) {
            Err(Errno::EINTR) => continue,
            Ok(WaitStatus::Exited(_, code)) => break code,
            Ok(WaitStatus::Signaled(_, sig, _)) => break 128 + sig as i32,
            Ok(_) => continue,
            Err(_) => break 1,
        }
    }
}
