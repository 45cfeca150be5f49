//! Where the cgroup hierarchies are ([`Layout`]): the three layouts, this process's place in
//! each hierarchy, the limits set above it, and the cgroups earlier runs left behind.
//!
//! Three layouts, detected at run time with `statfs` (the youki way):
//! - **v1**: one hierarchy per controller (`/sys/fs/cgroup/pids`, `.../memory`, ...);
//! - **hybrid**: v1 hierarchies for the limits plus a cgroup2 tree at
//!   `/sys/fs/cgroup/unified` without controllers, used for `cgroup.kill`, freezing and
//!   per-sandbox PSI;
//! - **v2**: one cgroup2 tree at `/sys/fs/cgroup` with the controllers.
//!
//! The root path is a parameter so tests build fake trees in a tempdir.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::CgroupError;
use super::files::read;

pub const DEFAULT_ROOT: &str = "/sys/fs/cgroup";
/// Every cgroup limitlab creates is named `limitlab.<pid>.<n>`, so leftovers can be told
/// apart from other tools' cgroups and from a live run's.
pub const NAME_PREFIX: &str = "limitlab.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    V1,
    Hybrid,
    V2,
}

/// In English whatever the language, as it may be recorded; [`Mode::text`] is what a person
/// reads.
impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::V1 => "cgroup v1",
            Mode::Hybrid => "cgroup v1 hybrid (v1 controllers + cgroup2 tree)",
            Mode::V2 => "cgroup v2",
        })
    }
}

impl Mode {
    /// The mode as a person reads it, in the current language: `cgroup v1 hybrid (v1
    /// controllers + cgroup2 tree)`, `cgroup v1 híbrido (controladores v1 + árbol cgroup2)`
    /// (the report's host line, the fleet report's cgroup mode).
    pub fn text(self) -> String {
        match self {
            Mode::V1 => crate::t!("cgroup-mode-v1"),
            Mode::Hybrid => crate::t!("cgroup-mode-hybrid"),
            Mode::V2 => crate::t!("cgroup-mode-v2"),
        }
    }

    /// The layout of the running system, from `statfs` of `/sys/fs/cgroup` and of its
    /// `unified` child ([`FORCE_V1_ENV`] makes a hybrid host pure v1).
    fn detect() -> Mode {
        let root = Path::new(DEFAULT_ROOT);
        let is_cgroup2 = |p: &Path| {
            nix::sys::statfs::statfs(p)
                .map(|s| s.filesystem_type() == nix::sys::statfs::CGROUP2_SUPER_MAGIC)
                .unwrap_or(false)
        };
        let mode = if is_cgroup2(root) {
            Mode::V2
        } else if is_cgroup2(&root.join("unified")) {
            Mode::Hybrid
        } else {
            Mode::V1
        };
        // Testing knob: treat a hybrid host as pure v1 (ignore its cgroup2 tree), so the v1
        // teardown (freeze, kill, thaw) and system-wide PSI run on a real kernel.
        if mode == Mode::Hybrid && std::env::var(FORCE_V1_ENV).as_deref() == Ok("1") {
            return Mode::V1;
        }
        mode
    }
}

/// One mounted hierarchy and this process's place in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hierarchy {
    /// Where it is mounted, e.g. `/sys/fs/cgroup/pids`.
    pub mount: PathBuf,
    /// This process's cgroup in it, relative to the mount: `/` or `/user.slice/x`.
    pub own: String,
}

impl Hierarchy {
    /// The directory of this process's own cgroup.
    pub fn own_dir(&self) -> PathBuf {
        self.mount.join(self.own.trim_start_matches('/'))
    }

    /// The nearest `file` on this process's cgroup or an ancestor (within the mount) whose
    /// value `sets` accepts: where the limit that applies here is written.
    pub fn nearest(&self, file: &str, sets: impl Fn(&str) -> bool) -> Option<(PathBuf, String)> {
        let mut dir = self.own_dir();
        while dir.starts_with(&self.mount) {
            if let Ok(v) = read(&dir.join(file))
                && sets(&v)
            {
                return Some((dir, v));
            }
            if !dir.pop() {
                break;
            }
        }
        None
    }
}

/// Whether a limit file's value sets a limit: not "max" (v2, or "max 100000" in `cpu.max`),
/// not "-1" (v1 quota), not v1's huge page-aligned number for "unlimited".
pub fn is_limit(v: &str) -> bool {
    !(v == "max"
        || v == "-1"
        || v.starts_with("max ")
        || v.parse::<u64>().is_ok_and(|n| n >= 1 << 62))
}

/// Where the cgroup hierarchies are for this process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    pub mode: Mode,
    /// v1 hierarchies by controller name.
    pub v1: BTreeMap<String, Hierarchy>,
    /// The cgroup2 tree (the whole thing on v2, `unified` on hybrid).
    pub unified: Option<Hierarchy>,
}

/// Set to `1` to run a hybrid host as if it were pure cgroup v1 (for tests).
pub const FORCE_V1_ENV: &str = "LIMITLAB_FORCE_CGROUP_V1";

/// The v1 controllers limitlab uses.
pub const V1_CONTROLLERS: [&str; 6] = ["pids", "memory", "cpu", "cpuacct", "cpuset", "freezer"];

impl Layout {
    /// Detects the layout of the running system from `statfs`, `/proc/self/cgroup` and
    /// `/proc/self/mountinfo`.
    pub fn detect() -> Result<Layout, CgroupError> {
        let read = |p: &str| {
            fs::read_to_string(p).map_err(|source| CgroupError::Read {
                path: p.into(),
                source,
            })
        };
        Layout::from_proc(
            Mode::detect(),
            &read("/proc/self/cgroup")?,
            &read("/proc/self/mountinfo")?,
            None,
        )
    }

    /// Builds the layout from the text of `/proc/self/cgroup` and `/proc/self/mountinfo`.
    /// `rebase` moves mount points under `/sys/fs/cgroup` into another root (fake trees).
    pub fn from_proc(
        mode: Mode,
        cgroup: &str,
        mountinfo: &str,
        rebase: Option<&Path>,
    ) -> Result<Layout, CgroupError> {
        use procfs::FromBufRead;
        let bad = |what: &str, e: procfs::ProcError| {
            CgroupError::Unsupported(format!("cannot parse /proc/self/{what}: {e}"))
        };
        let groups = procfs::ProcessCGroups::from_buf_read(cgroup.as_bytes())
            .map_err(|e| bad("cgroup", e))?;
        let mounts = procfs::process::MountInfos::from_buf_read(mountinfo.as_bytes())
            .map_err(|e| bad("mountinfo", e))?;
        let place = |m: &Path| match rebase {
            Some(root) => match m.strip_prefix(DEFAULT_ROOT) {
                Ok(rest) => root.join(rest),
                Err(_) => m.to_path_buf(),
            },
            None => m.to_path_buf(),
        };
        let relative = |own: &str, mount_root: &str| -> String {
            let rest = own
                .strip_prefix(mount_root.trim_end_matches('/'))
                .unwrap_or(own);
            if rest.is_empty() {
                "/".into()
            } else {
                rest.to_string()
            }
        };

        let mut v1 = BTreeMap::new();
        let mut unified = None;
        for g in &groups.0 {
            if g.hierarchy == 0 && g.controllers.iter().all(|c| c.is_empty()) {
                if let Some(m) = mounts.0.iter().find(|m| m.fs_type == "cgroup2") {
                    unified = Some(Hierarchy {
                        mount: place(&m.mount_point),
                        own: relative(&g.pathname, &m.root),
                    });
                }
                continue;
            }
            let mount = mounts.0.iter().find(|m| {
                m.fs_type == "cgroup"
                    && g.controllers
                        .iter()
                        .all(|c| m.super_options.contains_key(c))
            });
            if let Some(m) = mount {
                for c in &g.controllers {
                    if V1_CONTROLLERS.contains(&c.as_str()) {
                        v1.insert(
                            c.clone(),
                            Hierarchy {
                                mount: place(&m.mount_point),
                                own: relative(&g.pathname, &m.root),
                            },
                        );
                    }
                }
            }
        }
        Layout::checked(mode, v1, unified)
    }

    /// The layout of `mode` from the hierarchies found, or why the host cannot have it.
    fn checked(
        mode: Mode,
        v1: BTreeMap<String, Hierarchy>,
        unified: Option<Hierarchy>,
    ) -> Result<Layout, CgroupError> {
        match mode {
            Mode::V2 if unified.is_none() => Err(CgroupError::Unsupported(crate::t!(
                "cgroup-no-cgroup2-entry"
            ))),
            Mode::V1 | Mode::Hybrid if !v1.contains_key("pids") => Err(CgroupError::Unsupported(
                crate::t!("cgroup-no-pids-controller"),
            )),
            Mode::V2 => Ok(Layout {
                mode,
                v1: BTreeMap::new(),
                unified,
            }),
            Mode::V1 => Ok(Layout {
                mode,
                v1,
                unified: None,
            }),
            Mode::Hybrid => Ok(Layout { mode, v1, unified }),
        }
    }

    /// The nearest `pids.max` below "max" on this process's cgroup or an ancestor: what caps
    /// the processes this one may create.
    pub fn pids_cap(&self) -> Option<(PathBuf, u64)> {
        let h = self.v1.get("pids").or(self.unified.as_ref())?;
        let (dir, v) = h.nearest("pids.max", |v| v.parse::<u64>().is_ok())?;
        Some((dir, v.parse().ok()?))
    }

    /// The nearest memory limit on this process's cgroup or an ancestor (v1
    /// `memory.limit_in_bytes` below the "unlimited" value, v2 `memory.max`).
    pub fn memory_cap(&self) -> Option<(PathBuf, u64)> {
        let (h, file) = match self.v1.get("memory") {
            Some(h) => (h, "memory.limit_in_bytes"),
            None => (self.unified.as_ref()?, "memory.max"),
        };
        let (dir, v) = h.nearest(file, |v| v.parse::<u64>().is_ok() && is_limit(v))?;
        Some((dir, v.parse().ok()?))
    }

    /// The directories under which leftovers of earlier runs may sit (this process's own
    /// cgroup in every hierarchy).
    pub fn parents(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = self.v1.values().map(Hierarchy::own_dir).collect();
        dirs.extend(self.unified.iter().map(Hierarchy::own_dir));
        dirs.sort();
        dirs.dedup();
        dirs
    }
}

/// A run's cgroups left behind (its harness is gone), found by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// `limitlab.<pid>.<n>`
    pub name: String,
    /// The pid of the harness that made it.
    pub owner: i32,
    /// Its directory in every hierarchy.
    pub dirs: Vec<PathBuf>,
}

impl Layout {
    /// limitlab cgroups beneath this process's own cgroups whose harness is no longer
    /// running. Only `limitlab.<pid>.<...>` directories count, and only when process
    /// `<pid>` has ended (see [`Owner`]), or when it runs another program and no process
    /// holds them (see [`super::hold`]); nothing else is ever touched.
    pub fn leftovers(&self) -> Vec<Leftover> {
        let mut by_name: BTreeMap<String, Leftover> = BTreeMap::new();
        // Each owner is looked at once, however many runs and hierarchies name it.
        let mut owners: BTreeMap<i32, Owner> = BTreeMap::new();
        for parent in self.parents() {
            let Ok(entries) = fs::read_dir(&parent) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let Some(owner) = owner_of(&name) else {
                    continue;
                };
                if !e.path().is_dir()
                    || *owners.entry(owner).or_insert_with(|| Owner::of(owner)) == Owner::Limitlab
                {
                    continue;
                }
                by_name
                    .entry(name.clone())
                    .or_insert_with(|| Leftover {
                        name,
                        owner,
                        dirs: Vec::new(),
                    })
                    .dirs
                    .push(e.path());
            }
        }
        // Any other owner is a harness when something holds any of the run's directories, in
        // any hierarchy. One seen to have ended is not, whatever holds its locks: a copy of
        // its descriptors can outlive it (a child it had forked and that has not exited yet,
        // a thread of its that the kernel has not let die).
        by_name
            .into_values()
            .filter(|l| {
                owners[&l.owner] == Owner::Ended || !l.dirs.iter().any(|d| super::hold::held(d))
            })
            .collect()
    }
}

/// The harness pid in a `limitlab.<pid>.<...>` name.
pub fn owner_of(name: &str) -> Option<i32> {
    let rest = name.strip_prefix(NAME_PREFIX)?;
    let (pid, tail) = rest.split_once('.')?;
    (!tail.is_empty()).then_some(())?;
    pid.parse().ok()
}

/// What the process named in a run's cgroups is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// This process, or a running program called limitlab: the run is alive.
    Limitlab,
    /// A running program under another name (a copy of limitlab renamed, a reused pid), or
    /// a pid this process cannot see (none by that number here, another user's behind
    /// `hidepid`, a harness in another pid namespace that shares these cgroups). Its locks
    /// decide.
    Other,
    /// A process that has ended and is not reaped yet: a zombie, or one whose main thread
    /// has exited and whose program the kernel no longer shows. The run is over, whatever
    /// still holds its locks.
    Ended,
}

impl Owner {
    fn of(pid: i32) -> Owner {
        if pid == std::process::id() as i32 {
            return Owner::Limitlab;
        }
        let proc = PathBuf::from(format!("/proc/{pid}"));
        match fs::read_link(proc.join("exe")) {
            Ok(exe) if exe.to_string_lossy().contains("limitlab") => Owner::Limitlab,
            // No program, yet the process is there: it has ended.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && proc.join("stat").exists() => {
                Owner::Ended
            }
            _ => Owner::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fake::*;
    use super::*;

    #[test]
    fn the_mode_is_recorded_in_english_and_read_in_the_language() {
        use crate::i18n::{Lang, with};
        let hybrid = "cgroup v1 hybrid (v1 controllers + cgroup2 tree)";
        assert_eq!(with(Lang::Es, || Mode::Hybrid.to_string()), hybrid);
        for m in [Mode::V1, Mode::Hybrid, Mode::V2] {
            assert_eq!(with(Lang::En, || m.text()), m.to_string());
        }
        assert_eq!(
            with(Lang::Es, || Mode::Hybrid.text()),
            "cgroup v1 híbrido (controladores v1 + árbol cgroup2)"
        );
        assert_eq!(with(Lang::Es, || Mode::V2.text()), "cgroup v2");
    }

    #[test]
    fn hybrid_layout() {
        let root = Path::new("/tmp/x");
        let l = Layout::from_proc(Mode::Hybrid, CGROUP_HYBRID, MOUNTS_HYBRID, Some(root)).unwrap();
        assert_eq!(l.v1["pids"].own_dir(), root.join("pids/ci"));
        assert_eq!(
            l.v1["memory"].own_dir(),
            root.join("memory/process_api/abc")
        );
        assert_eq!(l.v1["cpu"].own_dir(), root.join("cpu"));
        assert_eq!(
            l.unified.as_ref().unwrap().own_dir(),
            root.join("unified/ci")
        );
        assert!(!l.v1.contains_key("devices"));
    }

    #[test]
    fn v1_comounted_layout() {
        let root = Path::new("/tmp/x");
        let l = Layout::from_proc(Mode::V1, CGROUP_V1, MOUNTS_V1, Some(root)).unwrap();
        assert_eq!(l.v1["cpu"].own_dir(), root.join("cpu,cpuacct/ci"));
        assert_eq!(l.v1["cpuacct"].own_dir(), root.join("cpu,cpuacct/ci"));
        assert_eq!(l.unified, None);
        assert_eq!(l.parents().len(), 5, "cpu and cpuacct share a directory");
    }

    #[test]
    fn v2_layout() {
        let root = Path::new("/tmp/x");
        let l = Layout::from_proc(Mode::V2, CGROUP_V2, MOUNTS_V2, Some(root)).unwrap();
        assert_eq!(l.unified.unwrap().own_dir(), root.join("ci.slice/runner"));
        assert!(l.v1.is_empty());
    }

    #[test]
    fn missing_pids_controller_is_a_host_problem() {
        let e = Layout::from_proc(Mode::V1, "4:memory:/\n", MOUNTS_V1, None).unwrap_err();
        assert!(e.is_host_problem());
        assert!(e.to_string().contains("pids controller"));
    }

    #[test]
    fn mount_root_is_stripped() {
        let mounts = "36 30 0:32 /ci /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n";
        let l = Layout::from_proc(Mode::V1, "5:pids:/ci/job\n", mounts, None).unwrap();
        assert_eq!(l.v1["pids"].own, "/job");
    }

    #[test]
    fn pids_cap_is_found_on_an_ancestor() {
        let tmp = tempfile::tempdir().unwrap();
        let cg = "5:pids:/ci/job\n4:memory:/ci\n3:cpu,cpuacct:/ci\n1:freezer:/ci\n";
        let l = Layout::from_proc(Mode::V1, cg, MOUNTS_V1, Some(tmp.path())).unwrap();
        let own = tmp.path().join("pids/ci/job");
        fs::create_dir_all(&own).unwrap();
        fs::write(own.join("pids.max"), "max\n").unwrap();
        assert_eq!(l.pids_cap(), None, "max everywhere is no cap");
        fs::write(tmp.path().join("pids/ci/pids.max"), "4096\n").unwrap();
        assert_eq!(l.pids_cap(), Some((tmp.path().join("pids/ci"), 4096)));
    }

    #[test]
    fn leftovers_are_found_by_name_and_dead_owner_only() {
        assert_eq!(owner_of("limitlab.123.0"), Some(123));
        assert_eq!(owner_of("limitlab.123.harness"), Some(123));
        assert_eq!(owner_of("limitlab.x.0"), None);
        assert_eq!(owner_of("limitlab.123"), None);
        assert_eq!(owner_of("guard.123"), None);
        let tmp = tempfile::tempdir().unwrap();
        let l = bare_hybrid(tmp.path());
        // A pid that cannot exist (above pid_max) is a dead owner; our own pid is alive.
        let dead = "limitlab.2147483647.0";
        let mine = format!("limitlab.{}.0", std::process::id());
        for parent in l.parents() {
            for n in [dead, mine.as_str(), "otherlab.1.0", "limitlab-notours"] {
                fs::create_dir(parent.join(n)).unwrap();
            }
        }
        let found = l.leftovers();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].name, dead);
        assert_eq!(found[0].dirs.len(), l.parents().len());
    }

    /// A hybrid layout's own cgroup directories under `root`, with no files in them.
    fn bare_hybrid(root: &Path) -> Layout {
        let l = Layout::from_proc(Mode::Hybrid, CGROUP_HYBRID, MOUNTS_HYBRID, Some(root)).unwrap();
        populate(&l, &[]);
        l
    }

    #[test]
    fn a_run_whose_harness_holds_its_directory_is_not_a_leftover_whatever_its_name() {
        let tmp = tempfile::tempdir().unwrap();
        let l = bare_hybrid(tmp.path());
        // A live process that is not called limitlab: a copy of limitlab under another name
        // looks like this to the old check.
        let mut other = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let name = format!("limitlab.{}.0", other.id());
        for parent in l.parents() {
            fs::create_dir(parent.join(&name)).unwrap();
        }
        assert_eq!(l.leftovers().len(), 1, "by its name alone it looks dead");
        // Its harness holds one of its directories (here this process, through the same
        // mkdir every backend uses): then none of them is a leftover.
        let held = l.parents()[0].join(&name);
        fs::remove_dir(&held).unwrap();
        crate::sandbox::cgroup::mkdir(&held).unwrap();
        assert_eq!(l.leftovers(), Vec::new());
        crate::sandbox::cgroup::remove_dirs(std::slice::from_ref(&held), std::time::Duration::ZERO);
        assert!(!super::super::hold::held(&held));
        let _ = other.kill();
        let _ = other.wait();
    }

    #[test]
    fn an_ended_harness_leaves_a_leftover_whatever_still_holds_its_locks() {
        use std::process::Command;
        use std::time::{Duration, Instant};
        let tmp = tempfile::tempdir().unwrap();
        let l = bare_hybrid(tmp.path());
        // An owner that has ended: a zombie (a child not yet reaped). And a pid nobody has
        // here, which may be a harness in another pid namespace: its lock decides.
        let mut zombie = Command::new("true").spawn().unwrap();
        let stat = format!("/proc/{}/stat", zombie.id());
        let within = |what: &str, f: &dyn Fn() -> bool| {
            let start = Instant::now();
            while !f() {
                assert!(start.elapsed() < Duration::from_secs(10), "{what}");
                std::thread::sleep(Duration::from_millis(1));
            }
        };
        within("the child is a zombie", &|| {
            fs::read_to_string(&stat).is_ok_and(|s| s.contains(") Z "))
        });
        let ended = format!("limitlab.{}.0", zombie.id());
        let unseen = "limitlab.2147483647.0";
        // Each run's directory is locked through a descriptor of its own, as a copy of the
        // harness's descriptors in a child that outlived it would be.
        let mut locks = Vec::new();
        for name in [ended.as_str(), unseen] {
            for parent in l.parents() {
                fs::create_dir(parent.join(name)).unwrap();
            }
            let dir = l.parents()[0].join(name);
            let lock = nix::fcntl::Flock::lock(
                fs::File::open(&dir).unwrap(),
                nix::fcntl::FlockArg::LockExclusive,
            )
            .unwrap();
            assert!(super::super::hold::held(&dir));
            locks.push(lock);
        }
        let found: Vec<String> = l.leftovers().into_iter().map(|f| f.name).collect();
        assert_eq!(found, [ended]);
        drop(locks);
        let _ = zombie.wait();
        assert_eq!(
            l.leftovers().len(),
            2,
            "unlocked, the unseen owners' runs are too"
        );
    }
}
