//! cgroup v1: one directory per controller hierarchy.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::teardown::{AtOnce, FREEZE_PATIENCE, Freezer};
use super::{Cgroup, CgroupError, Layout, Mode, mkdir, read, remove_dirs, set};
use crate::data::{LimitWritten, StatFile};
use crate::data::{PsiResource, SourceKind};
use crate::plan::LimitsPlan;
use crate::units::parse_cpu_list;

/// The CFS period limitlab writes with a CPU quota: 100 ms, the kernel default.
pub const CFS_PERIOD_US: u64 = 100_000;

#[derive(Debug)]
pub struct V1Cgroup {
    /// Directory per controller; co-mounted controllers (`cpu,cpuacct`) share one.
    pub(super) dirs: BTreeMap<String, PathBuf>,
    pub(super) limits: Vec<LimitWritten>,
    /// Pure v1 has no `cgroup.kill`: teardown freezes, kills and thaws.
    freezer: bool,
    /// The host has `/proc/pressure`: system-wide PSI is the best v1 can do.
    system_psi: bool,
    removed: AtomicBool,
}

impl V1Cgroup {
    pub fn create(
        layout: &Layout,
        name: &str,
        limits: &LimitsPlan,
    ) -> Result<V1Cgroup, CgroupError> {
        Self::create_with(layout, name, limits, true)
    }

    /// Creates the v1 side; `freezer` asks for a freezer cgroup for teardown.
    pub(super) fn create_with(
        layout: &Layout,
        name: &str,
        limits: &LimitsPlan,
        freezer: bool,
    ) -> Result<V1Cgroup, CgroupError> {
        let mut wanted = vec!["pids", "memory", "cpu", "cpuacct"];
        if limits.cpuset.is_some() {
            wanted.push("cpuset");
        }
        let freezer = freezer && layout.v1.contains_key("freezer");
        if freezer {
            wanted.push("freezer");
        }
        let missing = |c: &str, why: &str| {
            CgroupError::Unsupported(crate::t!("cgroup-v1-missing", controller = c, why = why))
        };
        if !layout.v1.contains_key("memory") && limits.memory.is_some() {
            return Err(missing("memory", "the scenario sets limits.memory"));
        }
        if !layout.v1.contains_key("cpu") && limits.cpu.is_some() {
            return Err(missing("cpu", "the scenario sets limits.cpu"));
        }
        if !layout.v1.contains_key("cpuset") && limits.cpuset.is_some() {
            return Err(missing("cpuset", "the scenario sets limits.cpuset"));
        }

        let mut cg = V1Cgroup {
            dirs: BTreeMap::new(),
            limits: Vec::new(),
            freezer,
            system_psi: Path::new("/proc/pressure/cpu").exists(),
            removed: AtomicBool::new(false),
        };
        for c in wanted {
            let Some(h) = layout.v1.get(c) else { continue };
            let dir = h.own_dir().join(name);
            if !cg.dirs.values().any(|d| *d == dir)
                && let Err(e) = mkdir(&dir)
            {
                cg.remove_v1();
                return Err(e);
            }
            cg.dirs.insert(c.to_string(), dir);
        }
        if let Err(e) = cg.apply(layout, limits) {
            cg.remove_v1();
            return Err(e);
        }
        Ok(cg)
    }

    fn apply(&mut self, layout: &Layout, limits: &LimitsPlan) -> Result<(), CgroupError> {
        let w = &mut self.limits;
        if let Some(max) = limits.pids_max() {
            set(w, &self.dirs["pids"], "pids.max", max.to_string())?;
        }
        if let (Some(mem), Some(dir)) = (limits.memory_max(), self.dirs.get("memory")) {
            set(w, dir, "memory.limit_in_bytes", mem.to_string())?;
            if let Some(swap) = limits.swap {
                if dir.join("memory.memsw.limit_in_bytes").exists() {
                    set(
                        w,
                        dir,
                        "memory.memsw.limit_in_bytes",
                        (mem + swap).to_string(),
                    )?;
                } else if host_has_swap() {
                    return Err(CgroupError::Unsupported(crate::t!(
                        "cgroup-no-swap-accounting"
                    )));
                }
            }
        }
        if let Some(cores) = limits.cpu {
            let dir = &self.dirs["cpu"];
            set(w, dir, "cpu.cfs_period_us", CFS_PERIOD_US.to_string())?;
            set(w, dir, "cpu.cfs_quota_us", quota_us(cores).to_string())?;
        }
        if let Some(cpus) = &limits.cpuset {
            let dir = &self.dirs["cpuset"];
            let parent = layout.v1["cpuset"].own_dir();
            check_cpuset(
                cpus,
                &read(&parent.join("cpuset.effective_cpus"))
                    .or_else(|_| read(&parent.join("cpuset.cpus")))?,
            )?;
            set(w, dir, "cpuset.cpus", cpus.clone())?;
            // A new v1 cpuset has no memory nodes, and a task cannot join it until it has some.
            let mems = read(&parent.join("cpuset.effective_mems"))
                .or_else(|_| read(&parent.join("cpuset.mems")))?;
            set(w, dir, "cpuset.mems", mems)?;
        }
        Ok(())
    }

    /// Every distinct directory.
    pub(super) fn unique_dirs(&self) -> Vec<PathBuf> {
        let mut d: Vec<PathBuf> = self.dirs.values().cloned().collect();
        d.sort();
        d.dedup();
        d
    }

    pub(super) fn v1_stat_files(&self) -> Vec<StatFile> {
        let mut files = Vec::new();
        let mut add = |c: &str, f: &str, kind: SourceKind| {
            if let Some(d) = self.dirs.get(c) {
                files.push(StatFile {
                    path: d.join(f),
                    kind,
                });
            }
        };
        add("pids", "pids.current", SourceKind::PidsCurrent);
        add("pids", "pids.peak", SourceKind::PidsPeak);
        add("pids", "pids.events", SourceKind::PidsEvents);
        add("memory", "memory.usage_in_bytes", SourceKind::MemoryCurrent);
        add(
            "memory",
            "memory.max_usage_in_bytes",
            SourceKind::MemoryPeak,
        );
        add("memory", "memory.failcnt", SourceKind::MemoryFailcnt);
        if self
            .dirs
            .get("memory")
            .is_some_and(|d| d.join("memory.memsw.failcnt").exists())
        {
            add("memory", "memory.memsw.failcnt", SourceKind::MemswFailcnt);
        }
        add("memory", "memory.oom_control", SourceKind::MemoryOomControl);
        add("cpuacct", "cpuacct.usage", SourceKind::CpuacctUsage);
        add("cpu", "cpu.stat", SourceKind::CpuStatV1);
        files
    }

    pub(super) fn v1_pids_current(&self) -> Option<u64> {
        read(&self.dirs["pids"].join("pids.current"))
            .ok()?
            .parse()
            .ok()
    }

    /// Removes every directory (once); returns what stayed.
    pub(super) fn remove_v1(&self) -> Vec<(PathBuf, io::Error)> {
        if self.removed.swap(true, Ordering::SeqCst) {
            return Vec::new();
        }
        remove_dirs(&self.unique_dirs(), Duration::from_secs(2))
    }

    /// Pure v1 has no `cgroup.kill`: the freezer, when there is one, else nothing.
    pub(super) fn v1_at_once(&self) -> Option<AtOnce> {
        self.freezer
            .then(|| AtOnce::Freeze(Freezer::v1(&self.dirs["freezer"], FREEZE_PATIENCE)))
    }
}

impl Cgroup for V1Cgroup {
    fn mode(&self) -> Mode {
        Mode::V1
    }
    fn dirs(&self) -> Vec<PathBuf> {
        self.unique_dirs()
    }
    fn limits(&self) -> &[LimitWritten] {
        &self.limits
    }
    fn clone_into_dir(&self) -> Option<&Path> {
        None
    }
    fn stat_files(&self) -> Vec<StatFile> {
        let mut files = self.v1_stat_files();
        if self.system_psi {
            for r in PsiResource::ALL {
                files.push(StatFile {
                    path: PathBuf::from("/proc/pressure").join(r.name()),
                    kind: SourceKind::Psi(r, crate::data::PsiScope::System),
                });
            }
        }
        files
    }
    fn pids_current(&self) -> Option<u64> {
        self.v1_pids_current()
    }
    fn at_once(&self) -> Option<AtOnce> {
        self.v1_at_once()
    }
    fn remove(&self) -> Vec<(PathBuf, io::Error)> {
        self.remove_v1()
    }
}

impl Drop for V1Cgroup {
    fn drop(&mut self) {
        // Teardown removes the directories explicitly; this only catches error paths.
        let _ = self.remove_v1();
    }
}

/// CPU cores as a CFS quota for [`CFS_PERIOD_US`], at least the kernel's 1 ms minimum.
pub fn quota_us(cores: f64) -> u64 {
    ((cores * CFS_PERIOD_US as f64).round() as u64).max(1000)
}

/// Checks that every requested CPU is in the parent's CPU list.
pub(super) fn check_cpuset(requested: &str, available: &str) -> Result<(), CgroupError> {
    let want = parse_cpu_list(requested).unwrap_or_default();
    let have = parse_cpu_list(available).unwrap_or_default();
    match want.iter().find(|c| !have.contains(c)) {
        None => Ok(()),
        Some(c) => Err(CgroupError::Unsupported(crate::t!(
            "cgroup-cpuset",
            cpu = c,
            available = available
        ))),
    }
}

/// Whether the host has swap in use (`/proc/swaps` lists a device or file).
pub(super) fn host_has_swap() -> bool {
    std::fs::read_to_string("/proc/swaps")
        .map(|s| s.lines().count() > 1)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::super::fake::*;
    use super::*;
    use crate::plan::{PidsLimit, PidsSource};

    fn limits() -> LimitsPlan {
        LimitsPlan {
            pids: PidsLimit {
                max: 100,
                source: PidsSource::Scenario,
            },
            memory: Some(256 << 20),
            memory_ceiling: None,
            swap: None,
            cpu: Some(0.5),
            cpuset: Some("1".into()),
        }
    }

    #[test]
    fn writes_limits_into_a_fake_v1_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let layout = Layout::from_proc(Mode::V1, CGROUP_V1, MOUNTS_V1, Some(tmp.path())).unwrap();
        populate(&layout, &[("cpuset.cpus", "0-1\n"), ("cpuset.mems", "0\n")]);
        let cg = V1Cgroup::create(&layout, "limitlab.t.0", &limits()).unwrap();
        let pids = tmp.path().join("pids/ci/limitlab.t.0");
        assert_eq!(
            std::fs::read_to_string(pids.join("pids.max")).unwrap(),
            "100"
        );
        let mem = tmp.path().join("memory/ci/limitlab.t.0");
        assert_eq!(
            std::fs::read_to_string(mem.join("memory.limit_in_bytes")).unwrap(),
            (256u64 << 20).to_string()
        );
        let cpu = tmp.path().join("cpu,cpuacct/ci/limitlab.t.0");
        assert_eq!(
            std::fs::read_to_string(cpu.join("cpu.cfs_quota_us")).unwrap(),
            "50000"
        );
        assert_eq!(
            std::fs::read_to_string(cpu.join("cpu.cfs_period_us")).unwrap(),
            "100000"
        );
        let cpuset = tmp.path().join("cpuset/limitlab.t.0");
        assert_eq!(
            std::fs::read_to_string(cpuset.join("cpuset.mems")).unwrap(),
            "0"
        );
        assert_eq!(
            cg.dirs().len(),
            5,
            "pids, memory, cpu+cpuacct, cpuset, freezer"
        );
        assert!(
            cg.limits()
                .iter()
                .any(|l| l.control == "cpu.cfs_quota_us" && l.value == "50000")
        );
        let kinds: Vec<_> = cg.stat_files().into_iter().map(|f| f.kind).collect();
        assert!(kinds.contains(&SourceKind::PidsCurrent));
        assert!(kinds.contains(&SourceKind::CpuacctUsage));
        assert!(cg.clone_into_dir().is_none());
    }

    #[test]
    fn cpuset_outside_the_parent_is_a_host_problem() {
        let tmp = tempfile::tempdir().unwrap();
        let layout = Layout::from_proc(Mode::V1, CGROUP_V1, MOUNTS_V1, Some(tmp.path())).unwrap();
        populate(&layout, &[("cpuset.cpus", "0\n"), ("cpuset.mems", "0\n")]);
        let e = V1Cgroup::create(&layout, "limitlab.t.1", &limits()).unwrap_err();
        assert!(e.is_host_problem(), "{e}");
        assert!(e.to_string().contains("CPU 1"), "{e}");
    }

    #[test]
    fn quota() {
        assert_eq!(quota_us(0.5), 50_000);
        assert_eq!(quota_us(2.0), 200_000);
        assert_eq!(quota_us(0.001), 1000);
    }
}
