//! The one teardown routine: every process in a sandbox's cgroups killed without depending
//! on its cooperation, then the cgroups removed. The sandbox's own teardown
//! ([`crate::sandbox::Sandbox::kill`]), the watchdog ([`super::Cgroup::kill_all`] then
//! [`emergency_teardown`]), the supervisor and `limitlab clean` ([`emergency_teardown`]) all
//! come here.
//!
//! It kills in two steps:
//! 1. **at once**, where the kernel offers a way ([`AtOnce`]): `cgroup.kill`, or a freezer
//!    (freeze, SIGKILL each listed process, thaw: frozen tasks cannot fork, so one pass
//!    kills them all); where it offers none, the kill loop is the first step;
//! 2. **the kill loop**, for whatever is still there once the caller's wait is over: SIGKILL
//!    each listed process every millisecond until none is left.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::CgroupError;
use super::files::{procs, read, remove_dirs, write};

/// How long the kill loop keeps at it.
pub const KILL_LOOP_PATIENCE: Duration = Duration::from_secs(5);
/// How long a sandbox's teardown waits for the v1 freezer to report `FROZEN`.
pub const FREEZE_PATIENCE: Duration = Duration::from_secs(2);
/// How long an emergency teardown waits for the v1 freezer to report `FROZEN`.
const EMERGENCY_FREEZE_PATIENCE: Duration = Duration::from_secs(1);
/// How long an emergency teardown retries removing a busy directory.
const EMERGENCY_REMOVE_PATIENCE: Duration = Duration::from_secs(3);

/// How teardown killed the processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillMethod {
    CgroupKill,
    FreezeKill,
    KillLoop,
}

impl KillMethod {
    pub fn name(self) -> &'static str {
        match self {
            KillMethod::CgroupKill => "cgroup.kill",
            KillMethod::FreezeKill => "freeze + SIGKILL each + thaw",
            KillMethod::KillLoop => "SIGKILL loop over cgroup.procs",
        }
    }
}

/// A way the kernel offers to kill every process in the cgroups at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtOnce {
    /// Writes `1` into each of these `cgroup.kill` files (cgroup2, Linux 5.14 and later).
    CgroupKill(Vec<PathBuf>),
    /// Freezes, sends SIGKILL to each listed process, thaws.
    Freeze(Freezer),
}

/// A freezer file and the values that freeze and thaw through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freezer {
    /// `freezer.state` (v1) or `cgroup.freeze` (cgroup2).
    file: PathBuf,
    frozen: &'static str,
    thawed: &'static str,
    /// How long to wait for the file to read back frozen before the kill pass.
    patience: Duration,
}

impl Freezer {
    /// The v1 freezer of `dir`: its `freezer.state` reads `FREEZING` until every task is
    /// frozen; the kill pass waits up to `patience` for `FROZEN`.
    pub fn v1(dir: &Path, patience: Duration) -> Freezer {
        Freezer {
            file: dir.join("freezer.state"),
            frozen: "FROZEN",
            thawed: "THAWED",
            patience,
        }
    }

    /// cgroup2's `cgroup.freeze` in `dir`, for kernels without `cgroup.kill` (before Linux
    /// 5.14). It is not waited for.
    pub fn v2(dir: &Path) -> Freezer {
        Freezer {
            file: dir.join("cgroup.freeze"),
            frozen: "1",
            thawed: "0",
            patience: Duration::ZERO,
        }
    }

    /// Freeze, SIGKILL each listed process, thaw. The first write that fails ends it.
    fn freeze_kill_thaw(&self, dirs: &[PathBuf]) -> Result<(), CgroupError> {
        write(&self.file, self.frozen)?;
        let until = Instant::now() + self.patience;
        while Instant::now() < until && read(&self.file).is_ok_and(|s| s != self.frozen) {
            std::thread::sleep(Duration::from_millis(1));
        }
        kill_listed(dirs);
        write(&self.file, self.thawed)
    }
}

impl AtOnce {
    /// What bare directories offer (all the supervisor and `limitlab clean` know of a
    /// sandbox): `cgroup.kill` where a directory has it, else the v1 freezer, else nothing.
    pub fn found_in(dirs: &[PathBuf]) -> Option<AtOnce> {
        let kill_files: Vec<PathBuf> = dirs
            .iter()
            .map(|d| d.join("cgroup.kill"))
            .filter(|f| f.exists())
            .collect();
        if !kill_files.is_empty() {
            return Some(AtOnce::CgroupKill(kill_files));
        }
        dirs.iter()
            .find(|d| d.join("freezer.state").exists())
            .map(|d| AtOnce::Freeze(Freezer::v1(d, EMERGENCY_FREEZE_PATIENCE)))
    }

    /// Kills every process listed in `dirs` this way.
    fn kill(&self, dirs: &[PathBuf]) -> Result<KillMethod, CgroupError> {
        match self {
            AtOnce::CgroupKill(files) => {
                let written: Vec<_> = files.iter().map(|f| write(f, "1")).collect();
                written.into_iter().collect::<Result<(), _>>()?;
                Ok(KillMethod::CgroupKill)
            }
            AtOnce::Freeze(freezer) => {
                freezer.freeze_kill_thaw(dirs)?;
                Ok(KillMethod::FreezeKill)
            }
        }
    }
}

/// Every process listed in the cgroups, each once (the hierarchies list the same
/// processes).
pub fn listed(dirs: &[PathBuf]) -> Vec<i32> {
    let mut pids: Vec<i32> = dirs.iter().flat_map(|d| procs(d)).collect();
    pids.sort_unstable();
    pids.dedup();
    pids
}

/// Sends SIGKILL once to every pid listed in the cgroups; returns how many were signalled.
pub fn kill_listed(dirs: &[PathBuf]) -> usize {
    listed(dirs)
        .into_iter()
        .filter(|pid| {
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(*pid), nix::sys::signal::SIGKILL)
                .is_ok()
        })
        .count()
}

/// The kill loop: SIGKILL each listed process every millisecond until `empty` says no
/// process is left, or `patience` passed.
pub fn kill_until_empty(dirs: &[PathBuf], empty: &dyn Fn() -> bool, patience: Duration) {
    let until = Instant::now() + patience;
    while !empty() && Instant::now() < until {
        kill_listed(dirs);
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Waits (looking every 500 µs) until `empty` says no process is left, or `patience`
/// passed; returns whether none is.
pub fn wait_until_empty(empty: &dyn Fn() -> bool, patience: Duration) -> bool {
    let until = Instant::now() + patience;
    while !empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_micros(500));
    }
    empty()
}

/// The first step: kills at once where `at_once` says how, else runs the kill loop.
pub fn kill_at_once(
    dirs: &[PathBuf],
    at_once: Option<&AtOnce>,
    empty: &dyn Fn() -> bool,
) -> Result<KillMethod, CgroupError> {
    match at_once {
        Some(a) => a.kill(dirs),
        None => {
            kill_until_empty(dirs, empty, KILL_LOOP_PATIENCE);
            Ok(KillMethod::KillLoop)
        }
    }
}

/// The one teardown routine: the first step ([`kill_at_once`]), then `settle` (the caller's
/// wait, which says whether no process is left), then, for whatever survived, the kill loop.
/// Returns the method that emptied the cgroups: the kill loop when the first step failed or
/// left survivors.
pub fn kill_everything(
    dirs: &[PathBuf],
    at_once: Option<&AtOnce>,
    empty: &dyn Fn() -> bool,
    settle: impl FnOnce() -> bool,
) -> KillMethod {
    let method = kill_at_once(dirs, at_once, empty).unwrap_or(KillMethod::KillLoop);
    if settle() {
        return method;
    }
    kill_until_empty(dirs, empty, KILL_LOOP_PATIENCE);
    KillMethod::KillLoop
}

/// What an emergency teardown did.
#[derive(Debug, Default)]
pub struct Cleanup {
    /// Processes signalled (or killed by `cgroup.kill`: the count before).
    pub killed: usize,
    /// Processes still listed when it gave up.
    pub left: usize,
    /// Directories that could not be removed, with why.
    pub stuck: Vec<(PathBuf, std::io::Error)>,
}

/// Kills everything in a sandbox's cgroups and removes them, knowing only the directories:
/// for the supervisor when the harness died, for the watchdog when a run is stuck, and for
/// `limitlab clean`. Uses what [`AtOnce::found_in`] finds, then the kill loop straight away.
pub fn emergency_teardown(dirs: &[PathBuf]) -> Cleanup {
    let killed = listed(dirs).len();
    let at_once = AtOnce::found_in(dirs);
    let empty = || listed(dirs).is_empty();
    // Without a way to kill at once the kill loop was the first step, and has had its time.
    kill_everything(dirs, at_once.as_ref(), &empty, || {
        at_once.is_none() || empty()
    });
    Cleanup {
        killed,
        left: listed(dirs).len(),
        stuck: remove_dirs(dirs, EMERGENCY_REMOVE_PATIENCE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_directories_offer_cgroup_kill_first_then_the_v1_freezer() {
        let tmp = tempfile::tempdir().unwrap();
        let (pids, freezer, unified) = (
            tmp.path().join("pids"),
            tmp.path().join("freezer"),
            tmp.path().join("unified"),
        );
        for d in [&pids, &freezer, &unified] {
            std::fs::create_dir(d).unwrap();
        }
        let dirs = vec![pids.clone(), freezer.clone(), unified.clone()];
        assert_eq!(AtOnce::found_in(&dirs), None);
        std::fs::write(freezer.join("freezer.state"), "THAWED\n").unwrap();
        assert_eq!(
            AtOnce::found_in(&dirs),
            Some(AtOnce::Freeze(Freezer::v1(
                &freezer,
                EMERGENCY_FREEZE_PATIENCE
            )))
        );
        std::fs::write(unified.join("cgroup.kill"), "").unwrap();
        assert_eq!(
            AtOnce::found_in(&dirs),
            Some(AtOnce::CgroupKill(vec![unified.join("cgroup.kill")]))
        );
    }

    #[test]
    fn the_freezer_is_thawed_after_the_kill_pass() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        std::fs::write(dir.join("freezer.state"), "THAWED\n").unwrap();
        let at_once = AtOnce::Freeze(Freezer::v1(&dir, FREEZE_PATIENCE));
        let method = kill_at_once(std::slice::from_ref(&dir), Some(&at_once), &|| true);
        assert_eq!(method.unwrap(), KillMethod::FreezeKill);
        assert_eq!(read(&dir.join("freezer.state")).unwrap(), "THAWED");
    }

    #[test]
    fn a_failed_write_keeps_its_path_and_value_and_falls_back_to_the_kill_loop() {
        let tmp = tempfile::tempdir().unwrap();
        let gone = tmp.path().join("gone");
        let at_once = AtOnce::CgroupKill(vec![gone.join("cgroup.kill")]);
        let dirs = std::slice::from_ref(&gone);
        match kill_at_once(dirs, Some(&at_once), &|| true) {
            Err(CgroupError::Write { path, value, .. }) => {
                assert_eq!(path, gone.join("cgroup.kill"));
                assert_eq!(value, "1");
            }
            other => panic!("{other:?}"),
        }
        let method = kill_everything(dirs, Some(&at_once), &|| true, || true);
        assert_eq!(method, KillMethod::KillLoop);
    }
}
