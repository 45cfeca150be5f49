//! The cgroup attempts: move out of its cgroups, loosen their limits, remount cgroupfs, and
//! unshare a cgroup namespace.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use nix::mount::MsFlags;
use nix::sched::CloneFlags;
use nix::unistd::ForkResult;

use super::Outcome::{self, Blocked, Escaped};
use super::{number, tally};
use crate::sys::{self, SingleThreaded};
use crate::t;

/// Every file named `name` below /sys/fs/cgroup.
fn cgroup_files(names: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, names: &[&str], out: &mut Vec<PathBuf>, depth: usize) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            if is_dir && depth < 16 {
                walk(&p, names, out, depth + 1);
            } else if names.iter().any(|n| e.file_name() == *n) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new("/sys/fs/cgroup"), names, &mut out, 0);
    out
}

/// Tries writing `value` into each file; any write that succeeds is an escape.
fn write_each(files: &[PathBuf], value: &str) -> Outcome {
    let mut errors = Vec::new();
    for f in files {
        match fs::write(f, value) {
            Ok(()) => {
                return Escaped(t!(
                    "escape-wrote-into",
                    value = format!("{value:?}"),
                    path = f.display()
                ));
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if files.is_empty() {
        return Blocked(t!("escape-no-file-visible"));
    }
    Blocked(t!(
        "escape-files-refused",
        n = number(files.len()),
        errors = tally(&errors)
    ))
}

/// `cgroup-move`: write its own pid into every cgroup.procs it can see (ancestors included).
pub(super) fn move_self() -> Outcome {
    let before = fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let r = write_each(
        &cgroup_files(&["cgroup.procs", "tasks"]),
        &std::process::id().to_string(),
    );
    let after = fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    if before != after {
        return Escaped(t!(
            "escape-cgroups-changed",
            before = format!("{before:?}"),
            after = format!("{after:?}")
        ));
    }
    r
}

/// `cgroup-limit`: write "max" into every pids, memory and cpu limit file it can see.
pub(super) fn raise_limits() -> Outcome {
    let files = cgroup_files(&[
        "pids.max",
        "memory.max",
        "memory.limit_in_bytes",
        "memory.memsw.limit_in_bytes",
        "cpu.max",
        "cpu.cfs_quota_us",
    ]);
    match write_each(&files, "max") {
        Blocked(how) => match write_each(&files, "-1") {
            Blocked(_) => Blocked(how),
            escaped => escaped,
        },
        escaped => escaped,
    }
}

/// `cgroupfs-remount`: remount cgroupfs read-write, or mount a fresh cgroup2.
pub(super) fn remount_cgroupfs() -> Outcome {
    let r = nix::mount::mount(
        None::<&str>,
        "/sys/fs/cgroup",
        None::<&str>,
        MsFlags::MS_REMOUNT | MsFlags::MS_BIND,
        None::<&str>,
    );
    if r.is_ok() {
        return Escaped(t!("escape-remounted-cgroupfs"));
    }
    let target = "/tmp/limitlab-escape-cgroup2";
    let _ = fs::create_dir(target);
    let fresh = nix::mount::mount(
        Some("none"),
        target,
        Some("cgroup2"),
        MsFlags::empty(),
        None::<&str>,
    );
    let _ = fs::remove_dir(target);
    match (r, fresh) {
        (_, Ok(())) => {
            let _ = nix::mount::umount(target);
            Escaped(t!("escape-mounted-cgroup2", path = target))
        }
        (Err(a), Err(b)) => Blocked(t!("escape-cgroupfs-blocked", remount = a, fresh = b)),
        (Ok(()), _) => unreachable!("handled above"),
    }
}

/// Runs `f` in a forked child (so nothing it manages to change touches this process);
/// returns what it reported.
fn in_child(
    proof: &SingleThreaded,
    f: impl FnOnce() -> Result<String, String>,
) -> Result<String, String> {
    let (r, w) = match nix::unistd::pipe() {
        Ok(p) => p,
        Err(e) => return Err(format!("pipe: {e}")),
    };
    match sys::fork(proof) {
        Err(e) => Err(format!("fork: {e}")),
        Ok(ForkResult::Child) => {
            drop(r);
            let (tag, msg) = match f() {
                Ok(m) => ('+', m),
                Err(m) => ('-', m),
            };
            let _ = fs::File::from(w).write_all(format!("{tag}{msg}").as_bytes());
            sys::exit_now(0)
        }
        Ok(ForkResult::Parent { child }) => {
            drop(w);
            let mut text = String::new();
            let _ = io::Read::read_to_string(&mut fs::File::from(r), &mut text);
            let _ = nix::sys::wait::waitpid(child, None);
            match text.strip_prefix('+') {
                Some(m) => Ok(m.to_string()),
                None => Err(text.trim_start_matches('-').to_string()),
            }
        }
    }
}

/// `cgroup-namespace`: unshare a new cgroup namespace, with and without a user namespace.
pub(super) fn unshare_namespace(proof: &SingleThreaded) -> Outcome {
    let plain = in_child(proof, || {
        nix::sched::unshare(CloneFlags::CLONE_NEWCGROUP)
            .map(|_| t!("escape-unshared-cgroupns"))
            .map_err(|e| e.to_string())
    });
    let with_user = in_child(proof, || {
        nix::sched::unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWCGROUP)
            .map(|_| t!("escape-unshared-user-cgroupns"))
            .map_err(|e| e.to_string())
    });
    match (plain, with_user) {
        (Ok(m), _) | (_, Ok(m)) => Escaped(m),
        (Err(a), Err(b)) => Blocked(t!("escape-cgroupns-blocked", plain = a, user = b)),
    }
}
