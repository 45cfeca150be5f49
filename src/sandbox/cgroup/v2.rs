//! Pure cgroup v2: one directory, controllers enabled in the parent's `subtree_control`.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::v1::{CFS_PERIOD_US, check_cpuset, quota_us};
use super::{
    Cgroup, CgroupError, KillMethod, Layout, LimitWritten, Mode, StatFile, kill_listed, mkdir,
    read, remove_dirs, set, write,
};
use crate::plan::LimitsPlan;
use crate::record::PsiScope;
use crate::sampler::{PsiResource, SourceKind};

#[derive(Debug)]
pub struct V2Cgroup {
    dir: PathBuf,
    limits: Vec<LimitWritten>,
    removed: AtomicBool,
}

impl V2Cgroup {
    pub fn create(
        layout: &Layout,
        name: &str,
        limits: &LimitsPlan,
    ) -> Result<V2Cgroup, CgroupError> {
        let parent = layout
            .unified
            .as_ref()
            .ok_or_else(|| CgroupError::Unsupported("no cgroup2 tree".into()))?
            .own_dir();
        let mut wanted: Vec<(&str, Option<&str>)> = vec![
            ("pids", Some("limitlab cannot cap a fork bomb without it")),
            (
                "memory",
                limits.memory.map(|_| "the scenario sets limits.memory"),
            ),
            ("cpu", limits.cpu.map(|_| "the scenario sets limits.cpu")),
        ];
        if limits.cpuset.is_some() {
            wanted.push(("cpuset", Some("the scenario sets limits.cpuset")));
        }
        enable_controllers(&parent, &wanted)?;

        let dir = parent.join(name);
        mkdir(&dir)?;
        let mut cg = V2Cgroup {
            dir,
            limits: Vec::new(),
            removed: AtomicBool::new(false),
        };
        if let Err(e) = cg.apply(&parent, limits) {
            cg.remove();
            return Err(e);
        }
        Ok(cg)
    }

    fn apply(&mut self, parent: &Path, limits: &LimitsPlan) -> Result<(), CgroupError> {
        let (w, dir) = (&mut self.limits, &self.dir);
        set(w, dir, "pids.max", limits.pids.max.to_string())?;
        // The ceiling is only written where the controller is there to take it.
        if let Some(mem) = limits.memory_max()
            && (limits.memory.is_some() || dir.join("memory.max").exists())
        {
            set(w, dir, "memory.max", mem.to_string())?;
        }
        if let Some(swap) = limits.swap
            && dir.join("memory.swap.max").exists()
        {
            set(w, dir, "memory.swap.max", swap.to_string())?;
        }
        if let Some(cores) = limits.cpu {
            set(
                w,
                dir,
                "cpu.max",
                format!("{} {CFS_PERIOD_US}", quota_us(cores)),
            )?;
        }
        if let Some(cpus) = &limits.cpuset {
            check_cpuset(cpus, &read(&parent.join("cpuset.cpus.effective"))?)?;
            set(w, dir, "cpuset.cpus", cpus.clone())?;
        }
        Ok(())
    }
}

/// Enables each controller in `parent`'s `cgroup.subtree_control`, one write each (a write
/// naming several is all-or-nothing). `why` says what needs a controller; `None` means it is
/// only nice to have (statistics) and may be missing.
fn enable_controllers(parent: &Path, wanted: &[(&str, Option<&str>)]) -> Result<(), CgroupError> {
    let available = read(&parent.join("cgroup.controllers"))?;
    let enabled = read(&parent.join("cgroup.subtree_control"))?;
    for (c, why) in wanted {
        if enabled.split_whitespace().any(|e| e == *c) {
            continue;
        }
        if !available.split_whitespace().any(|a| a == *c) {
            match why {
                Some(why) => {
                    return Err(CgroupError::Unsupported(format!(
                        "the {c} controller is not available in {} (its cgroup.controllers: {available:?}), but {why}; the parent must delegate it",
                        parent.display()
                    )));
                }
                None => continue,
            }
        }
        let file = parent.join("cgroup.subtree_control");
        match write(&file, &format!("+{c}")) {
            Ok(()) => {}
            Err(CgroupError::Write { source, .. })
                if source.raw_os_error() == Some(libc::EBUSY) =>
            {
                return Err(CgroupError::Unsupported(format!(
                    "cannot enable the {c} controller below {}: that cgroup holds processes, and cgroup v2 forbids controllers for the children of a cgroup with processes (\"no internal processes\"); run limitlab from a cgroup of its own, e.g. `systemd-run --scope -p Delegate=yes limitlab run ...`",
                    parent.display()
                )));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

impl Cgroup for V2Cgroup {
    fn mode(&self) -> Mode {
        Mode::V2
    }
    fn dirs(&self) -> Vec<PathBuf> {
        vec![self.dir.clone()]
    }
    fn limits(&self) -> &[LimitWritten] {
        &self.limits
    }
    fn clone_into_dir(&self) -> Option<&Path> {
        Some(&self.dir)
    }
    fn stat_files(&self) -> Vec<StatFile> {
        let d = &self.dir;
        let mut files = vec![
            StatFile {
                path: d.join("pids.current"),
                kind: SourceKind::PidsCurrent,
            },
            StatFile {
                path: d.join("pids.peak"),
                kind: SourceKind::PidsPeak,
            },
            StatFile {
                path: d.join("pids.events"),
                kind: SourceKind::PidsEvents,
            },
            StatFile {
                path: d.join("memory.current"),
                kind: SourceKind::MemoryCurrent,
            },
            StatFile {
                path: d.join("memory.peak"),
                kind: SourceKind::MemoryPeak,
            },
            StatFile {
                path: d.join("memory.events"),
                kind: SourceKind::MemoryEvents,
            },
            StatFile {
                path: d.join("memory.swap.current"),
                kind: SourceKind::SwapCurrent,
            },
            StatFile {
                path: d.join("cpu.stat"),
                kind: SourceKind::CpuStatV2,
            },
        ];
        for r in PsiResource::ALL {
            files.push(StatFile {
                path: d.join(format!("{}.pressure", r.name())),
                kind: SourceKind::Psi(r, PsiScope::Cgroup),
            });
        }
        files
    }
    fn pids_current(&self) -> Option<u64> {
        read(&self.dir.join("pids.current")).ok()?.parse().ok()
    }
    fn kill_all(&self) -> io::Result<KillMethod> {
        let kill = self.dir.join("cgroup.kill");
        if kill.exists() {
            std::fs::write(&kill, "1")?;
            return Ok(KillMethod::CgroupKill);
        }
        // Before Linux 5.14: freeze, kill each, thaw.
        let freeze = self.dir.join("cgroup.freeze");
        std::fs::write(&freeze, "1")?;
        kill_listed(&self.dirs());
        std::fs::write(&freeze, "0")?;
        Ok(KillMethod::FreezeKill)
    }
    fn remove(&self) -> Vec<(PathBuf, io::Error)> {
        if self.removed.swap(true, Ordering::SeqCst) {
            return Vec::new();
        }
        remove_dirs(&self.dirs(), Duration::from_secs(2))
    }
}

impl Drop for V2Cgroup {
    fn drop(&mut self) {
        let _ = self.remove();
    }
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
            memory: Some(128 << 20),
            memory_ceiling: None,
            swap: Some(0),
            cpu: Some(0.5),
            cpuset: None,
        }
    }

    #[test]
    fn writes_limits_into_a_fake_v2_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let layout = Layout::from_proc(Mode::V2, CGROUP_V2, MOUNTS_V2, Some(tmp.path())).unwrap();
        populate(
            &layout,
            &[
                ("cgroup.controllers", "cpuset cpu io memory pids\n"),
                ("cgroup.subtree_control", "\n"),
            ],
        );
        let cg = V2Cgroup::create(&layout, "limitlab.t.0", &limits()).unwrap();
        let dir = tmp.path().join("ci.slice/runner/limitlab.t.0");
        let r = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
        assert_eq!(r("pids.max"), "100");
        assert_eq!(r("memory.max"), (128u64 << 20).to_string());
        assert_eq!(r("cpu.max"), "50000 100000");
        assert!(
            !dir.join("memory.swap.max").exists(),
            "only written where the kernel has it"
        );
        // The fake file keeps the last single-controller write.
        let sc = std::fs::read_to_string(tmp.path().join("ci.slice/runner/cgroup.subtree_control"));
        assert_eq!(sc.unwrap(), "+cpu");
        assert_eq!(cg.clone_into_dir(), Some(dir.as_path()));
    }

    #[test]
    fn missing_controller_is_a_host_problem() {
        let tmp = tempfile::tempdir().unwrap();
        let layout = Layout::from_proc(Mode::V2, CGROUP_V2, MOUNTS_V2, Some(tmp.path())).unwrap();
        populate(
            &layout,
            &[
                ("cgroup.controllers", "cpu io\n"),
                ("cgroup.subtree_control", "\n"),
            ],
        );
        let e = V2Cgroup::create(&layout, "limitlab.t.1", &limits()).unwrap_err();
        assert!(e.is_host_problem());
        assert!(
            e.to_string().contains("pids controller is not available"),
            "{e}"
        );
    }
}
