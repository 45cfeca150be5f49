//! Which cgroups a running harness owns: it holds an `flock` on every cgroup directory it
//! creates, from its `mkdir` to its `rmdir` (or its death, which releases the lock). The
//! kernel keeps the lock with the directory's inode, in every hierarchy, v1 and cgroup2
//! alike, so a second harness asks the kernel whether a run is still alive instead of
//! guessing from its pid.
//!
//! Before this, a run counted as alive only when `/proc/<pid>/exe` had "limitlab" in its
//! name: a copy under another name (`cp limitlab /usr/local/bin/ll`) looked dead, and the
//! next `limitlab run` killed its sandbox at start as a leftover (measured: a 30-minute run
//! torn down 20 ms after a second run started beside it). The name check stays, for the
//! cgroups of a harness older than the lock.
//!
//! A lock belongs to an open file description, and a child forked by the harness holds a
//! copy of it until the child exits or execs (the host probe's tiny child, a clone waiting
//! for its exec), as does a thread of a killed harness that the kernel has not yet let die.
//! So a run whose harness is seen to have ended (a zombie, a process whose program is gone)
//! is a leftover whatever still holds its directories. A pid with no process here may be a
//! harness in another pid namespace, or one `hidepid` hides: there the lock decides.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

/// The directories this process holds, each with its open, locked descriptor.
static HELD: Mutex<BTreeMap<PathBuf, Flock<File>>> = Mutex::new(BTreeMap::new());

fn held_dirs() -> MutexGuard<'static, BTreeMap<PathBuf, Flock<File>>> {
    HELD.lock().unwrap_or_else(|e| e.into_inner())
}

fn open_dir(dir: &Path) -> Option<File> {
    // std opens with O_CLOEXEC: a workload this process execs never inherits the lock.
    File::open(dir).ok()
}

/// Holds `dir` for as long as this process runs or until [`release`]. A directory that
/// cannot be locked is not held; [`super::layout::Layout::leftovers`] then falls back on
/// the owner's pid and name.
pub fn take(dir: &Path) {
    // Blocking: another harness asking [`held`] takes a shared lock for a moment, and a
    // non-blocking try that met it would leave the directory unheld for the whole run.
    // Nothing else locks a directory this process has just made.
    if let Some(f) = open_dir(dir)
        && let Ok(lock) = Flock::lock(f, FlockArg::LockExclusive)
    {
        held_dirs().insert(dir.to_path_buf(), lock);
    }
}

/// Lets go of `dir` (it has been removed, or is about to be).
pub fn release(dir: &Path) {
    held_dirs().remove(dir);
}

/// Whether some running process holds `dir`. Asking takes a shared lock for a moment, which
/// the holder's exclusive one refuses.
pub fn held(dir: &Path) -> bool {
    if held_dirs().contains_key(dir) {
        return true;
    }
    match open_dir(dir) {
        // Got it: nobody holds it (the lock goes with the descriptor, at once).
        Some(f) => matches!(
            Flock::lock(f, FlockArg::LockSharedNonblock),
            Err((_, Errno::EWOULDBLOCK))
        ),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_held_from_take_to_release_and_by_another_process() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("limitlab.1.0");
        std::fs::create_dir(&dir).unwrap();
        assert!(!held(&dir), "nobody holds a new directory");
        take(&dir);
        assert!(held(&dir));
        // Another process sees the lock: the check the next harness makes.
        let other = std::process::Command::new("flock")
            .args(["--nonblock", "--shared"])
            .arg(&dir)
            .arg("true")
            .status()
            .expect("flock(1) from util-linux runs");
        assert!(!other.success(), "flock(1) got the lock this process holds");
        release(&dir);
        assert!(!held(&dir));
    }
}
