//! What the sandbox init's clone is given, prepared before the clone, and what it answers
//! with: the byte that releases it, and the exit statuses it ends with when it cannot get
//! as far as its exec. The clone itself, and the child's code, are `super::spawn_init`.
//!
//! The clone becomes the init in one of two ways. Where the harness has one thread at the
//! clone ([`Here`]), the child is a whole copy of it, safe to run any code in, and it runs
//! the init's code itself, left as an exec would have left it (see `super::run_here`).
//! Otherwise, or where the kernel does not give what that needs, it execs `limitlab __init`.
//! The exec costs a whole process start: 1.0-1.6 ms of a 3.6-4.6 ms sandbox start on an
//! Intel host where each start of glibc pays for its trapped `cpuid`s (BENCHMARKS.md).
#![deny(unsafe_code)]

use std::ffi::CString;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};

/// Everything the sandbox init's clone needs, prepared before the clone (the child may
/// only make async-signal-safe calls until it execs).
pub struct InitSpawn<'a> {
    /// Namespace flags (`CLONE_NEW*`).
    pub flags: nix::sched::CloneFlags,
    /// A cgroup2 directory to start the child in (`CLONE_INTO_CGROUP`).
    pub cgroup: Option<BorrowedFd<'a>>,
    /// The limitlab binary, executed with `execveat(AT_EMPTY_PATH)`.
    pub exe: BorrowedFd<'a>,
    pub argv: &'a [CString],
    pub env: &'a [CString],
    /// Descriptors placed at 0, 1, 2, ... in the child, in order.
    pub fds: &'a [BorrowedFd<'a>],
    /// Which of them is the exe (its number in the child).
    pub exe_at: RawFd,
    /// cgroup v1 `tasks` files the child writes `0` into once released, before it execs:
    /// it moves itself (see [`JOIN_FAILED`]).
    pub join: &'a [CString],
    /// The init's code, run in the clone itself when this process has one thread; its
    /// return value is the init's exit status. `None`: always exec.
    pub here: Option<fn() -> i32>,
}

/// The child's exit status when it could not place its descriptors at 0, 1, 2, ...
/// (`dup2` failed).
pub const FDS_NOT_PLACED: i32 = 70;

/// The child's exit status when fd 3 ended, or brought another byte, before [`JOINED`]:
/// the harness did not release it.
pub const NOT_RELEASED: i32 = 71;

/// The child's exit status when its `execveat` of limitlab failed.
pub const EXEC_FAILED: i32 = 72;

/// The child's exit status when it could not move itself into one of its cgroups.
pub const JOIN_FAILED: i32 = 73;

/// The child blocks on fd 3 until it reads this byte: the parent has put it in its cgroup2
/// directory (if it was not cloned there); the child then joins its v1 cgroups itself.
pub const JOINED: u8 = b'J';

/// An [`InitSpawn`] as the child reads it: NULL-terminated pointer arrays and raw
/// descriptor numbers, all allocated before the clone, so the child allocates nothing.
pub(super) struct Prepared {
    pub(super) argv: Vec<*const libc::c_char>,
    pub(super) env: Vec<*const libc::c_char>,
    pub(super) fds: Vec<RawFd>,
    pub(super) exe_slot: RawFd,
    pub(super) join: Vec<*const libc::c_char>,
    pub(super) here: Option<Here>,
}

impl Prepared {
    /// The pointers borrow `req`'s strings, which outlive the clone. `tid` is where glibc
    /// keeps the calling thread's id (`PR_GET_TID_ADDRESS`), if the kernel tells.
    pub(super) fn new(req: &InitSpawn<'_>, tid: Option<usize>) -> Prepared {
        Prepared {
            argv: null_terminated(req.argv),
            env: null_terminated(req.env),
            fds: req.fds.iter().map(|f| f.as_raw_fd()).collect(),
            exe_slot: req.exe_at,
            join: req.join.iter().map(|p| p.as_ptr()).collect(),
            here: req.here.zip(tid).and_then(|(main, tid)| {
                let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
                Here::from_stat(&stat, main, tid)
            }),
        }
    }
}

/// The command line `/proc/<init>/cmdline` shows, as the exec'd init's: what the sandbox
/// sees as its PID 1.
pub(super) const INIT_CMDLINE: &[u8] = b"limitlab\0__init\0";

/// What the clone needs to run the init's code itself, taken from `/proc/self/stat` just
/// before the clone: only when that shows one thread (the proof that the copy holds no
/// lock another thread took), and an argument area that can hold [`INIT_CMDLINE`].
pub(super) struct Here {
    pub(super) main: fn() -> i32,
    /// glibc's copy of the thread id, which the child sets to its own as `fork()` does.
    pub(super) tid: usize,
    /// The argument strings (`arg_start..arg_end`): rewritten to [`INIT_CMDLINE`].
    pub(super) args: (usize, usize),
    /// The environment strings (`env_start..env_end`): zeroed, so the harness's
    /// environment is not in the init; the init gets `InitSpawn::env`, as by exec.
    pub(super) env: (usize, usize),
}

impl Here {
    fn from_stat(stat: &str, main: fn() -> i32, tid: usize) -> Option<Here> {
        // The fields after the command name, which is in parentheses and may hold any byte.
        let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
        // `proc_pid_stat(5)` numbers them from 1 with the pid; fields[0] is field 3.
        let field = |n: usize| fields.get(n - 3)?.trim().parse::<usize>().ok();
        let (threads, args, env) = (
            field(20)?,
            (field(48)?, field(49)?),
            (field(50)?, field(51)?),
        );
        let fits = args.1.checked_sub(args.0)? >= INIT_CMDLINE.len();
        (threads == 1 && fits && env.1 >= env.0).then_some(Here {
            main,
            tid,
            args,
            env,
        })
    }
}

/// `strings` as the pointer array `execve` reads: each one's bytes, then NULL.
fn null_terminated(strings: &[CString]) -> Vec<*const libc::c_char> {
    strings
        .iter()
        .map(|a| a.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Here;

    fn main() -> i32 {
        0
    }

    /// `/proc/<pid>/stat` of a process with `threads` threads and the given areas; its
    /// command name holds a space and a parenthesis, as any may.
    fn stat(threads: usize, args: (usize, usize), env: (usize, usize)) -> String {
        let mut f: Vec<String> = (3..=52).map(|_| "0".to_string()).collect();
        f[20 - 3] = threads.to_string();
        [f[48 - 3], f[49 - 3]] = [args.0.to_string(), args.1.to_string()];
        [f[50 - 3], f[51 - 3]] = [env.0.to_string(), env.1.to_string()];
        format!("4242 (lim (x) lab) {}\n", f.join(" "))
    }

    #[test]
    fn the_init_runs_in_its_clone_only_for_one_thread_and_room_for_its_command_line() {
        let here = Here::from_stat(&stat(1, (100, 140), (140, 900)), main, 7).unwrap();
        assert_eq!((here.args, here.env, here.tid), ((100, 140), (140, 900), 7));
        // A second thread might hold a lock the copy would wait on forever.
        assert!(Here::from_stat(&stat(2, (100, 140), (140, 900)), main, 7).is_none());
        // `ll exec -- x` leaves no room for "limitlab\0__init\0".
        assert!(Here::from_stat(&stat(1, (100, 113), (113, 900)), main, 7).is_none());
        assert!(Here::from_stat("4242 (limitlab) R 1", main, 7).is_none());
    }

    #[test]
    fn this_process_areas_are_read_from_its_own_stat() {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
        // The test harness runs tests on threads of their own: never one thread here.
        assert!(Here::from_stat(&stat, main, 7).is_none());
        let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
        let (a, b): (usize, usize) = (fields[45].parse().unwrap(), fields[46].parse().unwrap());
        let cmdline = std::fs::read("/proc/self/cmdline").unwrap();
        assert_eq!(
            b - a,
            cmdline.len(),
            "arg_start..arg_end is the command line"
        );
    }
}
