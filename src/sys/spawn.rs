//! What the sandbox init's clone is given, prepared before the clone, and what it answers
//! with: the byte that releases it, and the exit statuses it ends with when it cannot get
//! as far as its exec. The clone itself, and the child's code, are `super::spawn_init`.
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
}

impl Prepared {
    /// The pointers borrow `req`'s strings, which outlive the clone.
    pub(super) fn new(req: &InitSpawn<'_>) -> Prepared {
        Prepared {
            argv: null_terminated(req.argv),
            env: null_terminated(req.env),
            fds: req.fds.iter().map(|f| f.as_raw_fd()).collect(),
            exe_slot: req.exe_at,
            join: req.join.iter().map(|p| p.as_ptr()).collect(),
        }
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
