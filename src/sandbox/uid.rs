//! A uid of the run's own. `RLIMIT_NPROC` counts every process of the workload's real uid on
//! the whole machine, not only the sandbox's: with the default uid (65534, nobody) a run's
//! limit was eaten by every other process of nobody, other limitlab runs' among them (the
//! soak's `RLIMIT_NPROC = 100` cell failed 12 times in 50 rounds beside other runs: its bomb
//! could not fork at all). So a scenario that sets `rlimits.nproc` and no `uid` runs as a
//! uid leased for the run alone, from [`PRIVATE_UIDS`]:
//! - a lock file per uid in [`LEASE_DIR`], held with `flock` for as long as the [`Lease`]
//!   lives (the kernel drops it when the harness dies, however it dies), so two runs at once
//!   never share one;
//! - and no process on the machine may have the uid as its real uid when it is leased (a
//!   sandbox of a killed harness that is still being torn down keeps its uid out of use).

use std::fs::{File, OpenOptions};
use std::io;
use std::ops::Range;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

/// Where the lock files are.
pub const LEASE_DIR: &str = "/run/limitlab/uids";

/// The uids a run may lease: 0x70000000 and the 4,096 after it, a range systemd's uid map
/// (`UIDS-GIDS.md`) leaves unused, above every container range a runtime hands out
/// (subuids from 100000, systemd-nspawn's 0x80000-0x6FFFFFFF) and below 2^31.
pub const PRIVATE_UIDS: Range<u32> = 0x7000_0000..0x7000_1000;

/// A uid held for one run; given back when dropped.
#[derive(Debug)]
pub struct Lease {
    uid: u32,
    _lock: Flock<File>,
}

impl Lease {
    pub fn uid(&self) -> u32 {
        self.uid
    }
}

/// Leases a uid from [`PRIVATE_UIDS`], with its lock file in [`LEASE_DIR`].
pub fn lease() -> io::Result<Lease> {
    lease_in(Path::new(LEASE_DIR), PRIVATE_UIDS, &in_use)
}

/// Leases a uid from `range`, trying first the one the harness's pid points at (runs
/// started at once then rarely try the same one first); `busy` says whether a process has
/// the uid.
pub fn lease_in(dir: &Path, range: Range<u32>, busy: &dyn Fn(u32) -> bool) -> io::Result<Lease> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let len = range.end - range.start;
    let first = std::process::id() % len;
    for i in 0..len {
        let uid = range.start + (first + i) % len;
        let Some(lock) = try_lock(&lock_file(dir, uid))? else {
            continue;
        };
        if !busy(uid) {
            return Ok(Lease { uid, _lock: lock });
        }
    }
    Err(io::Error::other(crate::t!(
        "sandbox-uids-exhausted",
        first = range.start,
        last = range.end - 1
    )))
}

fn lock_file(dir: &Path, uid: u32) -> PathBuf {
    dir.join(uid.to_string())
}

/// The file, locked; `None` when another lease holds it.
fn try_lock(path: &Path) -> io::Result<Option<Flock<File>>> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(path)?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(Some(lock)),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => Ok(None),
        Err((_, e)) => Err(e.into()),
    }
}

/// Whether any process on the machine has `uid` as its real uid (what `RLIMIT_NPROC`
/// counts).
pub fn in_use(uid: u32) -> bool {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return true;
    };
    procs
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .any(|e| real_uid(&e.path().join("status")) == Some(uid))
}

/// The `Uid:` line's first field.
fn real_uid(status: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(status).ok()?;
    let line = text.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_leases_at_once_get_two_uids_and_a_given_back_uid_is_leased_again() {
        let dir = tempfile::tempdir().unwrap();
        let free = |_| false;
        let a = lease_in(dir.path(), 1000..1002, &free).unwrap();
        let b = lease_in(dir.path(), 1000..1002, &free).unwrap();
        assert_ne!(a.uid(), b.uid());
        let err = lease_in(dir.path(), 1000..1002, &free).unwrap_err();
        assert!(
            err.to_string().contains("every uid from 1000 to 1001"),
            "{err}"
        );
        let err = crate::i18n::with(crate::i18n::Lang::Es, || {
            lease_in(dir.path(), 1000..1002, &free).unwrap_err()
        });
        assert_eq!(
            err.to_string(),
            "todos los uid de 1000 a 1001 están reservados por otra ejecución o los usa algún proceso"
        );
        let given_back = a.uid();
        drop(a);
        assert_eq!(
            lease_in(dir.path(), 1000..1002, &free).unwrap().uid(),
            given_back
        );
    }

    #[test]
    fn a_uid_a_process_has_is_not_leased() {
        let dir = tempfile::tempdir().unwrap();
        let l = lease_in(dir.path(), 1000..1003, &|uid| uid != 1002).unwrap();
        assert_eq!(l.uid(), 1002);
    }

    #[test]
    fn the_real_uid_of_this_process_is_seen_in_use() {
        let me = nix::unistd::getuid().as_raw();
        assert!(in_use(me));
        assert!(!in_use(4_000_000_000));
    }
}
