//! Cgroups: where the hierarchies are, and one sandbox's cgroups in each of them.
//!
//! Three layouts, detected at run time with `statfs` (the youki way):
//! - **v1**: one hierarchy per controller (`/sys/fs/cgroup/pids`, `.../memory`, ...);
//! - **hybrid**: v1 hierarchies for the limits plus a cgroup2 tree at
//!   `/sys/fs/cgroup/unified` without controllers, used for `cgroup.kill`, freezing and
//!   per-sandbox PSI;
//! - **v2**: one cgroup2 tree at `/sys/fs/cgroup` with the controllers.
//!
//! Every limitlab cgroup is created beneath the cgroup this process is already in, per
//! hierarchy. The root path is a parameter so tests build fake trees in a tempdir.
//! This module (and its `v1`, `v2`, `hybrid` files) is the only place cgroup files are written.

pub mod grant;
pub mod hybrid;
pub mod systemd;
pub mod v1;
pub mod v2;

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::data::{LimitWritten, StatFile};
use crate::plan::LimitsPlan;

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

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::V1 => "cgroup v1",
            Mode::Hybrid => "cgroup v1 hybrid (v1 controllers + cgroup2 tree)",
            Mode::V2 => "cgroup v2",
        })
    }
}

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
        let root = Path::new(DEFAULT_ROOT);
        let is_cgroup2 = |p: &Path| {
            nix::sys::statfs::statfs(p)
                .map(|s| s.filesystem_type() == nix::sys::statfs::CGROUP2_SUPER_MAGIC)
                .unwrap_or(false)
        };
        let mut mode = if is_cgroup2(root) {
            Mode::V2
        } else if is_cgroup2(&root.join("unified")) {
            Mode::Hybrid
        } else {
            Mode::V1
        };
        // Testing knob: treat a hybrid host as pure v1 (ignore its cgroup2 tree), so the v1
        // teardown (freeze, kill, thaw) and system-wide PSI run on a real kernel.
        if mode == Mode::Hybrid && std::env::var(FORCE_V1_ENV).as_deref() == Ok("1") {
            mode = Mode::V1;
        }
        let read = |p: &str| {
            fs::read_to_string(p).map_err(|source| CgroupError::Read {
                path: p.into(),
                source,
            })
        };
        Layout::from_proc(
            mode,
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

fn unique_name() -> String {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{NAME_PREFIX}{}.{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

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
    /// Kills every process in the sandbox without depending on its cooperation.
    fn kill_all(&self) -> io::Result<KillMethod>;
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

/// Writes a value to a cgroup file, with the path and value in any error.
pub fn write(path: &Path, value: &str) -> Result<(), CgroupError> {
    fs::write(path, value).map_err(|source| CgroupError::Write {
        path: path.to_path_buf(),
        value: value.to_string(),
        source,
    })
}

/// Reads a cgroup file, trimmed.
pub fn read(path: &Path) -> Result<String, CgroupError> {
    fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .map_err(|source| CgroupError::Read {
            path: path.to_path_buf(),
            source,
        })
}

/// Creates a cgroup directory; an existing one is an error (names are unique per run).
pub fn mkdir(path: &Path) -> Result<(), CgroupError> {
    fs::create_dir(path).map_err(|source| CgroupError::Create {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `limit` into `dir/control` and records it.
pub fn set(
    written: &mut Vec<LimitWritten>,
    dir: &Path,
    control: &str,
    value: String,
) -> Result<(), CgroupError> {
    let path = dir.join(control);
    write(&path, &value)?;
    written.push(LimitWritten {
        control: control.to_string(),
        path,
        value,
    });
    Ok(())
}

/// The pids listed in a `cgroup.procs` file (empty if the cgroup is gone).
pub fn procs(dir: &Path) -> Vec<i32> {
    let mut text = String::new();
    match fs::File::open(dir.join("cgroup.procs")).and_then(|mut f| f.read_to_string(&mut text)) {
        Ok(_) => text.lines().filter_map(|l| l.trim().parse().ok()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Sends SIGKILL once to every pid listed in the cgroups; returns how many were signalled.
pub fn kill_listed(dirs: &[PathBuf]) -> usize {
    let mut n = 0;
    for d in dirs {
        for pid in procs(d) {
            if nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL)
                .is_ok()
            {
                n += 1;
            }
        }
    }
    n
}

/// What an emergency teardown did.
#[derive(Debug, Default)]
pub struct Cleanup {
    /// Processes signalled (or killed by `cgroup.kill`: the count before).
    pub killed: usize,
    /// Processes still listed when it gave up.
    pub left: usize,
    /// Directories that could not be removed, with why.
    pub stuck: Vec<(PathBuf, io::Error)>,
}

/// Kills everything in a sandbox's cgroups and removes them, knowing only the directories:
/// for the supervisor when the harness died, and for `limitlab clean`. Uses `cgroup.kill`
/// where a directory has it, else the v1 freezer (freeze, kill each, thaw), else a kill loop.
pub fn emergency_teardown(dirs: &[PathBuf]) -> Cleanup {
    let listed = |dirs: &[PathBuf]| {
        let mut all: Vec<i32> = dirs.iter().flat_map(|d| procs(d)).collect();
        all.sort();
        all.dedup();
        all.len()
    };
    let mut out = Cleanup {
        killed: listed(dirs),
        ..Cleanup::default()
    };
    let kill_files: Vec<PathBuf> = dirs
        .iter()
        .map(|d| d.join("cgroup.kill"))
        .filter(|f| f.exists())
        .collect();
    if !kill_files.is_empty() {
        for f in &kill_files {
            let _ = fs::write(f, "1");
        }
    } else if let Some(state) = dirs
        .iter()
        .map(|d| d.join("freezer.state"))
        .find(|f| f.exists())
    {
        // Frozen tasks cannot fork, so one pass kills them all.
        if fs::write(&state, "FROZEN").is_ok() {
            let until = Instant::now() + Duration::from_secs(1);
            while read(&state).is_ok_and(|s| s != "FROZEN") && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        kill_listed(dirs);
        let _ = fs::write(&state, "THAWED");
    }
    let until = Instant::now() + Duration::from_secs(5);
    while listed(dirs) > 0 && Instant::now() < until {
        kill_listed(dirs);
        std::thread::sleep(Duration::from_millis(1));
    }
    out.left = listed(dirs);
    out.stuck = remove_dirs(dirs, Duration::from_secs(3));
    out
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
    /// running. Only `limitlab.<pid>.<...>` directories count, and only when process `<pid>`
    /// is gone or is not limitlab any more; nothing else is ever touched.
    pub fn leftovers(&self) -> Vec<Leftover> {
        let mut by_name: BTreeMap<String, Leftover> = BTreeMap::new();
        for parent in self.parents() {
            let Ok(entries) = fs::read_dir(&parent) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let Some(owner) = owner_of(&name) else {
                    continue;
                };
                if !e.path().is_dir() || harness_alive(owner) {
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
        by_name.into_values().collect()
    }
}

/// The harness pid in a `limitlab.<pid>.<...>` name.
pub fn owner_of(name: &str) -> Option<i32> {
    let rest = name.strip_prefix(NAME_PREFIX)?;
    let (pid, tail) = rest.split_once('.')?;
    (!tail.is_empty()).then_some(())?;
    pid.parse().ok()
}

/// Whether `pid` is a running limitlab (a reused pid of another program does not count).
fn harness_alive(pid: i32) -> bool {
    if pid == std::process::id() as i32 {
        return true;
    }
    fs::read_link(format!("/proc/{pid}/exe"))
        .map(|exe| exe.to_string_lossy().contains("limitlab"))
        .unwrap_or(false)
}

/// Removes cgroup directories deepest first. `rmdir` can fail with EBUSY for a moment after
/// the last process left, so it retries with a short backoff. Returns what could not be
/// removed.
pub fn remove_dirs(dirs: &[PathBuf], patience: Duration) -> Vec<(PathBuf, io::Error)> {
    let mut failed = Vec::new();
    let mut ordered: Vec<&PathBuf> = dirs.iter().collect();
    ordered.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for dir in ordered {
        let start = Instant::now();
        let mut pause = Duration::from_micros(200);
        loop {
            match fs::remove_dir(dir) {
                Ok(()) => break,
                Err(e) if e.kind() == io::ErrorKind::NotFound => break,
                Err(e) if e.raw_os_error() == Some(libc::EBUSY) && start.elapsed() < patience => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(e) => {
                    failed.push((dir.clone(), e));
                    break;
                }
            }
        }
    }
    failed
}

#[cfg(test)]
pub(crate) mod fake {
    //! Fake cgroupfs trees in a tempdir, mimicking the three layouts.
    use super::*;

    pub const CGROUP_HYBRID: &str = "9:name=systemd:/\n8:pids:/ci\n7:blkio:/\n6:freezer:/\n5:devices:/\n4:memory:/process_api/abc\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/ci\n";
    pub const MOUNTS_HYBRID: &str = "\
30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
32 30 0:28 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
33 30 0:29 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
34 30 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
35 30 0:31 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
36 30 0:32 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
37 30 0:33 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";
    pub const CGROUP_V1: &str =
        "5:pids:/ci\n4:memory:/ci\n3:cpu,cpuacct:/ci\n2:cpuset:/\n1:freezer:/ci\n";
    pub const MOUNTS_V1: &str = "\
30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
31 30 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
33 30 0:29 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
34 30 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
35 30 0:31 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
36 30 0:32 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
";
    pub const CGROUP_V2: &str = "0::/ci.slice/runner\n";
    pub const MOUNTS_V2: &str = "30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n";

    /// Creates the directories of `layout`'s own cgroups with the given files in each.
    pub fn populate(layout: &Layout, files: &[(&str, &str)]) {
        for dir in layout.parents() {
            fs::create_dir_all(&dir).unwrap();
            for (name, content) in files {
                fs::write(dir.join(name), content).unwrap();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::*;
    use super::*;

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
        let l = Layout::from_proc(Mode::Hybrid, CGROUP_HYBRID, MOUNTS_HYBRID, Some(tmp.path()))
            .unwrap();
        populate(&l, &[]);
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

    #[test]
    fn remove_dirs_reports_what_stays() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = a.join("b");
        fs::create_dir_all(&b).unwrap();
        fs::write(a.join("file"), "x").unwrap();
        let failed = remove_dirs(&[a.clone(), b.clone()], Duration::from_millis(10));
        assert!(!b.exists(), "the deeper one goes first");
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].0, a);
    }
}
