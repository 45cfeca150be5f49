//! Cgroups: one sandbox's cgroups in each hierarchy, behind the [`Cgroup`] trait, with one
//! backend per layout (`v1`, `hybrid`, `v2`).
//!
//! Where things are:
//! - where the hierarchies are, the limits above this process and the leftovers of earlier
//!   runs: [`layout`];
//! - which cgroups a running harness owns (an `flock` on each directory it made): [`hold`];
//! - every cgroup file written, read or created, every cgroup directory removed: [`files`]
//!   (the only place; `sys::spawn_init` is the one exception: the held init writes itself
//!   into each v1 `tasks` file before it can run anything);
//! - killing every process in a sandbox and removing its cgroups: [`teardown`];
//! - asking systemd for a cgroup of limitlab's own: [`grant`], [`systemd`].
//!
//! Every limitlab cgroup is created beneath the cgroup this process is already in, per
//! hierarchy.

pub mod files;
pub mod grant;
pub mod hold;
pub mod hybrid;
pub mod layout;
pub mod scopes;
pub mod systemd;
pub mod teardown;
pub mod v1;
pub mod v2;

#[cfg(test)]
pub(crate) mod fake;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::data::{LimitWritten, StatFile};
use crate::plan::LimitsPlan;

pub use files::{mkdir, move_into, procs, read, remove_dirs, set, write};
pub use layout::{
    DEFAULT_ROOT, FORCE_V1_ENV, Hierarchy, Layout, Leftover, Mode, NAME_PREFIX, V1_CONTROLLERS,
    is_limit, owner_of,
};
pub use teardown::{AtOnce, Cleanup, KillMethod, emergency_teardown, kill_listed};

#[derive(Debug)]
pub enum CgroupError {
    Write {
        path: PathBuf,
        value: String,
        source: io::Error,
    },
    Read {
        path: PathBuf,
        source: io::Error,
    },
    Create {
        path: PathBuf,
        source: io::Error,
    },
    /// The host cannot do what the run needs (exit code 3).
    Unsupported(String),
}

impl std::fmt::Display for CgroupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            CgroupError::Write {
                path,
                value,
                source,
            } => crate::t!(
                "cgroup-cannot-write",
                value = format!("{value:?}"),
                path = path.display(),
                error = source,
                hint = hint(source)
            ),
            CgroupError::Read { path, source } => {
                crate::t!("cgroup-cannot-read", path = path.display(), error = source)
            }
            CgroupError::Create { path, source } => crate::t!(
                "cgroup-cannot-create",
                path = path.display(),
                error = source,
                hint = hint(source)
            ),
            CgroupError::Unsupported(why) => why.clone(),
        })
    }
}

impl std::error::Error for CgroupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CgroupError::Write { source, .. }
            | CgroupError::Read { source, .. }
            | CgroupError::Create { source, .. } => Some(source),
            CgroupError::Unsupported(_) => None,
        }
    }
}

fn hint(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::EACCES) | Some(libc::EPERM) => crate::t!("cgroup-hint-permission"),
        Some(libc::EROFS) => crate::t!("cgroup-hint-read-only"),
        Some(libc::EBUSY) => crate::t!("cgroup-hint-busy"),
        _ => String::new(),
    }
}

impl CgroupError {
    pub fn is_host_problem(&self) -> bool {
        match self {
            CgroupError::Unsupported(_) => true,
            CgroupError::Create { source, .. } | CgroupError::Write { source, .. } => matches!(
                source.raw_os_error(),
                Some(libc::EACCES | libc::EPERM | libc::EROFS | libc::ENOENT)
            ),
            CgroupError::Read { .. } => false,
        }
    }
}

impl Layout {
    /// Creates one sandbox's cgroups beneath this process's own and writes the limits.
    /// On any error, whatever was created is removed again.
    pub fn create_sandbox(&self, limits: &LimitsPlan) -> Result<Box<dyn Cgroup>, CgroupError> {
        let name = unique_name();
        match self.mode {
            Mode::V1 => v1::V1Cgroup::create(self, &name, limits).map(|c| Box::new(c) as _),
            Mode::Hybrid => {
                hybrid::HybridCgroup::create(self, &name, limits).map(|c| Box::new(c) as _)
            }
            Mode::V2 => v2::V2Cgroup::create(self, &name, limits).map(|c| Box::new(c) as _),
        }
    }

    /// Gets this process ready to create sandboxes, before the first run. On pure v2 from a
    /// non-root cgroup this moves the harness into a leaf of its own and enables the
    /// controllers on its cgroup (see [`v2::HarnessLeaf`]); the returned guard undoes that.
    /// Elsewhere nothing needs doing. Fails (a host problem, exit 3) when other processes
    /// share the harness's cgroup on v2.
    pub fn prepare(&self) -> Result<Option<v2::HarnessLeaf>, CgroupError> {
        match (self.mode, &self.unified) {
            (Mode::V2, Some(h)) => v2::HarnessLeaf::enter(&h.own_dir(), std::process::id()),
            _ => Ok(None),
        }
    }
}

fn unique_name() -> String {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{NAME_PREFIX}{}.{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// One sandbox's cgroups, in every hierarchy.
pub trait Cgroup: Send + Sync + fmt::Debug {
    fn mode(&self) -> Mode;
    /// Every directory, parents first.
    fn dirs(&self) -> Vec<PathBuf>;
    /// The limits as they were written.
    fn limits(&self) -> &[LimitWritten];
    /// A cgroup2 directory the sandbox init can be cloned straight into (`CLONE_INTO_CGROUP`).
    fn clone_into_dir(&self) -> Option<&Path>;
    /// What the sampler reads for this sandbox.
    fn stat_files(&self) -> Vec<StatFile>;
    /// The number of processes and threads in the sandbox, when the kernel counts it.
    fn pids_current(&self) -> Option<u64>;
    /// How the kernel lets this sandbox's processes be killed at once, if it does.
    fn at_once(&self) -> Option<AtOnce>;
    /// Kills every process in the sandbox without depending on its cooperation: at once
    /// where [`Cgroup::at_once`] says how, else with the kill loop (see [`teardown`]).
    fn kill_all(&self) -> Result<KillMethod, CgroupError> {
        teardown::kill_at_once(&self.dirs(), self.at_once().as_ref(), &|| self.is_empty())
    }
    /// Whether no process is left, zombies included (`pids.current` counts a task until it
    /// is reaped; `cgroup.procs` is the fallback).
    fn is_empty(&self) -> bool {
        match self.pids_current() {
            Some(n) => n == 0,
            None => self.dirs().iter().all(|d| procs(d).is_empty()),
        }
    }
    /// Removes every directory, deepest first; returns what could not be removed. Only the
    /// first call does anything.
    fn remove(&self) -> Vec<(PathBuf, io::Error)>;
}
