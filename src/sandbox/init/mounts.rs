//! The view the init builds of the host's filesystems, mount by mount: the tight default
//! one in a mount namespace of its own ([`build_view`]), and a target's own filesystems
//! masked ([`target_view`]). What it is made of is [`crate::sandbox::view`]'s.

use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use nix::mount::MsFlags;
use nix::sched::CloneFlags;

use super::{Step, step};
use crate::sandbox::proto::InitConfig;
use crate::sandbox::view::{self, ViewReport, WritableMount, words};
use crate::sys;

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
pub(super) fn build_view(cfg: &InitConfig, pid: bool, net: bool) -> Result<ViewReport, Step> {
    // 1. Nothing we mount propagates back to the host.
    make_mounts_private()?;
    // 2. Handles on what the new mounts are about to cover, taken first and reached later
    //    through /proc/self/fd.
    let covered = Covered::open(cfg)?;
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
        step("mount /proc", mount_proc())?;
    }
    // 5. Private tmpfs where programs write, charged to the sandbox's memory cgroup (a
    //    tmpfs hog meets the memory limit) and gone with the namespace.
    let mut writable = private_tmpfs()?;
    // 6. A minimal /dev, as bubblewrap's --dev builds it: no host disk, no host device but
    //    the harmless ones and those the scenario names.
    let devices = step(
        "minimal /dev",
        minimal_dev(&covered.dev, &cfg.view.devices, &mut writable),
    )?;
    // 7. A fresh sysfs of the sandbox's own network namespace, read-only (the host's lists
    //    the host's interfaces), with the cgroupfs bound back beneath it. Without a network
    //    namespace a fresh sysfs would show the host's anyway: the host's stays, read-only.
    if net {
        fresh_sysfs(covered.cgroup.as_ref())?;
    }
    // 8. The workload may read its cgroup files but never write one.
    step("read-only cgroupfs", cgroupfs_read_only())?;
    // 9. Host paths bound in: a program the private mounts hide (read-only, at its own
    //    path), and what the scenario's [sandbox] asks for.
    for (b, fd) in cfg.view.binds.iter().zip(&covered.sources) {
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
        root: words::ROOT_HOST_READ_ONLY.into(),
        root_read_only: true,
        writable,
        binds: cfg.view.binds.clone(),
        dev: words::DEV_MINIMAL.into(),
        devices,
        proc: if pid {
            words::PROC_FRESH
        } else {
            words::PROC_HOST_READ_ONLY
        }
        .into(),
        sys: if net {
            words::SYS_FRESH
        } else {
            words::SYS_HOST_READ_ONLY
        }
        .into(),
        masked,
        read_only,
    })
}

/// `O_PATH` handles on what the view's mounts cover, taken before they do: the host's
/// /dev (its nodes are bound into the minimal one), its cgroupfs (bound back beneath the
/// fresh sysfs) and every bind source (a program under the host's /tmp, for one).
struct Covered {
    dev: OwnedFd,
    cgroup: Option<OwnedFd>,
    /// One per `cfg.view.binds`, in order.
    sources: Vec<OwnedFd>,
}

impl Covered {
    fn open(cfg: &InitConfig) -> Result<Covered, Step> {
        let dev = step("open the host's /dev", open_path(Path::new("/dev")))?;
        let cgroup = open_path(Path::new("/sys/fs/cgroup")).ok();
        let mut sources = Vec::new();
        for b in &cfg.view.binds {
            let fd = open_path(&b.source)
                .map_err(|e| ("open a bind source", format!("{}: {e}", b.source.display())))?;
            sources.push(fd);
        }
        Ok(Covered {
            dev,
            cgroup,
            sources,
        })
    }
}

/// A fresh procfs at /proc (of the pid namespace this process's children are in).
fn mount_proc() -> nix::Result<()> {
    nix::mount::mount(
        Some("proc"),
        "/proc",
        Some("proc"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
        None::<&str>,
    )
}

/// A private tmpfs over each of [`view::PRIVATE_TMPFS`] the host has; returns them.
fn private_tmpfs() -> Result<Vec<WritableMount>, Step> {
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
    Ok(writable)
}

/// A fresh sysfs at /sys, read-only, with the host's cgroupfs (`cgroup`, a handle taken
/// before) bound back beneath it.
fn fresh_sysfs(cgroup: Option<&OwnedFd>) -> Result<(), Step> {
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
    if let Some(cg) = cgroup {
        step(
            "bind the cgroupfs into the fresh sysfs",
            bind(&fd_path(cg), Path::new("/sys/fs/cgroup")),
        )?;
    }
    Ok(())
}

/// A target run: the workload sees the target's own filesystems, in a copy of its mount
/// namespace where runc's masked and read-only paths apply and the cgroupfs is read-only
/// (most runtimes already do this; nothing changes for the target itself).
pub(super) fn target_view() -> Result<ViewReport, Step> {
    step(
        "own copy of the target's mount namespace",
        nix::sched::unshare(CloneFlags::CLONE_NEWNS),
    )?;
    make_mounts_private()?;
    // A /proc of the attack's own pid namespace (nested in the target's), so that its pids
    // and /proc agree and pid 1 is this init; where the target's runtime forbids another
    // proc mount (an unprivileged container's locked /proc), the target's stays.
    let own_proc = mount_proc().is_ok();
    // Where the target's cgroupfs is a mount of its own; a target without one has none.
    let _ = sys::mount_setattr(Path::new("/sys/fs/cgroup"), sys::MOUNT_ATTR_RDONLY, 0, true);
    // Best effort: a target's runtime may have masked these already, in ways that refuse
    // another mount; only what was applied here is listed.
    let (masked, read_only) = mask_paths(false).unwrap_or_default();
    let root_read_only = nix::sys::statvfs::statvfs("/")
        .is_ok_and(|s| s.flags().contains(nix::sys::statvfs::FsFlags::ST_RDONLY));
    Ok(ViewReport {
        root: words::ROOT_TARGET.into(),
        root_read_only,
        dev: words::TARGET_OWN.into(),
        proc: if own_proc {
            words::PROC_NESTED
        } else {
            words::PROC_TARGET
        }
        .into(),
        sys: words::TARGET_OWN.into(),
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
    .map_err(|e| io::Error::other(crate::t!("init-tmpfs-at", dir = dir, error = e)))
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
        io::Error::other(crate::t!(
            "init-bind-at",
            source = source.display(),
            target = target.display(),
            error = e
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
    .map_err(|e| io::Error::other(crate::t!("init-devpts", error = e)))?;
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
            return Err(io::Error::other(crate::t!(
                "child-bind-target-missing",
                path = b.target.display()
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
            Err(e) if strict => {
                return Err(io::Error::other(crate::t!(
                    "init-mask",
                    path = p,
                    error = e
                )));
            }
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
            Err(e) if strict => {
                return Err(io::Error::other(crate::t!(
                    "init-read-only",
                    path = p,
                    error = e
                )));
            }
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
        nix::mount::mount(None::<&str>, &p, None::<&str>, flags, None::<&str>).map_err(|e| {
            io::Error::other(crate::t!(
                "init-remount-read-only",
                path = p.display(),
                error = e
            ))
        })?;
    }
    Ok(())
}
