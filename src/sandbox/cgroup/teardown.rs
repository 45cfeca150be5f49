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

/// How long the kill loop keeps at it without progress ([`Progress`]).
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
    signal_targets(listed(dirs))
        .filter(|pid| {
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(*pid), nix::sys::signal::SIGKILL)
                .is_ok()
        })
        .count()
}

/// The listed pids a signal may be sent to. A cgroup2 `cgroup.procs` prints each task's pid
/// as the reader's pid namespace sees it: 0 for a task outside that namespace, or for one
/// whose pid was released as it exited while the file was read (a C kill loop over a
/// 10,000-task bomb read one here). `kill(0, SIGKILL)` is the killer's own process group:
/// the harness, and the shell or CI job that started it.
fn signal_targets(listed: Vec<i32>) -> impl Iterator<Item = i32> {
    listed.into_iter().filter(|pid| *pid > 0)
}

/// The kill loop: SIGKILL each listed process every millisecond until `empty` says no
/// process is left, or `patience` passed without progress ([`Progress`]).
pub fn kill_until_empty(dirs: &[PathBuf], empty: &dyn Fn() -> bool, patience: Duration) {
    let mut progress = Progress::new(patience);
    while !empty() {
        let listed = kill_listed(dirs);
        if !progress.go_on(listed) {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Waits (looking every 500 µs) until `empty` says no process is left in `dirs`, or
/// `patience` passed without progress ([`Progress`]); returns whether none is.
pub fn wait_until_empty(dirs: &[PathBuf], empty: &dyn Fn() -> bool, patience: Duration) -> bool {
    let mut progress = Progress::new(patience);
    let mut next_count = Instant::now();
    while !empty() {
        // Counting the listed processes costs more than `empty`: every 10 ms is enough.
        if Instant::now() >= next_count {
            if !progress.go_on(listed(dirs).len()) {
                break;
            }
            next_count = Instant::now() + Duration::from_millis(10);
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    empty()
}

/// The most any teardown wait goes on while its processes are still leaving.
pub const PROGRESS_CAP: Duration = Duration::from_secs(60);

/// When a wait for processes to leave gives up: after its patience passed with no fewer
/// processes listed than before, or after [`PROGRESS_CAP`] whatever happens. A fixed bound
/// was wrong on a starved machine: killed tasks need a CPU to exit, and with both cores
/// taken by other work 1,000 of them took longer than the bound while leaving steadily, so
/// teardown reported as leaked processes that were on their way out (the load test saw it).
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    start: Instant,
    last: Instant,
    fewest: usize,
    patience: Duration,
}

impl Progress {
    pub fn new(patience: Duration) -> Progress {
        let now = Instant::now();
        Progress {
            start: now,
            last: now,
            fewest: usize::MAX,
            patience,
        }
    }

    /// Whether to go on waiting, now that `left` processes are listed.
    pub fn go_on(&mut self, left: usize) -> bool {
        self.go_on_at(left, Instant::now())
    }

    fn go_on_at(&mut self, left: usize, now: Instant) -> bool {
        if left < self.fewest {
            self.fewest = left;
            self.last = now;
        }
        now.duration_since(self.last) < self.patience
            && now.duration_since(self.start) < PROGRESS_CAP
    }
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
    fn a_listed_0_is_never_signalled_since_kill_0_is_our_own_process_group() {
        let dir = tempfile::tempdir().unwrap();
        let cg = dir.path().to_path_buf();
        std::fs::write(cg.join("cgroup.procs"), "0\n424242\n0\n").unwrap();
        let listed = listed(std::slice::from_ref(&cg));
        assert_eq!(listed, vec![0, 424242], "a 0 still counts as a task there");
        assert_eq!(signal_targets(listed).collect::<Vec<_>>(), vec![424242]);
        assert_eq!(signal_targets(vec![-1, 0, 7]).collect::<Vec<_>>(), vec![7]);
    }

    #[test]
    fn a_wait_goes_on_while_processes_leave_and_stops_when_they_stop_or_at_the_cap() {
        let p = Duration::from_secs(5);
        let mut w = Progress::new(p);
        let t0 = w.start;
        let at = |s: u64| t0 + Duration::from_secs(s);
        assert!(w.go_on_at(1000, at(0)));
        // Fewer every 4 s: past the patience of 5 s from the start, still going on.
        assert!(w.go_on_at(900, at(4)));
        assert!(w.go_on_at(800, at(8)));
        assert!(w.go_on_at(800, at(12)));
        // No fewer for 5 s: given up.
        assert!(!w.go_on_at(800, at(13)));
        let mut w = Progress::new(p);
        let t0 = w.start;
        let gone = (0..60).all(|s| w.go_on_at(10_000 - s as usize, t0 + Duration::from_secs(s)));
        assert!(gone, "steady progress is waited for up to the cap");
        assert!(!w.go_on_at(1, t0 + PROGRESS_CAP));
    }

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
