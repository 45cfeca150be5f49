//! Hybrid: cgroup v1 hierarchies carry the limits; a child in the controller-less cgroup2
//! tree (`/sys/fs/cgroup/unified`) gives `cgroup.kill`, `cgroup.freeze`, `cgroup.events`
//! and per-sandbox PSI, and is what `CLONE_INTO_CGROUP` places the init into.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::teardown::AtOnce;
use super::v1::V1Cgroup;
use super::{Cgroup, CgroupError, Layout, Mode, mkdir, remove_dirs};
use crate::data::PsiScope;
use crate::data::{LimitWritten, StatFile};
use crate::data::{PsiResource, SourceKind};
use crate::plan::LimitsPlan;

#[derive(Debug)]
pub struct HybridCgroup {
    v1: V1Cgroup,
    unified: PathBuf,
    removed: AtomicBool,
}

impl HybridCgroup {
    pub fn create(
        layout: &Layout,
        name: &str,
        limits: &LimitsPlan,
    ) -> Result<HybridCgroup, CgroupError> {
        let parent = layout
            .unified
            .as_ref()
            .ok_or_else(|| CgroupError::Unsupported("hybrid layout without a cgroup2 tree".into()))?
            .own_dir();
        let unified = parent.join(name);
        mkdir(&unified)?;
        // The unified child's cgroup.kill replaces the v1 freezer in teardown.
        let kill_file = unified.join("cgroup.kill").exists();
        match V1Cgroup::create_with(layout, name, limits, !kill_file) {
            Ok(v1) => Ok(HybridCgroup {
                v1,
                unified,
                removed: AtomicBool::new(false),
            }),
            Err(e) => {
                // Just made, so empty: nothing to wait for.
                let _ = remove_dirs(std::slice::from_ref(&unified), Duration::ZERO);
                Err(e)
            }
        }
    }
}

impl Cgroup for HybridCgroup {
    fn mode(&self) -> Mode {
        Mode::Hybrid
    }
    fn dirs(&self) -> Vec<PathBuf> {
        let mut d = self.v1.unique_dirs();
        d.push(self.unified.clone());
        d
    }
    fn limits(&self) -> &[LimitWritten] {
        &self.v1.limits
    }
    fn clone_into_dir(&self) -> Option<&Path> {
        Some(&self.unified)
    }
    fn stat_files(&self) -> Vec<StatFile> {
        let mut files = self.v1.v1_stat_files();
        for r in PsiResource::ALL {
            files.push(StatFile {
                path: self.unified.join(format!("{}.pressure", r.name())),
                kind: SourceKind::Psi(r, PsiScope::Cgroup),
            });
        }
        files
    }
    fn pids_current(&self) -> Option<u64> {
        self.v1.v1_pids_current()
    }
    fn at_once(&self) -> Option<AtOnce> {
        let kill = self.unified.join("cgroup.kill");
        if kill.exists() {
            Some(AtOnce::CgroupKill(vec![kill]))
        } else {
            self.v1.v1_at_once()
        }
    }
    fn remove(&self) -> Vec<(PathBuf, io::Error)> {
        if self.removed.swap(true, Ordering::SeqCst) {
            return Vec::new();
        }
        let mut failed = self.v1.remove_v1();
        failed.extend(remove_dirs(
            std::slice::from_ref(&self.unified),
            Duration::from_secs(2),
        ));
        failed
    }
}

impl Drop for HybridCgroup {
    fn drop(&mut self) {
        let _ = self.remove();
    }
}

#[cfg(test)]
mod tests {
    use super::super::fake::*;
    use super::*;
    use crate::plan::{PidsLimit, PidsSource};

    #[test]
    fn creates_v1_limits_and_a_unified_child() {
        let tmp = tempfile::tempdir().unwrap();
        let layout =
            Layout::from_proc(Mode::Hybrid, CGROUP_HYBRID, MOUNTS_HYBRID, Some(tmp.path()))
                .unwrap();
        populate(&layout, &[]);
        let limits = LimitsPlan {
            pids: PidsLimit {
                max: 50,
                source: PidsSource::SafetyCeiling,
            },
            memory: None,
            memory_ceiling: None,
            swap: None,
            cpu: None,
            cpuset: None,
        };
        let cg = HybridCgroup::create(&layout, "limitlab.t.0", &limits).unwrap();
        let unified = tmp.path().join("unified/ci/limitlab.t.0");
        assert!(unified.is_dir());
        assert_eq!(cg.clone_into_dir(), Some(unified.as_path()));
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("pids/ci/limitlab.t.0/pids.max")).unwrap(),
            "50"
        );
        assert!(
            tmp.path()
                .join("memory/process_api/abc/limitlab.t.0")
                .is_dir()
        );
        assert!(
            tmp.path().join("cpu/limitlab.t.0").is_dir(),
            "always its own cpu cgroup"
        );
        assert!(
            tmp.path().join("freezer/limitlab.t.0").is_dir(),
            "no cgroup.kill in a fake tree, so the freezer is kept for teardown"
        );
        let psi: Vec<_> = cg
            .stat_files()
            .into_iter()
            .filter(|f| matches!(f.kind, SourceKind::Psi(_, PsiScope::Cgroup)))
            .collect();
        assert_eq!(psi.len(), 3);
        assert!(psi[0].path.starts_with(&unified));
    }
}
