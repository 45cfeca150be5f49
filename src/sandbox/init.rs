//! The sandbox init (`limitlab __init`): pid 1 of the sandbox's pid namespace.
//!
//! It runs only after the harness put it into every cgroup. In order, each step saying why:
//! own session, cgroup namespace, the view ([`build_view`]: private mounts, read-only host
//! root, fresh `/proc`, private tmpfs, minimal `/dev`, fresh sysfs, read-only cgroupfs, host
//! paths bound in, runc's masked and read-only paths; a target run gets [`target_view`]),
//! `lo`, hostname, rlimits, then it drops to the unprivileged ids with no capabilities and
//! `no_new_privs`, reports ready with the view it built, waits for the go, starts the
//! workloads, and reaps every process until none is left.

use std::collections::HashMap;
use std::ffi::CString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::mount::MsFlags;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sched::CloneFlags;
use nix::sys::resource::{Resource, setrlimit};
use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Gid, Pid, Uid};

use super::proto::{self, FD_COUNTERS, FD_EXE, FD_STATUS, FD_SYNC, GO, InitConfig, InitMsg};
use super::view::{self, ViewReport, WritableMount};
use crate::data::Namespace;
use crate::sys;
use crate::workloads::command;
use crate::workloads::counters::WORKLOAD_FD;

/// Runs the init; returns its exit code.
pub fn main() -> i32 {
    let (Some(sync), Some(status)) = (sys::take_inherited(FD_SYNC), sys::take_inherited(FD_STATUS))
    else {
        eprintln!("limitlab __init is started by `limitlab run`, not by hand");
        return 2;
    };
    let counters = sys::take_inherited(FD_COUNTERS);
    let exe = sys::take_inherited(FD_EXE);
    let mut sync = File::from(sync);
    let mut status = File::from(status);

    span("init running");
    let cfg = match proto::read_config(&mut sync) {
        Ok(c) => c,
        Err(e) => return fail(&mut status, "read config", e.to_string()),
    };
    span("read config");
    // The init never starts a thread; the proof is taken now, while /proc is still the
    // host's (inside a joined container /proc/self would not be this process).
    let Some(proof) = sys::SingleThreaded::check() else {
        return fail(
            &mut status,
            "start",
            "the init is not single-threaded".into(),
        );
    };
    if let Some(join) = cfg.join {
        let Some(target) = sys::take_inherited(proto::FD_TARGET) else {
            return fail(
                &mut status,
                "join the target",
                "no target descriptor".into(),
            );
        };
        // Every namespace of the container at once (setns on a pidfd); the pid namespace
        // holds the workloads, which this init starts.
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
            return fail(
                &mut status,
                "join the target's namespaces",
                format!("{e} (setns on a pidfd needs Linux 5.8)"),
            );
        }
        drop(target);
        if let Some(code) = nest_pid_namespace(&proof, &mut status) {
            return code;
        }
    }
    let view = match setup(&cfg) {
        Ok(v) => v,
        Err((step, e)) => return fail(&mut status, step, e),
    };
    let spans = SPANS.with_borrow_mut(std::mem::take);
    let _ = proto::send(
        &mut status,
        &InitMsg::Ready {
            mono_ns: proto::mono_ns(),
            view: Some(Box::new(view)),
            spans: spans.into_iter().map(|(n, t)| (n.to_string(), t)).collect(),
        },
    );

    let mut go = [0u8; 1];
    if sync.read_exact(&mut go).is_err() || go[0] != GO {
        return 3;
    }

    // SIGCHLD is taken through a signalfd, so the init can wait for children and for the
    // next delayed start at once. Workloads get the mask cleared before they exec.
    let mut chld = SigSet::empty();
    chld.add(Signal::SIGCHLD);
    let sigfd = match chld
        .thread_block()
        .and_then(|_| SignalFd::with_flags(&chld, SfdFlags::SFD_CLOEXEC | SfdFlags::SFD_NONBLOCK))
    {
        Ok(fd) => fd,
        Err(e) => return fail(&mut status, "signalfd", e.to_string()),
    };
    let go_at = Instant::now();
    let mut pending: Vec<(Instant, usize)> = cfg
        .workloads
        .iter()
        .enumerate()
        .map(|(i, l)| (go_at + Duration::from_millis(l.start_after_ms), i))
        .collect();
    pending.sort();
    pending.reverse();
    let mut running: HashMap<Pid, usize> = HashMap::new();
    loop {
        while pending.last().is_some_and(|(at, _)| *at <= Instant::now()) {
            let (_, index) = pending.pop().expect("checked");
            let msg = match start(
                &cfg.workloads[index],
                counters.as_ref(),
                exe.as_ref(),
                &proof,
            ) {
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
            };
            let _ = proto::send(&mut status, &msg);
        }
        let children = reap_ready(&mut status, &mut running);
        if !children && pending.is_empty() {
            break;
        }
        let timeout = pending
            .last()
            .map(|(at, _)| at.saturating_duration_since(Instant::now()))
            .map(|d| PollTimeout::try_from(d).unwrap_or(PollTimeout::MAX))
            .unwrap_or(PollTimeout::NONE);
        let mut fds = [PollFd::new(sigfd.as_fd(), PollFlags::POLLIN)];
        let _ = poll(&mut fds, timeout);
        while let Ok(Some(_)) = sigfd.read_signal() {}
    }
    // fd 3 (the sync pipe) stays open for the init's whole life, so no descriptor made while
    // starting workloads takes it: that is where a built-in workload's counter page goes.
    drop(sync);
    let _ = proto::send(
        &mut status,
        &InitMsg::Idle {
            mono_ns: proto::mono_ns(),
        },
    );
    0
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
        Ok(ForkResult::Parent { child }) => {
            // Reap the helper, then wait for the namespace's PID 1 and end as it ended.
            let helper_ok = loop {
                match waitpid(child, None) {
                    Err(Errno::EINTR) => continue,
                    Ok(WaitStatus::Exited(_, 0)) => break true,
                    _ => break false,
                }
            };
            if !helper_ok {
                return Some(1);
            }
            Some(loop {
                match waitpid(None::<Pid>, None) {
                    Err(Errno::EINTR) => continue,
                    Ok(WaitStatus::Exited(_, code)) => break code,
                    Ok(WaitStatus::Signaled(_, sig, _)) => break 128 + sig as i32,
                    Ok(_) => continue,
                    Err(_) => break 1,
                }
            })
        }
    }
}

fn fail(status: &mut File, step: &str, error: String) -> i32 {
    let _ = proto::send(
        status,
        &InitMsg::SetupFailed {
            step: step.into(),
            error,
        },
    );
    1
}

type Step = (&'static str, String);

fn step<T, E: std::fmt::Display>(name: &'static str, r: Result<T, E>) -> Result<T, Step> {
    let r = r.map_err(|e| (name, e.to_string()));
    span(name);
    r
}

thread_local! {
    /// When each setup step ended (the init is single-threaded), sent with `Ready`.
    static SPANS: std::cell::RefCell<Vec<(&'static str, u64)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

fn span(name: &'static str) {
    SPANS.with_borrow_mut(|s| s.push((name, proto::mono_ns())));
}

fn setup(cfg: &InitConfig) -> Result<ViewReport, Step> {
    let has = |ns| cfg.namespaces.contains(&ns);
    // Own session: a bomb here is not in the harness's session or autogroup.
    step("setsid", nix::unistd::setsid())?;
    // Orphans come to us even without a pid namespace, so nothing becomes the host's zombie.
    step("subreaper", nix::sys::prctl::set_child_subreaper(true))?;
    // The cgroup namespace is rooted at the cgroups we were just put into.
    if has(Namespace::Cgroup) {
        step(
            "cgroup namespace",
            nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWCGROUP),
        )?;
    }
    // The workload's view of the filesystems: tight in a mount namespace of our own, the
    // target's own one (masked) when joining a target, the host's as it is otherwise.
    let view = if has(Namespace::Mount) {
        build_view(cfg, has(Namespace::Pid), has(Namespace::Net))?
    } else if cfg.join.is_some() {
        target_view()?
    } else {
        ViewReport {
            root: "the host's root as it is (no mount namespace)".into(),
            dev: "the host's".into(),
            proc: "the host's".into(),
            sys: "the host's".into(),
            ..ViewReport::default()
        }
    };
    if has(Namespace::Net) {
        // A new network namespace has only `lo`, and it starts down.
        step("bring up lo", sys::loopback_up())?;
    }
    if has(Namespace::Uts) {
        step("sethostname", nix::unistd::sethostname(&cfg.hostname))?;
    }
    // Limits are set while still privileged, so a hard limit may be raised as well as lowered.
    let rl = &cfg.rlimits;
    for (res, v) in [
        (Resource::RLIMIT_NPROC, rl.nproc),
        (Resource::RLIMIT_NOFILE, rl.nofile),
        (Resource::RLIMIT_AS, rl.address_space),
    ] {
        if let Some(v) = v {
            match setrlimit(res, v, v) {
                // Root of a user namespace has no say over limits set outside it.
                Err(Errno::EPERM) if cfg.user_namespace => {
                    let hard = nix::sys::resource::getrlimit(res)
                        .map(|(_, h)| h)
                        .unwrap_or(0);
                    return Err((
                        "setrlimit",
                        format!(
                            "{res:?} = {v} is above this user's hard limit ({hard}), which only root can raise"
                        ),
                    ));
                }
                r => step("setrlimit", r)?,
            }
        }
    }
    if cfg.user_namespace {
        step(
            "user namespace for the workloads",
            unprivileged_user_namespace(cfg.uid, cfg.gid),
        )?;
    }
    drop_privileges(cfg.uid, cfg.gid, !cfg.user_namespace)?;
    if cfg.seccomp {
        // Last: from here on nothing in the sandbox makes a namespace, mounts, or uses keyrings.
        step("syscall filter", sys::install_syscall_filter())?;
    }
    step("chdir /", nix::unistd::chdir("/"))?;
    Ok(view)
}

/// Rootless: a user namespace inside the first, where this process is `uid`/`gid` (mapped to
/// its root there); the workloads it starts are that unprivileged id.
fn unprivileged_user_namespace(uid: u32, gid: u32) -> io::Result<()> {
    nix::sched::unshare(CloneFlags::CLONE_NEWUSER)?;
    super::rootless::write_maps("self", (uid, 0), (gid, 0))
}

/// `groups`: clear the supplementary groups (a user namespace made without root has them
/// fixed: `setgroups` is denied there).
fn drop_privileges(uid: u32, gid: u32, groups: bool) -> Result<(), Step> {
    // The bounding set needs CAP_SETPCAP to shrink, so it goes first.
    step("drop capability bounding set", sys::drop_bounding_set())?;
    if groups {
        step("setgroups", nix::unistd::setgroups(&[]))?;
    }
    let (u, g) = (Uid::from_raw(uid), Gid::from_raw(gid));
    step("setresgid", nix::unistd::setresgid(g, g, g))?;
    step("setresuid", nix::unistd::setresuid(u, u, u))?;
    // setuid to non-root already cleared them; this also covers uid 0.
    step("clear capabilities", sys::clear_capabilities())?;
    // No setuid binary or file capability can give anything back.
    step("no_new_privs", nix::sys::prctl::set_no_new_privs())?;
    // The workload (same uid) cannot ptrace or read the init.
    step("dumpable", nix::sys::prctl::set_dumpable(false))?;
    // Changing the effective ids cleared the parent-death signal set at clone (the kernel
    // does so on every credential change), so it is set again. A harness that died before
    // this line is noticed at the go byte: its end of the sync pipe is closed.
    step(
        "parent-death signal",
        nix::sys::prctl::set_pdeathsig(Signal::SIGKILL),
    )?;
    Ok(())
}

/// Makes every mount private, so nothing mounted from here on propagates back to the host
/// (or to the target).
fn make_mounts_private() -> Result<(), Step> {
    step(
        "make mounts private",
        nix::mount::mount(
            None::<&str>,
            "/",
            None::<&str>,
            MsFlags::MS_REC | MsFlags::MS_PRIVATE,
            None::<&str>,
        ),
    )
}

/// The tight view, in bubblewrap's order (`--ro-bind / / --dev /dev --proc /proc --tmpfs
/// /tmp`, plus runc's masked and read-only paths). Each step says why.
fn build_view(cfg: &InitConfig, pid: bool, net: bool) -> Result<ViewReport, Step> {
    // 1. Nothing we mount propagates back to the host.
    make_mounts_private()?;
    // 2. Handles on what the new mounts are about to cover, taken first and reached later
    //    through /proc/self/fd: the host's /dev (its nodes are bound into the minimal one),
    //    its cgroupfs (bound back beneath the fresh sysfs) and every bind source (a program
    //    under the host's /tmp, for one).
    let host_dev = step("open the host's /dev", open_path(Path::new("/dev")))?;
    let host_cgroup = open_path(Path::new("/sys/fs/cgroup")).ok();
    let mut sources = Vec::new();
    for b in &cfg.view.binds {
        let fd = open_path(&b.source)
            .map_err(|e| ("open a bind source", format!("{}: {e}", b.source.display())))?;
        sources.push(fd);
    }
    // 3. The host's root and every mount beneath it, read-only: the workload can leave
    //    nothing behind on the host (only attributes are added, so a user namespace's locked
    //    flags stay as they are).
    step(
        "read-only root",
        sys::mount_setattr(Path::new("/"), sys::MOUNT_ATTR_RDONLY, 0, true),
    )?;
    // 4. A /proc that shows only the sandbox's processes (without a pid namespace the host's
    //    stays, read-only).
    if pid {
        step(
            "mount /proc",
            nix::mount::mount(
                Some("proc"),
                "/proc",
                Some("proc"),
                MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
                None::<&str>,
            ),
        )?;
    }
    // 5. Private tmpfs where programs write, charged to the sandbox's memory cgroup (a
    //    tmpfs hog meets the memory limit) and gone with the namespace.
    let mut writable = Vec::new();
    for dir in view::PRIVATE_TMPFS {
        if !Path::new(dir).is_dir() {
            continue;
        }
        let mode = if *dir == "/run" {
            "mode=0755"
        } else {
            "mode=1777"
        };
        step("mount a private tmpfs", tmpfs(dir, mode, MsFlags::empty()))?;
        writable.push(WritableMount {
            path: dir.into(),
            kind: "tmpfs".into(),
            size_cap: None,
        });
    }
    // 6. A minimal /dev, as bubblewrap's --dev builds it: no host disk, no host device but
    //    the harmless ones and those the scenario names.
    let devices = step(
        "minimal /dev",
        minimal_dev(&host_dev, &cfg.view.devices, &mut writable),
    )?;
    // 7. A fresh sysfs of the sandbox's own network namespace, read-only (the host's lists
    //    the host's interfaces), with the cgroupfs bound back beneath it. Without a network
    //    namespace a fresh sysfs would show the host's anyway: the host's stays, read-only.
    if net {
        step(
            "mount a fresh sysfs",
            nix::mount::mount(
                Some("sysfs"),
                "/sys",
                Some("sysfs"),
                MsFlags::MS_RDONLY | MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
                None::<&str>,
            ),
        )?;
        if let Some(cg) = &host_cgroup {
            step(
                "bind the cgroupfs into the fresh sysfs",
                bind(&fd_path(cg), Path::new("/sys/fs/cgroup")),
            )?;
        }
    }
    // 8. The workload may read its cgroup files but never write one.
    step("read-only cgroupfs", cgroupfs_read_only())?;
    // 9. Host paths bound in: a program the private mounts hide (read-only, at its own
    //    path), and what the scenario's [sandbox] asks for.
    for (b, fd) in cfg.view.binds.iter().zip(&sources) {
        step("bind a host path", bind_host_path(b, fd))?;
        if b.writable {
            writable.push(WritableMount {
                path: b.target.clone(),
                kind: "bind".into(),
                size_cap: None,
            });
        }
    }
    // 10. What container runtimes hide: runc's masked paths and read-only paths.
    let (masked, read_only) = step("masked and read-only paths", mask_paths(true))?;
    Ok(ViewReport {
        root: "the host's root, read-only".into(),
        root_read_only: true,
        writable,
        binds: cfg.view.binds.clone(),
        dev: "minimal, as bubblewrap's --dev (private devpts and shm)".into(),
        devices,
        proc: if pid {
            "fresh, of the sandbox's pid namespace".into()
        } else {
            "the host's, read-only (no pid namespace)".into()
        },
        sys: if net {
            "fresh, read-only, of the sandbox's network namespace".into()
        } else {
            "the host's, read-only (no network namespace)".into()
        },
        masked,
        read_only,
    })
}

/// A target run: the workload sees the target's own filesystems, in a copy of its mount
/// namespace where runc's masked and read-only paths apply and the cgroupfs is read-only
/// (most runtimes already do this; nothing changes for the target itself).
fn target_view() -> Result<ViewReport, Step> {
    step(
        "own copy of the target's mount namespace",
        nix::sched::unshare(CloneFlags::CLONE_NEWNS),
    )?;
    make_mounts_private()?;
    // A /proc of the attack's own pid namespace (nested in the target's), so that its pids
    // and /proc agree and pid 1 is this init; where the target's runtime forbids another
    // proc mount (an unprivileged container's locked /proc), the target's stays.
    let own_proc = nix::mount::mount(
        Some("proc"),
        "/proc",
        Some("proc"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
        None::<&str>,
    )
    .is_ok();
    // Where the target's cgroupfs is a mount of its own; a target without one has none.
    let _ = sys::mount_setattr(Path::new("/sys/fs/cgroup"), sys::MOUNT_ATTR_RDONLY, 0, true);
    // Best effort: a target's runtime may have masked these already, in ways that refuse
    // another mount; only what was applied here is listed.
    let (masked, read_only) = mask_paths(false).unwrap_or_default();
    let root_read_only = nix::sys::statvfs::statvfs("/")
        .is_ok_and(|s| s.flags().contains(nix::sys::statvfs::FsFlags::ST_RDONLY));
    Ok(ViewReport {
        root: "the target's own root".into(),
        root_read_only,
        dev: "the target's own".into(),
        proc: if own_proc {
            "fresh, of the attack's own pid namespace (nested in the target's)".into()
        } else {
            "the target's (its pid namespace; another proc mount was refused)".into()
        },
        sys: "the target's own".into(),
        masked,
        read_only,
        ..ViewReport::default()
    })
}

/// An `O_PATH` handle on `p`: it pins the file and its mount, and `/proc/self/fd/N` names
/// it after something else was mounted over it.
fn open_path(p: &Path) -> io::Result<OwnedFd> {
    Ok(nix::fcntl::open(
        p,
        nix::fcntl::OFlag::O_PATH | nix::fcntl::OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
    )?)
}

fn fd_path(fd: &OwnedFd) -> PathBuf {
    use std::os::fd::AsRawFd;
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

fn tmpfs(dir: &str, options: &str, extra: MsFlags) -> io::Result<()> {
    nix::mount::mount(
        Some("tmpfs"),
        dir,
        Some("tmpfs"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV | extra,
        Some(options),
    )
    .map_err(|e| io::Error::other(format!("tmpfs at {dir}: {e}")))
}

/// Binds `source` (with everything mounted beneath it) at `target`.
fn bind(source: &Path, target: &Path) -> io::Result<()> {
    nix::mount::mount(
        Some(source),
        target,
        None::<&str>,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        None::<&str>,
    )
    .map_err(|e| {
        io::Error::other(format!(
            "bind {} at {}: {e}",
            source.display(),
            target.display()
        ))
    })
}

/// Creates an empty file or directory for a mount to cover, with its parents.
fn mount_point(target: &Path, dir: bool) -> io::Result<()> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if dir {
        std::fs::create_dir_all(target)
    } else if !target.exists() {
        File::create(target).map(drop)
    } else {
        Ok(())
    }
}

fn minimal_dev(
    host: &OwnedFd,
    extra: &[PathBuf],
    writable: &mut Vec<WritableMount>,
) -> io::Result<Vec<String>> {
    let host = fd_path(host);
    tmpfs("/dev", "mode=0755", MsFlags::MS_NOEXEC)?;
    let mut present = Vec::new();
    let names = view::DEVICES.iter().map(PathBuf::from).chain(
        extra
            .iter()
            .filter_map(|d| d.strip_prefix("/dev").ok().map(Path::to_path_buf)),
    );
    for name in names {
        let source = host.join(&name);
        // A node the host lacks is left out (and so not listed).
        if !source.exists() {
            continue;
        }
        let target = Path::new("/dev").join(&name);
        mount_point(&target, false)?;
        bind(&source, &target)?;
        present.push(name.display().to_string());
    }
    // A private devpts: ptys of the sandbox's own, none of the host's.
    std::fs::create_dir("/dev/pts")?;
    nix::mount::mount(
        Some("devpts"),
        "/dev/pts",
        Some("devpts"),
        MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
        Some("newinstance,ptmxmode=0666,mode=620"),
    )
    .map_err(|e| io::Error::other(format!("devpts at /dev/pts: {e}")))?;
    present.push("pts/ptmx".into());
    std::fs::create_dir("/dev/shm")?;
    tmpfs("/dev/shm", "mode=1777", MsFlags::empty())?;
    writable.push(WritableMount {
        path: "/dev/shm".into(),
        kind: "tmpfs".into(),
        size_cap: None,
    });
    for (name, to) in view::DEV_LINKS {
        std::os::unix::fs::symlink(to, Path::new("/dev").join(name))?;
    }
    Ok(present)
}

fn bind_host_path(b: &crate::plan::Bind, fd: &OwnedFd) -> io::Result<()> {
    let source = fd_path(fd);
    let dir = std::fs::metadata(&source)?.is_dir();
    if !b.target.exists() {
        // Only inside a mount the view made can a mount point be made: the root is read-only.
        if view::hidden_by(&b.target).is_none() {
            return Err(io::Error::other(format!(
                "{} does not exist in the sandbox, and its root is read-only",
                b.target.display()
            )));
        }
        mount_point(&b.target, dir)?;
    }
    bind(&source, &b.target)?;
    let r = if b.writable {
        sys::mount_setattr(&b.target, 0, sys::MOUNT_ATTR_RDONLY, false)
    } else {
        sys::mount_setattr(&b.target, sys::MOUNT_ATTR_RDONLY, 0, true)
    };
    r.map_err(|e| io::Error::other(format!("{}: {e}", b.target.display())))
}

/// Applies runc's masked and read-only paths where they exist; returns the ones applied.
/// `strict`: the first failure is the error; otherwise a path that fails is left out.
fn mask_paths(strict: bool) -> io::Result<(Vec<String>, Vec<String>)> {
    let mut masked = Vec::new();
    for p in crate::data::MASKED {
        let done = match std::fs::metadata(p) {
            Err(_) => continue,
            Ok(m) if m.is_dir() => tmpfs(p, "mode=0555", MsFlags::MS_RDONLY | MsFlags::MS_NOEXEC),
            Ok(_) => nix::mount::mount(
                Some("/dev/null"),
                *p,
                None::<&str>,
                MsFlags::MS_BIND,
                None::<&str>,
            )
            .map_err(io::Error::from),
        };
        match done {
            Ok(()) => masked.push(p.to_string()),
            Err(e) if strict => return Err(io::Error::other(format!("mask {p}: {e}"))),
            Err(_) => {}
        }
    }
    let mut read_only = Vec::new();
    for p in crate::data::READ_ONLY {
        let path = Path::new(p);
        if !path.exists() {
            continue;
        }
        match bind(path, path)
            .and_then(|_| sys::mount_setattr(path, sys::MOUNT_ATTR_RDONLY, 0, true))
        {
            Ok(()) => read_only.push(p.to_string()),
            Err(e) if strict => return Err(io::Error::other(format!("read-only {p}: {e}"))),
            Err(_) => {}
        }
    }
    Ok((masked, read_only))
}

fn cgroupfs_read_only() -> io::Result<()> {
    let text = std::fs::read_to_string("/proc/self/mountinfo")?;
    let mut points: Vec<PathBuf> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(4))
        .map(PathBuf::from)
        .filter(|p| p.starts_with("/sys/fs/cgroup"))
        .collect();
    points.sort();
    points.dedup();
    for p in points {
        let flags = MsFlags::MS_BIND
            | MsFlags::MS_REMOUNT
            | MsFlags::MS_RDONLY
            | MsFlags::MS_NOSUID
            | MsFlags::MS_NODEV
            | MsFlags::MS_NOEXEC;
        nix::mount::mount(None::<&str>, &p, None::<&str>, flags, None::<&str>)
            .map_err(|e| io::Error::other(format!("remount {} read-only: {e}", p.display())))?;
    }
    Ok(())
}

/// Starts one workload; returns its pid once its exec succeeded.
fn start(
    launch: &proto::Launch,
    counters: Option<&OwnedFd>,
    exe: Option<&OwnedFd>,
    proof: &sys::SingleThreaded,
) -> Result<(Pid, u64), String> {
    let env: Vec<CString> = command::environment()
        .iter()
        .map(|s| sys::cstring(s))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let argv: Vec<CString> = launch
        .argv
        .iter()
        .map(|s| sys::cstring(s))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
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
    match sys::fork(proof).map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            let mut err_w = File::from(err_w);
            let e = exec_workload(
                launch.builtin,
                &argv,
                &env,
                program.as_deref(),
                counters,
                exe,
                &mut err_w,
            );
            let _ = err_w.write_all(e.as_bytes());
            // The child must not return into the init's code.
            sys::exit_now(127)
        }
        ForkResult::Parent { child } => {
            drop(err_w);
            let mut reply = Vec::new();
            let _ = File::from(err_r).read_to_end(&mut reply);
            match parse_exec_reply(&reply) {
                (Some(exec_ns), "") => Ok((child, exec_ns)),
                (None, "") => Err("the workload's process ended before it could exec".into()),
                (_, error) => {
                    let _ = waitpid(child, None);
                    Err(error.to_string())
                }
            }
        }
    }
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
        std::str::from_utf8(text).unwrap_or("exec failed (unreadable error text)"),
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
        return format!("reset signals: {e}");
    }
    if builtin {
        let (Some(counters), Some(exe)) = (counters, exe) else {
            return "the init has no counter page or binary for a built-in workload".into();
        };
        if let Err(e) = sys::place_fd(counters.as_fd(), WORKLOAD_FD) {
            return format!("place counter page: {e}");
        }
        exec_stamp(stamp);
        match nix::unistd::fexecve(exe.as_fd(), argv, env) {
            Err(Errno::EACCES) => "exec limitlab: permission denied (the binary must be executable by the sandbox's uid)".into(),
            Err(e) => format!("exec limitlab: {e}"),
        }
    } else {
        let program = program.expect("resolved before fork");
        let Ok(path) = CString::new(program.as_os_str().as_bytes()) else {
            return "program path contains a NUL byte".into();
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
                let (pid, text, code) = match ws {
                    WaitStatus::Exited(pid, code) => (pid, format!("exited {code}"), Some(code)),
                    WaitStatus::Signaled(pid, sig, _) => (pid, format!("killed by {sig}"), None),
                    _ => continue,
                };
                if let Some(index) = running.remove(&pid) {
                    let msg = InitMsg::Exited {
                        index,
                        status: text,
                        code,
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
    }
}
