//! Pure cgroup v2: one directory, controllers enabled in the parent's `subtree_control`.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::teardown::{AtOnce, Freezer};
use super::v1::{CFS_PERIOD_US, check_cpuset, host_has_swap, quota_us};
use super::{Cgroup, CgroupError, Layout, Mode, mkdir, move_into, read, remove_dirs, set, write};
use crate::data::PsiScope;
use crate::data::{LimitWritten, StatFile};
use crate::data::{PsiResource, SourceKind};
use crate::plan::LimitsPlan;

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
        Self::create_with(layout, name, limits, host_has_swap())
    }

    /// [`V2Cgroup::create`]; `host_swap` says whether the host has swap in use.
    fn create_with(
        layout: &Layout,
        name: &str,
        limits: &LimitsPlan,
        host_swap: bool,
    ) -> Result<V2Cgroup, CgroupError> {
        let parent = layout
            .unified
            .as_ref()
            .ok_or_else(|| CgroupError::Unsupported(crate::t!("cgroup-no-cgroup2-tree")))?
            .own_dir();
        let mut wanted: Vec<(&str, Why)> = vec![
            (
                "pids",
                limits.pids_max().map(|_| why_pids as fn() -> String),
            ),
            (
                "memory",
                limits
                    .memory
                    .map(|_| (|| why_limit("limits.memory")) as fn() -> String),
            ),
            (
                "cpu",
                limits
                    .cpu
                    .map(|_| (|| why_limit("limits.cpu")) as fn() -> String),
            ),
        ];
        if limits.cpuset.is_some() {
            wanted.push(("cpuset", Some(|| why_limit("limits.cpuset"))));
        }
        // A non-root cgroup that holds processes (a container's, beneath which a target run
        // goes) takes threaded controllers (pids, cpu, cpuset) but then becomes a thread
        // root: a child of it is no domain any more, and no process can be cloned or moved
        // into one (EOPNOTSUPP). There, controllers that are only nice to have are left
        // alone, and the container's cgroup is not changed.
        let populated = parent.join("cgroup.type").exists() && !super::procs(&parent).is_empty();
        if populated {
            if let Some((c, _)) = wanted.iter().find(|(_, why)| why.is_some()) {
                return Err(internal_processes(&parent, c, None));
            }
            wanted.clear();
        }
        enable_controllers(&parent, &wanted)?;

        let dir = parent.join(name);
        mkdir(&dir)?;
        let mut cg = V2Cgroup {
            dir,
            limits: Vec::new(),
            removed: AtomicBool::new(false),
        };
        if let Err(e) = cg.apply(&parent, limits, host_swap) {
            cg.remove();
            return Err(e);
        }
        Ok(cg)
    }

    fn apply(
        &mut self,
        parent: &Path,
        limits: &LimitsPlan,
        host_swap: bool,
    ) -> Result<(), CgroupError> {
        let (w, dir) = (&mut self.limits, &self.dir);
        if let Some(max) = limits.pids_max() {
            set(w, dir, "pids.max", max.to_string())?;
        }
        // The ceiling is only written where the controller is there to take it.
        if let Some(mem) = limits.memory_max()
            && (limits.memory.is_some() || dir.join("memory.max").exists())
        {
            set(w, dir, "memory.max", mem.to_string())?;
        }
        if let Some(swap) = limits.swap {
            if dir.join("memory.swap.max").exists() {
                set(w, dir, "memory.swap.max", swap.to_string())?;
            } else if host_swap {
                // Without it memory.max bounds only RAM, and the workload swaps past the
                // scenario's swap limit: refuse, as v1 does without memory.memsw.*.
                return Err(CgroupError::Unsupported(crate::t!(
                    "cgroup-swap-unaccounted"
                )));
            }
            // No swap in use: nothing can be swapped, so the limit holds without the file.
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

/// What needs a controller, said in the run's language when it is missing; `None`: it is
/// only nice to have (statistics) and may be missing.
type Why = Option<fn() -> String>;

fn why_pids() -> String {
    crate::t!("cgroup-why-pids")
}

/// A limit of the scenario's (`limits.memory`, ...) needs it.
fn why_limit(key: &str) -> String {
    crate::t!("cgroup-why-limit", key = key)
}

/// Enables each controller in `parent`'s `cgroup.subtree_control`, one write each (a write
/// naming several is all-or-nothing). `why` says what needs a controller (see [`Why`]).
fn enable_controllers(parent: &Path, wanted: &[(&str, Why)]) -> Result<(), CgroupError> {
    enable_into(parent, wanted, &mut Vec::new())
}

/// [`enable_controllers`], recording each controller as it is enabled, so a caller can undo
/// them even when a later one fails.
fn enable_into(
    parent: &Path,
    wanted: &[(&str, Why)],
    enabled: &mut Vec<String>,
) -> Result<(), CgroupError> {
    let available = read(&parent.join("cgroup.controllers"))?;
    let on = read(&parent.join("cgroup.subtree_control"))?;
    for (c, why) in wanted {
        if on.split_whitespace().any(|e| e == *c) {
            continue;
        }
        if !available.split_whitespace().any(|a| a == *c) {
            match why {
                Some(why) => {
                    return Err(CgroupError::Unsupported(crate::t!(
                        "cgroup-controller-unavailable",
                        controller = c,
                        parent = parent.display(),
                        available = format!("{available:?}"),
                        why = why()
                    )));
                }
                None => continue,
            }
        }
        let file = parent.join("cgroup.subtree_control");
        match write(&file, &format!("+{c}")) {
            Ok(()) => enabled.push(c.to_string()),
            // EBUSY: processes came in since it was looked at. EOPNOTSUPP: it is a thread
            // root already, where domain controllers (memory, io) are refused. A controller
            // that is only nice to have is skipped.
            Err(CgroupError::Write { source, .. })
                if matches!(source.raw_os_error(), Some(libc::EBUSY | libc::EOPNOTSUPP)) =>
            {
                if why.is_none() {
                    continue;
                }
                return Err(internal_processes(parent, c, None));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The "no internal processes" rule, explained: what failed and what to do.
fn internal_processes(parent: &Path, controller: &str, others: Option<usize>) -> CgroupError {
    let who = match others {
        Some(n) => crate::t!(
            "cgroup-others-share",
            others = crate::i18n::count(n).ungrouped()
        ),
        None => crate::t!("cgroup-holds-processes"),
    };
    CgroupError::Unsupported(crate::t!(
        "cgroup-internal-processes",
        controller = controller,
        parent = parent.display(),
        who = who
    ))
}

/// The controllers a sandbox may use, for [`HarnessLeaf::enter`]: pids always (nothing caps
/// a bomb without it); memory and cpu for limits, statistics and the sandbox's own CPU
/// share; cpuset for `limits.cpuset`.
const SANDBOX_CONTROLLERS: [(&str, Why); 4] = [
    ("pids", Some(why_pids)),
    ("memory", None),
    ("cpu", None),
    ("cpuset", None),
];

/// What a delegated systemd unit does, for a harness that sits in a non-root cgroup: cgroup
/// v2 gives children controllers only below a cgroup without processes ("no internal
/// processes"), so the harness moves itself into a leaf child, `limitlab.<pid>.harness`,
/// and enables the controllers on its former cgroup, where the sandboxes then go next to the
/// leaf. [`HarnessLeaf::restore`] (or drop) undoes all of it: the controllers it enabled are
/// disabled, the harness moves back, the leaf is removed.
#[derive(Debug)]
pub struct HarnessLeaf {
    /// The harness's own cgroup, where the sandboxes are created.
    parent: PathBuf,
    leaf: PathBuf,
    pid: u32,
    /// Controllers enabled in `parent`'s `cgroup.subtree_control` by [`HarnessLeaf::enter`].
    enabled: Vec<String>,
    restored: bool,
}

impl HarnessLeaf {
    /// Prepares `parent` (the cgroup process `pid` is in) for sandboxes. `None` when nothing
    /// needs doing: the root cgroup is exempt from the rule (the real root has no
    /// `cgroup.type`; a cgroup namespace's "/" has one and is not exempt). An error, and
    /// nothing changed, when other processes share the cgroup.
    pub fn enter(parent: &Path, pid: u32) -> Result<Option<HarnessLeaf>, CgroupError> {
        if !parent.join("cgroup.type").exists() {
            return Ok(None);
        }
        let procs = super::procs(parent);
        let others = procs
            .iter()
            .filter(|p| i64::from(**p) != i64::from(pid))
            .count();
        if others > 0 {
            return Err(internal_processes(parent, "pids", Some(others)));
        }
        let leaf = parent.join(format!("{}{pid}.harness", super::NAME_PREFIX));
        mkdir(&leaf)?;
        let mut h = HarnessLeaf {
            parent: parent.to_path_buf(),
            leaf,
            pid,
            enabled: Vec::new(),
            restored: false,
        };
        // Move first: while the harness is in `parent`, no controller can be enabled there.
        if let Err(e) = move_into(&h.leaf, pid) {
            let _ = remove_dirs(std::slice::from_ref(&h.leaf), Duration::from_secs(1));
            h.restored = true;
            return Err(e);
        }
        // A process that joined `parent` meanwhile makes this fail with the rule explained.
        if let Err(e) = enable_into(&h.parent, &SANDBOX_CONTROLLERS, &mut h.enabled) {
            let _ = h.restore();
            return Err(e);
        }
        Ok(Some(h))
    }

    /// The leaf the harness sits in while it runs.
    pub fn leaf(&self) -> &Path {
        &self.leaf
    }

    /// Undoes [`HarnessLeaf::enter`]: disables the controllers it enabled (the sandboxes are
    /// gone by now), moves the harness back (a cgroup with controllers enabled for its
    /// children could not take it), removes the leaf. Returns what could not be undone.
    pub fn restore(&mut self) -> Vec<String> {
        if std::mem::replace(&mut self.restored, true) {
            return Vec::new();
        }
        let mut problems = Vec::new();
        let control = self.parent.join("cgroup.subtree_control");
        for c in self.enabled.iter().rev() {
            if let Err(e) = write(&control, &format!("-{c}")) {
                problems.push(e.to_string());
            }
        }
        if let Err(e) = move_into(&self.parent, self.pid) {
            problems.push(e.to_string());
        }
        for (dir, e) in remove_dirs(std::slice::from_ref(&self.leaf), Duration::from_secs(2)) {
            problems.push(crate::t!(
                "cgroup-leaf-not-removed",
                dir = dir.display(),
                error = e
            ));
        }
        problems
    }
}

impl Drop for HarnessLeaf {
    fn drop(&mut self) {
        let _ = self.restore();
    }
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
    fn at_once(&self) -> Option<AtOnce> {
        let kill = self.dir.join("cgroup.kill");
        Some(if kill.exists() {
            AtOnce::CgroupKill(vec![kill])
        } else {
            // Before Linux 5.14: freeze, kill each, thaw.
            AtOnce::Freeze(Freezer::v2(&self.dir))
        })
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
mod tests;
