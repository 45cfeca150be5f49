//! The attempts on the filesystem: mount and remount, write outside the private mounts and
//! into /proc/sys, open block devices, create device nodes, read what runc masks.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use nix::mount::MsFlags;

use super::Outcome::{self, Blocked, Escaped};
use super::{number, tally};
use crate::sys;
use crate::t;

/// `mount-root`: mount over /.
pub(super) fn mount_root() -> Outcome {
    match nix::mount::mount(
        Some("tmpfs"),
        "/",
        Some("tmpfs"),
        MsFlags::empty(),
        None::<&str>,
    ) {
        Ok(()) => Escaped(t!("escape-mounted-over-root")),
        Err(e) => Blocked(t!("escape-mount-root-blocked", error = e)),
    }
}

/// Mount points of this mount namespace.
fn mount_points() -> Vec<PathBuf> {
    let text = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut points: Vec<PathBuf> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(4))
        .map(PathBuf::from)
        .collect();
    points.sort();
    points.dedup();
    points
}

/// The sandbox's own writable mounts: writing there is allowed and leaves nothing behind.
const PRIVATE: &[&str] = &["/tmp", "/var/tmp", "/run", "/dev", "/proc", "/sys"];

/// `write-host`: create a file outside the private mounts (/, /etc, /usr, /var, /home, every
/// other mount).
pub(super) fn write_host() -> Outcome {
    let mut dirs: Vec<PathBuf> = [
        "/",
        "/etc",
        "/usr",
        "/usr/local",
        "/var",
        "/var/lib",
        "/var/cache",
        "/var/log",
        "/var/spool",
        "/var/mail",
        "/home",
        "/root",
        "/opt",
        "/srv",
        "/mnt",
        "/media",
    ]
    .iter()
    .map(PathBuf::from)
    .chain(mount_points())
    .filter(|p| !PRIVATE.iter().any(|m| p.starts_with(m)) && p.is_dir())
    .collect();
    dirs.dedup();
    let name = format!("limitlab-escape-{}", std::process::id());
    let mut errors = Vec::new();
    for d in &dirs {
        let f = d.join(&name);
        match fs::OpenOptions::new().write(true).create_new(true).open(&f) {
            Ok(_) => {
                let _ = fs::remove_file(&f);
                return Escaped(t!("escape-created-on-host", path = f.display()));
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    Blocked(t!(
        "escape-dirs-refused",
        n = number(dirs.len()),
        errors = tally(&errors)
    ))
}

/// Every block device name the kernel lists (its /proc/partitions and /sys/class/block).
fn block_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_to_string("/proc/partitions")
        .unwrap_or_default()
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().nth(3).map(str::to_string))
        .collect();
    if let Ok(d) = fs::read_dir("/sys/class/block") {
        names.extend(d.flatten().filter_map(|e| e.file_name().into_string().ok()));
    }
    names.sort();
    names.dedup();
    names
}

/// `block-device`: open a host block device (each disk and partition the kernel lists).
pub(super) fn block_device() -> Outcome {
    let names = block_names();
    let mut paths: Vec<PathBuf> = names.iter().map(|n| Path::new("/dev").join(n)).collect();
    if let Ok(d) = fs::read_dir("/dev/block") {
        paths.extend(d.flatten().map(|e| e.path()));
    }
    if paths.is_empty() {
        return Blocked(t!("escape-no-block-device"));
    }
    let mut errors = Vec::new();
    for p in &paths {
        match fs::File::open(p) {
            Ok(_) => return Escaped(t!("escape-opened-block", path = p.display())),
            Err(e) => errors.push(e.to_string()),
        }
    }
    Blocked(t!(
        "escape-block-refused",
        n = number(paths.len()),
        errors = tally(&errors)
    ))
}

/// `proc-kcore`: read /proc/kcore and the other /proc and /sys paths runc masks.
pub(super) fn proc_kcore() -> Outcome {
    let mut said = Vec::new();
    for p in crate::data::MASKED {
        let path = Path::new(p);
        let what = if path.is_dir() {
            match fs::read_dir(path) {
                Ok(d) => match d.count() {
                    0 => t!("escape-empty"),
                    n => return Escaped(t!("escape-lists-entries", path = p, n = number(n))),
                },
                Err(e) => e.to_string(),
            }
        } else {
            let mut buf = [0u8; 64];
            match fs::File::open(path).and_then(|mut f| io::Read::read(&mut f, &mut buf)) {
                Ok(0) => t!("escape-empty"),
                Ok(n) => return Escaped(t!("escape-read-bytes", n = number(n), path = p)),
                Err(e) => e.to_string(),
            }
        };
        said.push(format!("{p}: {what}"));
    }
    Blocked(said.join("; "))
}

/// `mknod`: create a device node (a disk's and /dev/null's numbers) in every writable mount.
pub(super) fn mknod() -> Outcome {
    use nix::sys::stat::{Mode, SFlag, makedev};
    let mut errors = Vec::new();
    let mut tried = 0;
    for dir in ["/tmp", "/var/tmp", "/dev/shm", "/run"] {
        for (kind, major, minor) in [(SFlag::S_IFBLK, 8, 0), (SFlag::S_IFCHR, 1, 3)] {
            let p = Path::new(dir).join(format!("limitlab-escape-node-{major}-{minor}"));
            tried += 1;
            match nix::sys::stat::mknod(
                &p,
                kind,
                Mode::from_bits_truncate(0o666),
                makedev(major, minor),
            ) {
                Ok(()) => {
                    let _ = fs::remove_file(&p);
                    return Escaped(t!(
                        "escape-created-node",
                        path = p.display(),
                        major = major,
                        minor = minor
                    ));
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    Blocked(t!(
        "escape-nodes-refused",
        n = number(tried),
        errors = tally(&errors)
    ))
}

/// `mount`: mount a tmpfs, a procfs, and a bind of / in /tmp.
pub(super) fn mount_any() -> Outcome {
    let dir = Path::new("/tmp/limitlab-escape-mount");
    let _ = fs::create_dir(dir);
    let mut errors = Vec::new();
    let bind = t!("escape-bind-of-root");
    for (what, source, fstype, flags) in [
        ("tmpfs", Some("tmpfs"), Some("tmpfs"), MsFlags::empty()),
        ("procfs", Some("proc"), Some("proc"), MsFlags::empty()),
        (bind.as_str(), Some("/"), None, MsFlags::MS_BIND),
    ] {
        match nix::mount::mount(source, dir, fstype, flags, None::<&str>) {
            Ok(()) => {
                let _ = nix::mount::umount(dir);
                let _ = fs::remove_dir(dir);
                return Escaped(t!("escape-mounted-at", what = what, path = dir.display()));
            }
            Err(e) => errors.push(format!("{what}: {e}")),
        }
    }
    let _ = fs::remove_dir(dir);
    Blocked(errors.join("; "))
}

/// `remount-root`: remount / read-write (mount and mount_setattr), then write there.
pub(super) fn remount_root() -> Outcome {
    let remount = nix::mount::mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REMOUNT | MsFlags::MS_BIND,
        None::<&str>,
    );
    let setattr = sys::mount_setattr(Path::new("/"), 0, sys::MOUNT_ATTR_RDONLY, false);
    let probe = Path::new("/").join(format!("limitlab-escape-{}", std::process::id()));
    let write = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    match (remount, setattr, write) {
        (_, _, Ok(_)) => {
            let _ = fs::remove_file(&probe);
            Escaped(t!("escape-wrote-after-remount", path = probe.display()))
        }
        (Ok(()), _, _) => Escaped(t!("escape-remounted-root")),
        (_, Ok(()), _) => Escaped(t!("escape-cleared-readonly")),
        (Err(a), Err(b), Err(c)) => Blocked(t!(
            "escape-remount-root-blocked",
            remount = a,
            setattr = b,
            write = c
        )),
    }
}

/// `proc-sys-write`: write /proc/sys (each value written back unchanged).
pub(super) fn proc_sys_write() -> Outcome {
    let files = [
        "/proc/sys/kernel/hostname",
        "/proc/sys/kernel/domainname",
        "/proc/sys/kernel/core_pattern",
        "/proc/sys/vm/overcommit_memory",
        "/proc/sys/net/core/somaxconn",
        "/proc/sys/fs/file-max",
    ];
    let mut errors = Vec::new();
    for f in files {
        let Ok(value) = fs::read_to_string(f) else {
            continue;
        };
        match fs::write(f, value.as_bytes()) {
            Ok(()) => return Escaped(t!("escape-wrote-proc-sys", path = f)),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        return Blocked(t!("escape-no-proc-sys"));
    }
    Blocked(t!(
        "escape-files-refused",
        n = number(errors.len()),
        errors = tally(&errors)
    ))
}
