//! Every `unsafe` block and raw syscall of limitlab lives here, each with a `SAFETY:` line.
//! Everything else is safe Rust built on these wrappers and on nix. Its child modules hold
//! safe code only (`deny(unsafe_code)`): `abi`, the kernel's structs and numbers libc
//! lacks, `proof`, the proof that a fork is sound, and `spawn`, what the sandbox init's
//! clone is given and the exit statuses it answers with; what callers use of them is
//! re-exported here.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::io;
use std::num::NonZeroUsize;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::ptr::NonNull;
use std::sync::atomic::AtomicU64;

use nix::errno::Errno;
use nix::sys::mman::{MapFlags, ProtFlags};
use nix::unistd::{ForkResult, Pid};

mod abi;
mod proof;
mod signals;
mod spawn;

use abi::{AT_RECURSIVE, CLONE_INTO_CGROUP, CapHeader, MountAttr, NO_CAPABILITIES};
pub use abi::{MOUNT_ATTR_NODEV, MOUNT_ATTR_NOSUID, MOUNT_ATTR_RDONLY};
pub use proof::SingleThreaded;
pub use signals::stop_signal;
pub use spawn::{EXEC_FAILED, FDS_NOT_PLACED, InitSpawn, JOIN_FAILED, JOINED, NOT_RELEASED};
use spawn::{INIT_CMDLINE, Prepared};

// ---------------------------------------------------------------------------------------
// Shared mappings: a page of counters shared between the harness and the workloads (a
// memfd), and an unlinked tmpfs file a memory hog touches.

/// A shared read-write mapping of a whole file, unmapped when dropped.
struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

impl Mapping {
    fn shared(fd: impl AsFd, len: usize) -> io::Result<Mapping> {
        let nz = NonZeroUsize::new(len).ok_or_else(|| io::Error::other("empty mapping"))?;
        // SAFETY: a fresh shared mapping; no Rust reference aliases it (its users reach it
        // only through atomics or volatile writes), and Drop unmaps exactly it.
        let ptr = unsafe {
            nix::sys::mman::mmap(
                None,
                nz,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_SHARED,
                fd,
                0,
            )
        }?;
        Ok(Mapping {
            ptr: ptr.cast(),
            len,
        })
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the region mapped in `shared`; no borrow of it outlives self.
        let _ = unsafe { nix::sys::mman::munmap(self.ptr.cast(), self.len) };
    }
}

/// A shared mapping of `u64` counters, used only through atomics.
pub struct SharedPage(Mapping);

// SAFETY: the mapping is only ever accessed through `AtomicU64`, which is Sync; the pointer
// stays valid until Drop unmaps it.
unsafe impl Send for SharedPage {}
// SAFETY: as above.
unsafe impl Sync for SharedPage {}

impl SharedPage {
    /// Creates a zeroed memfd of `bytes` and maps it shared; returns the mapping and the fd
    /// to hand to other processes.
    pub fn create(bytes: usize) -> io::Result<(SharedPage, OwnedFd)> {
        let fd = nix::sys::memfd::memfd_create(
            c"limitlab-counters",
            nix::sys::memfd::MFdFlags::MFD_CLOEXEC,
        )?;
        nix::unistd::ftruncate(&fd, bytes as libc::off_t)?;
        let page = SharedPage::map(fd.as_fd())?;
        Ok((page, fd))
    }

    /// Maps an existing counter memfd (in a workload).
    pub fn map(fd: BorrowedFd<'_>) -> io::Result<SharedPage> {
        let bytes = nix::sys::stat::fstat(fd)?.st_size as usize;
        Ok(SharedPage(Mapping::shared(fd, bytes)?))
    }

    pub fn words(&self) -> &[AtomicU64] {
        // SAFETY: the mapping is page-aligned, zero-initialised by the kernel, read and
        // written only as atomics, and lives as long as `self`.
        unsafe { std::slice::from_raw_parts(self.0.ptr.as_ptr().cast(), self.0.len / 8) }
    }
}

/// An unlinked file in a tmpfs, mapped shared: its pages are page cache charged to the
/// cgroup of whoever touches them, and they count in the toucher's RSS (so the OOM killer
/// sees whom to pick).
pub struct SharedFileMap {
    map: Mapping,
    _file: std::fs::File,
}

impl SharedFileMap {
    /// Creates an unnamed file of `len` bytes in `dir` (O_TMPFILE) and maps it; no page is
    /// allocated until it is touched.
    pub fn create_unlinked(dir: &std::path::Path, len: usize) -> io::Result<SharedFileMap> {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_TMPFILE)
            .open(dir)?;
        file.set_len(len as u64)?;
        let map = Mapping::shared(&file, len)?;
        Ok(SharedFileMap { map, _file: file })
    }

    /// Writes one byte at `offset` (allocating its page). Offsets past the end are ignored.
    pub fn touch(&mut self, offset: usize) {
        if offset < self.map.len {
            // SAFETY: offset is inside the mapping, which lives as long as self; a volatile
            // write of a byte creates no reference.
            unsafe { self.map.ptr.as_ptr().add(offset).write_volatile(0xA5) };
        }
    }
}

// ---------------------------------------------------------------------------------------
// fork, only where it is sound: in a process with one thread.

/// `fork()` in a single-threaded process.
pub fn fork(_proof: &SingleThreaded) -> nix::Result<ForkResult> {
    // SAFETY: the process has one thread (the caller holds the proof and starts none), so the
    // child inherits no lock held by another thread and may run any code.
    unsafe { nix::unistd::fork() }
}

/// In a process whose children go into another pid namespace than its own (after `setns`
/// into a target's): a fork-like clone into a new pid namespace nested inside that one,
/// whose child is this process's sibling (`CLONE_PARENT`), so it is PID 1 there and its
/// parent is this process's parent. Returns 0 in the child, its pid (as this process sees
/// it) in the caller.
pub fn clone_sibling_into_new_pid_ns(_proof: &SingleThreaded) -> io::Result<i32> {
    // SAFETY: a NULL stack makes clone fork-like, and the process has one thread (the caller
    // holds the proof), so the child inherits no lock held by another thread.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_clone,
            (libc::CLONE_PARENT | libc::CLONE_NEWPID) as u64,
            0usize,
            0usize,
            0usize,
            0usize,
        )
    };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(ret as i32)
}

// ---------------------------------------------------------------------------------------
// Spawning the sandbox init with clone3 / clone.

/// Clones the sandbox init. The child sets `PR_SET_PDEATHSIG`, moves its descriptors into
/// place, closes every other one, waits for [`JOINED`] on fd 3, joins its v1 cgroups, and
/// runs the init there (`InitSpawn::here`) or execs limitlab. Returns the child's pid and
/// whether it was cloned straight into the cgroup.
pub fn spawn_init(req: &InitSpawn<'_>) -> io::Result<(Pid, bool)> {
    let mut tid: *mut libc::c_int = std::ptr::null_mut();
    // SAFETY: PR_GET_TID_ADDRESS writes one pointer into `tid`, which we own.
    let known = unsafe { libc::prctl(libc::PR_GET_TID_ADDRESS, &mut tid) } == 0 && !tid.is_null();
    let prepared = Prepared::new(req, known.then_some(tid as usize));
    let flags = req.flags.bits() as u64;
    if let Some(cg) = req.cgroup
        && let Some(pid) = clone3_into_cgroup(flags, cg, &prepared)?
    {
        return Ok((pid, true));
    }
    // SAFETY: as in clone3_into_cgroup; a NULL stack makes clone fork-like.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_clone,
            flags | libc::SIGCHLD as u64,
            0usize,
            0usize,
            0usize,
            0usize,
        )
    };
    if ret == 0 {
        child(&prepared);
    }
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((Pid::from_raw(ret as i32), false))
}

/// clone3 straight into the cgroup2 directory `cg`; `None` where the kernel has no clone3
/// (ENOSYS) or no CLONE_INTO_CGROUP (E2BIG/EINVAL), so that a plain clone is tried.
fn clone3_into_cgroup(flags: u64, cg: BorrowedFd<'_>, p: &Prepared) -> io::Result<Option<Pid>> {
    // SAFETY: clone_args is a plain C struct; all-zero is its "no options" value.
    let mut args: libc::clone_args = unsafe { std::mem::zeroed() };
    args.flags = flags | CLONE_INTO_CGROUP;
    args.exit_signal = libc::SIGCHLD as u64;
    args.cgroup = cg.as_raw_fd() as u64;
    // SAFETY: clone3 without a stack behaves like fork: the child gets a copy of this
    // address space and continues here with ret == 0, where it only calls `child`, which
    // makes async-signal-safe syscalls and then execs or exits.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_clone3,
            &mut args as *mut libc::clone_args,
            std::mem::size_of::<libc::clone_args>(),
        )
    };
    if ret == 0 {
        child(p);
    }
    if ret > 0 {
        return Ok(Some(Pid::from_raw(ret as i32)));
    }
    match Errno::last() {
        Errno::ENOSYS | Errno::E2BIG | Errno::EINVAL => Ok(None),
        e => Err(e.into()),
    }
}

/// Runs in the cloned child: async-signal-safe syscalls only, until `run_here` or the exec.
fn child(p: &Prepared) -> ! {
    // SAFETY: every call is a raw syscall on values prepared before the clone; nothing
    // allocates or takes a lock, so the copy of a multi-threaded parent is safe to run.
    unsafe {
        // Die with the harness's spawning thread, from the first instruction on.
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
        // Source fds are high CLOEXEC duplicates, so no target overwrites a source.
        for (target, &src) in p.fds.iter().enumerate() {
            if libc::dup2(src, target as RawFd) < 0 {
                libc::_exit(FDS_NOT_PLACED);
            }
        }
        libc::syscall(libc::SYS_close_range, p.fds.len() as u32, u32::MAX, 0u32);
        let mut byte = 0u8;
        let n = loop {
            let n = libc::read(3, (&mut byte as *mut u8).cast(), 1);
            if n < 0 && *libc::__errno_location() == libc::EINTR {
                continue;
            }
            break n;
        };
        if n != 1 || byte != JOINED {
            libc::_exit(NOT_RELEASED);
        }
        // Into the v1 cgroups before anything runs; after the release, so that a failure is
        // this exit status and not a broken pipe for the harness. Writing 0 to `tasks` moves
        // this one thread without the kernel's global threadgroup lock (whose first taking
        // waits for an RCU grace period: 7-16 ms here).
        for &path in &p.join {
            let fd = libc::open(path, libc::O_WRONLY | libc::O_CLOEXEC);
            if fd < 0 || libc::write(fd, c"0".as_ptr().cast(), 1) != 1 {
                libc::_exit(JOIN_FAILED);
            }
            libc::close(fd);
        }
        if let Some(here) = &p.here {
            run_here(here, p.env.as_ptr());
        }
        libc::syscall(
            libc::SYS_execveat,
            p.exe_slot,
            c"".as_ptr(),
            p.argv.as_ptr(),
            p.env.as_ptr(),
            libc::AT_EMPTY_PATH,
        );
        libc::_exit(EXEC_FAILED);
    }
}

// SAFETY: glibc's `environ`, declared with its C type; only `run_here` touches it.
unsafe extern "C" {
    static mut environ: *const *const libc::c_char;
}

/// In the clone of a single-threaded harness: becomes the init as an exec would have left
/// it (the child's own thread id in glibc, caught signals back to their default, only the
/// init's environment, the init's command line), then runs the init's code.
fn run_here(h: &spawn::Here, env: *const *const libc::c_char) -> ! {
    let ((args, args_end), (envs, envs_end)) = (h.args, h.env);
    // SAFETY: a copy of a process with one thread (`Here` is the proof): nothing is locked.
    // `tid` is glibc's thread-id word, set as its fork() does; the areas are this process's
    // argument and environment strings, read by nothing once `environ` is the init's.
    unsafe {
        *(h.tid as *mut libc::c_int) = libc::syscall(libc::SYS_gettid) as libc::c_int;
        libc::syscall(libc::SYS_set_tid_address, h.tid);
        // Exec resets a caught signal to its default and keeps an ignored one ignored.
        for sig in signals::STOP_SIGNALS.map(|s| s as libc::c_int) {
            let mut old: libc::sigaction = std::mem::zeroed();
            libc::sigaction(sig, std::ptr::null(), &mut old);
            if old.sa_sigaction > libc::SIG_IGN {
                libc::signal(sig, libc::SIG_DFL);
            }
        }
        environ = env;
        std::ptr::write_bytes(args as *mut u8, 0, args_end - args);
        std::ptr::copy_nonoverlapping(INIT_CMDLINE.as_ptr(), args as *mut u8, INIT_CMDLINE.len());
        std::ptr::write_bytes(envs as *mut u8, 0, envs_end - envs);
        libc::_exit((h.main)())
    }
}

/// Creates a child that exits at once, in new namespaces `flags` (`CLONE_NEW*`, or none),
/// and reaps it: the host probe's measure of what it costs anyone to start a process, and
/// whether this process may make those namespaces (the error is the kernel's answer). The
/// child runs on its own small stack and shares this address space (like posix_spawn), so
/// nothing is copied and the harness's size does not weigh on the figure.
pub fn spawn_tiny_child_in_namespaces(flags: nix::sched::CloneFlags) -> io::Result<()> {
    extern "C" fn exit_at_once(_: *mut libc::c_void) -> libc::c_int {
        // SAFETY: _exit only ends the child.
        unsafe { libc::_exit(0) }
    }
    let mut stack = vec![0u8; 16 * 1024];
    // SAFETY: stack_top points one past the end of a buffer that outlives the child (with
    // CLONE_VFORK this thread is suspended until the child has exited); the child only
    // calls _exit, so sharing the address space touches nothing of ours.
    let pid = unsafe {
        let stack_top = stack.as_mut_ptr().add(stack.len()).cast::<libc::c_void>();
        libc::clone(
            exit_at_once,
            stack_top,
            flags.bits() | libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            std::ptr::null_mut(),
        )
    };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    loop {
        match nix::sys::wait::waitpid(Pid::from_raw(pid), None) {
            Err(Errno::EINTR) => continue,
            r => return r.map(drop).map_err(Into::into),
        }
    }
}

/// A pidfd for `pid`: pins the process (no pid reuse can swap it) and lets `setns` join
/// all its namespaces at once.
pub fn pidfd_open(pid: i32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Duplicates `fd` to a number at or above `min`, close-on-exec.
pub fn dup_high(fd: BorrowedFd<'_>, min: RawFd) -> io::Result<OwnedFd> {
    let new = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_DUPFD_CLOEXEC(min))?;
    // SAFETY: fcntl just returned this new descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// Takes ownership of a descriptor inherited across exec at a fixed number, if it is open,
/// and marks it close-on-exec.
pub fn take_inherited(fd: RawFd) -> Option<OwnedFd> {
    // SAFETY: fcntl on a plain descriptor number; it fails harmlessly if nothing is open there.
    if unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) } < 0 {
        return None;
    }
    // SAFETY: the descriptor is open (fcntl succeeded) and was placed at this number by our
    // parent for this process; this is the only place that claims it.
    Some(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Places `fd` at number `target` (not close-on-exec), for a child about to exec.
pub fn place_fd(fd: BorrowedFd<'_>, target: RawFd) -> io::Result<()> {
    if fd.as_raw_fd() == target {
        // dup2 to itself keeps CLOEXEC; clear it instead.
        nix::fcntl::fcntl(
            fd,
            nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::empty()),
        )?;
        return Ok(());
    }
    // SAFETY: dup2 onto a fixed number in a child that is about to exec; the target is not
    // owned by any Rust object in this process (or is deliberately replaced).
    Errno::result(unsafe { libc::dup2(fd.as_raw_fd(), target) })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Inside the sandbox: network, capabilities, signals.

/// Brings up `lo` in the current network namespace.
pub fn loopback_up() -> io::Result<()> {
    let sock = nix::sys::socket::socket(
        nix::sys::socket::AddressFamily::Inet,
        nix::sys::socket::SockType::Datagram,
        nix::sys::socket::SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    // SAFETY: ifreq is a plain C struct; zero is valid for every field.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in ifr.ifr_name.iter_mut().zip(b"lo\0") {
        *dst = *src as libc::c_char;
    }
    // SAFETY: SIOCGIFFLAGS reads and fills the ifreq we own.
    Errno::result(unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFFLAGS, &mut ifr) })?;
    // SAFETY: the union was just filled with flags by the kernel.
    unsafe { ifr.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short };
    // SAFETY: SIOCSIFFLAGS reads the ifreq we own.
    Errno::result(unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCSIFFLAGS, &ifr) })?;
    Ok(())
}

/// Sets and clears mount attributes (`MOUNT_ATTR_*`) of the mount at `path`, and of every
/// mount beneath it when `recursive`. Unlike a bind remount it changes only the named
/// attributes, so flags a user namespace locked (nosuid, nodev) stay as they were.
pub fn mount_setattr(
    path: &std::path::Path,
    set: u64,
    clear: u64,
    recursive: bool,
) -> io::Result<()> {
    let attr = MountAttr::new(set, clear);
    let c = CString::new(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()))
        .map_err(|_| io::Error::other("path contains a NUL byte"))?;
    let flags = if recursive { AT_RECURSIVE } else { 0 };
    // SAFETY: mount_setattr reads a NUL-terminated path and a `struct mount_attr` of the
    // given size, both owned here and alive for the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            libc::AT_FDCWD,
            c.as_ptr(),
            flags,
            &attr as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Drops every capability from the bounding set (needs CAP_SETPCAP: call before setuid).
pub fn drop_bounding_set() -> io::Result<()> {
    for cap in 0..=abi::last_capability() {
        // SAFETY: prctl with integer arguments only.
        let r = unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) };
        if r < 0 && Errno::last() != Errno::EINVAL {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Clears the effective, permitted, inheritable and ambient capability sets.
pub fn clear_capabilities() -> io::Result<()> {
    let mut header = CapHeader::own_v3();
    let data = NO_CAPABILITIES;
    // SAFETY: capset reads a header and two data structs we own, laid out as the kernel's
    // _LINUX_CAPABILITY_VERSION_3 ABI.
    Errno::result(unsafe { libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) })?;
    // SAFETY: prctl with integer arguments only.
    let r = unsafe {
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong,
            0,
            0,
            0,
        )
    };
    if r < 0 && Errno::last() != Errno::EINVAL {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Restores default signal dispositions that exec would otherwise inherit (Rust ignores
/// SIGPIPE) and unblocks every signal, for a child about to exec a workload.
pub fn reset_signals_for_exec() -> io::Result<()> {
    use nix::sys::signal::{SigHandler, SigSet, SigmaskHow, Signal, sigprocmask};
    for sig in [
        Signal::SIGPIPE,
        Signal::SIGINT,
        Signal::SIGTERM,
        Signal::SIGCHLD,
    ] {
        // SAFETY: installs SIG_DFL, which runs no Rust code.
        unsafe { nix::sys::signal::signal(sig, SigHandler::SigDfl) }?;
    }
    sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None)?;
    Ok(())
}

/// Installs the classic-BPF program `prog` as a seccomp filter on this process and
/// everything it starts. Needs `no_new_privs` (or CAP_SYS_ADMIN).
pub fn install_seccomp_filter(prog: &[libc::sock_filter]) -> io::Result<()> {
    let len =
        u16::try_from(prog.len()).map_err(|_| io::Error::other("seccomp program too long"))?;
    let fprog = libc::sock_fprog {
        len,
        // The kernel only reads the program.
        filter: prog.as_ptr().cast_mut(),
    };
    // SAFETY: prctl reads the filter program through the pointer while the call runs; `prog`
    // outlives it.
    let r = unsafe {
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER as libc::c_ulong,
            &fprog as *const libc::sock_fprog as libc::c_ulong,
            0,
            0,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Ignores a signal.
pub fn ignore_signal(sig: nix::sys::signal::Signal) -> io::Result<()> {
    // SAFETY: installs SIG_IGN, which runs no code.
    unsafe { nix::sys::signal::signal(sig, nix::sys::signal::SigHandler::SigIgn) }?;
    Ok(())
}

/// Makes SIGINT and SIGTERM set a flag instead of killing the harness, so a run can tear
/// down before it exits. A second signal changes nothing: teardown still runs.
pub fn catch_stop_signals() -> io::Result<()> {
    use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, sigaction};
    let action = SigAction::new(
        SigHandler::Handler(signals::remember_signal),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    for sig in signals::STOP_SIGNALS {
        // SAFETY: the handler only stores into an atomic, which is async-signal-safe.
        unsafe { sigaction(sig, &action) }?;
    }
    Ok(())
}

/// Makes the calling thread a real-time thread (`SCHED_FIFO` at `priority`), so it runs the
/// moment it wakes even when every CPU is busy with ordinary tasks (a fork bomb). Fails
/// where the kernel refuses it (no CAP_SYS_NICE, or a cgroup without real-time runtime).
pub fn set_realtime(priority: i32) -> io::Result<()> {
    let param = libc::sched_param {
        sched_priority: priority,
    };
    // SAFETY: sched_setscheduler on the calling thread (0) reads the param struct we own.
    Errno::result(unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) })?;
    Ok(())
}

/// The calling process's nice value (`getpriority`).
pub fn nice() -> io::Result<i32> {
    Errno::clear();
    // SAFETY: getpriority reads the calling process's nice value; -1 is a valid value, so
    // errno (cleared above) tells a failure apart.
    let n = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
    if n == -1 && Errno::last_raw() != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n)
}

/// Sets the calling process's nice value (`setpriority`); lowering it needs CAP_SYS_NICE.
pub fn set_nice(n: i32) -> io::Result<()> {
    // SAFETY: setpriority changes the calling process's nice value, nothing in memory.
    Errno::result(unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, n) })?;
    Ok(())
}

/// Ends this process at once, without running exit handlers or flushing buffers that
/// belong to the parent it was forked from.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit only ends the process.
    unsafe { libc::_exit(code) }
}
