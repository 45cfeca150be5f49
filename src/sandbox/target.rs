//! Attacking a container that already exists: find its init process (through the runtime's
//! own CLI for LXC, Docker and Podman), pin it with a pidfd, read the limits its cgroups
//! are under, and give limitlab a layout whose "own" cgroups are the target's, so the
//! sandbox's cgroups are created beneath the container's and its limits are what is tested.

use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::data::SourceKind;
use crate::data::{LimitWritten, StatFile};
use crate::plan::{PidsSource, RunPlan, TargetSpec};
use crate::sandbox::cgroup::{Hierarchy, Layout, Mode, is_limit};
use crate::sandbox::lxd;
use crate::{Exit, coded};

/// What a run records about its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetReport {
    pub spec: TargetSpec,
    /// Its init process, when it is a process or a container.
    pub pid: Option<i32>,
    /// Its cgroup in each hierarchy (one entry per distinct directory).
    pub cgroups: Vec<PathBuf>,
    /// The limits it is under, read from the kernel: the nearest set one of each kind, from
    /// its own cgroup up.
    pub limits: Vec<LimitWritten>,
    /// Whether its init process was still alive after teardown.
    pub alive_after: Option<bool>,
    /// The runtime's own limit the run set for its length (`[target] limits_processes`),
    /// and who put the previous value back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_limit: Option<lxd::RuntimeLimit>,

    /// The target as the run found it (before anything of limitlab's started in it) and as
    /// it left it (after teardown, once it settled or 1 s passed).
    #[serde(default)]
    pub before: Option<TargetState>,
    #[serde(default)]
    pub after: Option<TargetState>,
}

/// What a run must leave as it found it: the target's task count and its processes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetState {
    /// The `pids.current` of the target's cgroup.
    pub pids_current: Option<u64>,
    /// Every process in the target's own pid namespace (for a cgroup target: in its cgroup),
    /// by host pid; namespaces nested in it (the attack's) are not the target's.
    pub processes: Vec<TargetProcess>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetProcess {
    pub pid: i32,
    pub ppid: i32,
    pub comm: String,
    /// The kernel's state letter (`S`, `R`, `Z` for a zombie, ...).
    pub state: String,
    /// Its threads: each is a task in `pids.current` (limitlab's own harness, when the
    /// target is the cgroup it runs in, starts and ends threads of its own during a run).
    #[serde(default = "one_thread")]
    pub threads: u64,
}

fn one_thread() -> u64 {
    1
}

impl TargetState {
    pub fn zombies(&self) -> usize {
        self.processes.iter().filter(|p| p.state == "Z").count()
    }

    /// What `after` holds that this state (before the run) did not, beyond the target's own
    /// activity: a zombie that was not there, and tasks in its cgroup that no new live
    /// process of its own accounts for. Empty when the target is as it was.
    pub fn left_in(&self, after: &TargetState) -> Vec<String> {
        let mut left = Vec::new();
        let was_live = |p: &TargetProcess| {
            self.processes
                .iter()
                .any(|b| b.pid == p.pid && b.state != "Z")
        };
        // A zombie of a process the target had before is the target's own (its init killed
        // mid-run, say): only one the run's attack made counts.
        for z in after.processes.iter().filter(|p| p.state == "Z") {
            if !self.processes.iter().any(|b| b.pid == z.pid) {
                left.push(format!(
                    "zombie pid {} ({}) in the target, a child of pid {}",
                    z.pid, z.comm, z.ppid
                ));
            }
        }
        // Tasks that no live process of the target accounts for (its own processes, old or
        // new, and their threads come and go with its own activity; what is left of the
        // attack does not show in its pid namespace).
        let unaccounted = |s: &TargetState, current: u64| {
            let live: u64 = s
                .processes
                .iter()
                .filter(|p| p.state != "Z")
                .map(|p| p.threads)
                .sum();
            current.saturating_sub(live)
        };
        if let (Some(b), Some(a)) = (self.pids_current, after.pids_current) {
            let (ub, ua) = (unaccounted(self, b), unaccounted(after, a));
            if ua > ub {
                let new_live = after
                    .processes
                    .iter()
                    .filter(|p| p.state != "Z" && !was_live(p))
                    .count();
                left.push(format!(
                    "the target's pids.current is {a}, against {b} before the run: {} task(s) \
                     that no process of its own accounts for{}",
                    ua - ub,
                    if new_live > 0 {
                        format!(" ({new_live} new process(es) of its own)")
                    } else {
                        String::new()
                    }
                ));
            }
        }
        left
    }
}

/// The `(device, inode)` of a process's pid namespace.
fn pid_namespace(pid: &str) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/proc/{pid}/ns/pid"))
        .ok()
        .map(|m| (m.dev(), m.ino()))
}

/// A process's parent, command name and state, from `/proc/PID/stat`.
fn process(pid: i32) -> Option<TargetProcess> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (head, rest) = stat.rsplit_once(')')?;
    let comm = head.split_once('(')?.1.to_string();
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.to_string();
    let ppid = fields.next()?.parse().ok()?;
    // num_threads is field 20 of stat; `fields` has given fields 3 and 4.
    let threads = fields.nth(15).and_then(|t| t.parse().ok()).unwrap_or(1);
    Some(TargetProcess {
        pid,
        ppid,
        comm,
        state,
        threads,
    })
}

/// A resolved target.
pub struct Target {
    pub report: TargetReport,
    /// Pins the target's process, and is what the sandbox init joins the namespaces of.
    pub pidfd: Option<OwnedFd>,
    /// A layout whose own cgroups are the target's.
    pub layout: Layout,
}

fn runtime_pid(tool: &str, args: &[&str], what: &str) -> anyhow::Result<i32> {
    let out = Command::new(tool).args(args).output().map_err(|e| {
        let package = if tool == "lxc-info" { "lxc" } else { tool };
        coded(
            Exit::Host,
            format!("cannot ask {tool} for {what}: {e} (is {package} installed? e.g. apt-get install {package})"),
        )
    })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && (err.contains("daemon") || err.contains("connect")) {
        return Err(coded(
            Exit::Host,
            format!("{tool} cannot reach its engine for {what}: {}", err.trim()),
        ));
    }
    match text.trim().parse::<i32>() {
        Ok(pid) if out.status.success() && pid > 0 => Ok(pid),
        _ => Err(coded(
            Exit::BadInput,
            format!(
                "{what} is not running (or does not exist): `{tool} {}` said {:?}{}",
                args.join(" "),
                text.trim(),
                String::from_utf8_lossy(&out.stderr)
                    .trim()
                    .chars()
                    .take(200)
                    .collect::<String>()
            ),
        )),
    }
}

/// The init pid of a target, through its runtime's CLI where it has one.
fn target_pid(spec: &TargetSpec) -> anyhow::Result<Option<i32>> {
    Ok(match spec {
        TargetSpec::Pid(p) => Some(*p as i32),
        TargetSpec::Cgroup(_) => None,
        TargetSpec::Lxc(n) => Some(runtime_pid(
            "lxc-info",
            &["-pH", "-n", n],
            &format!("LXC container {n}"),
        )?),
        TargetSpec::Docker(n) => Some(runtime_pid(
            "docker",
            &["inspect", "-f", "{{.State.Pid}}", n],
            &format!("Docker container {n}"),
        )?),
        TargetSpec::Podman(n) => Some(runtime_pid(
            "podman",
            &["inspect", "-f", "{{.State.Pid}}", n],
            &format!("Podman container {n}"),
        )?),
        TargetSpec::Lxd(n) | TargetSpec::Incus(n) => {
            let daemon = lxd::Daemon::of(spec).expect("an lxd or incus target");
            Some(lxd::init_pid(daemon, n).map_err(|e| api_error(spec, daemon, e))?)
        }
    })
}

/// An API error as the run's error: no daemon is the host's problem, no such instance (or
/// not running) the scenario's.
fn api_error(spec: &TargetSpec, daemon: lxd::Daemon, e: lxd::ApiError) -> anyhow::Error {
    if e.unreachable {
        let var = match daemon {
            lxd::Daemon::Lxd => "LXD_DIR",
            lxd::Daemon::Incus => "INCUS_DIR",
        };
        coded(
            Exit::Host,
            format!(
                "{spec}: {} is not reachable ({e}); is it running? ({var} names the folder of a daemon started elsewhere)",
                daemon.name()
            ),
        )
    } else {
        coded(Exit::BadInput, format!("{spec} cannot be attacked: {e}"))
    }
}

/// The runtime's own limit a run sets on an LXD or Incus instance for its length
/// (`[target] limits_processes`), put back when this is finished or dropped.
pub struct RuntimeLimitGuard {
    restore: Option<lxd::Restore>,
    supervisor: Option<std::sync::Arc<crate::sandbox::supervisor::Supervisor>>,
}

impl RuntimeLimitGuard {
    /// Sets the plan's `limits.processes` on its target, first recording what to put back
    /// (in [`lxd::restore_dir`] and with the supervisor). A plan without one sets nothing.
    pub fn set(
        plan: &RunPlan,
        supervisor: Option<std::sync::Arc<crate::sandbox::supervisor::Supervisor>>,
        results: &std::path::Path,
    ) -> anyhow::Result<RuntimeLimitGuard> {
        let mut guard = RuntimeLimitGuard {
            restore: None,
            supervisor,
        };
        let (Some(spec), Some(n)) = (&plan.target, plan.target_processes) else {
            return Ok(guard);
        };
        let Some(daemon) = lxd::Daemon::of(spec) else {
            return Ok(guard);
        };
        let (TargetSpec::Lxd(name) | TargetSpec::Incus(name)) = spec else {
            unreachable!("Daemon::of is Some for these kinds only")
        };
        let previous = lxd::config_value(daemon, name, lxd::PROCESSES_KEY)
            .map_err(|e| api_error(spec, daemon, e))?;
        let restore = lxd::Restore {
            daemon,
            socket: daemon.socket(),
            instance: name.clone(),
            key: lxd::PROCESSES_KEY.into(),
            set: n.to_string(),
            previous,
            harness_pid: std::process::id(),
            results: Some(results.to_path_buf()),
        };
        restore.record().map_err(|e| {
            coded(
                Exit::Host,
                format!(
                    "cannot record what to restore in {} before changing {spec}'s {}: {e}",
                    lxd::restore_dir().display(),
                    lxd::PROCESSES_KEY
                ),
            )
        })?;
        if let Some(s) = &guard.supervisor {
            let _ = s.restore(&restore);
        }
        if let Err(e) = lxd::set_config(&restore.socket, name, &restore.key, Some(&restore.set)) {
            let _ = std::fs::remove_file(restore.file());
            return Err(api_error(spec, daemon, e));
        }
        guard.restore = Some(restore);
        Ok(guard)
    }

    /// Puts the previous value back; says what became of it.
    pub fn finish(&mut self) -> Option<lxd::RuntimeLimit> {
        let r = self.restore.take()?;
        let undone = r.undo();
        if let Some(s) = &self.supervisor {
            let _ = s.restored(&r);
        }
        Some(lxd::RuntimeLimit {
            key: r.key.clone(),
            set: r.set.clone(),
            previous: r.previous.clone(),
            restored_by: undone.is_ok().then(|| "the run".to_string()),
            restore_error: undone.err().map(|e| {
                format!(
                    "{e} (recorded in {}: the next run or `limitlab clean` tries again)",
                    r.file().display()
                )
            }),
        })
    }
}

impl Drop for RuntimeLimitGuard {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Resolves a plan's target against the host's layout, and checks that limitlab may run
/// the plan's workloads in it.
pub fn resolve(plan: &RunPlan, host: &Layout) -> anyhow::Result<Target> {
    let spec = plan
        .target
        .clone()
        .expect("resolve is called for plans with a target");
    let pid = target_pid(&spec)?;
    let (layout, pidfd) = match (&spec, pid) {
        (TargetSpec::Cgroup(path), _) if path == crate::plan::SELF => (host.clone(), None),
        (TargetSpec::Cgroup(path), _) => (beneath(host, path)?, None),
        (_, Some(pid)) => {
            let pidfd = crate::sys::pidfd_open(pid).map_err(|e| {
                let exit = if e.raw_os_error() == Some(libc::ESRCH) {
                    Exit::BadInput
                } else {
                    Exit::Host
                };
                coded(exit, format!("{spec}: no process {pid} to attach to ({e})"))
            })?;
            let text = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).map_err(|e| {
                coded(
                    Exit::BadInput,
                    format!("{spec}: cannot read /proc/{pid}/cgroup: {e}"),
                )
            })?;
            let mountinfo = std::fs::read_to_string("/proc/self/mountinfo")?;
            let layout = Layout::from_proc(host.mode, &text, &mountinfo, None)?;
            (layout, Some(pidfd))
        }
        (_, None) => unreachable!("every kind but cgroup has a pid"),
    };
    let cgroups = layout.parents();
    let limits = limits_above(&layout);
    let report = TargetReport {
        spec: spec.clone(),
        pid,
        cgroups,
        limits,
        alive_after: None,
        runtime_limit: None,
        before: None,
        after: None,
    };

    // A workload that multiplies never runs without a pids cap: the target's, or the one
    // the scenario gives limitlab's own cgroup.
    let multiplies = plan.workloads.iter().any(|w| w.spec.multiplies());
    let capped = report.limits.iter().any(|l| l.control == "pids.max");
    if multiplies && !capped && plan.limits.pids.source == PidsSource::Target {
        return Err(coded(
            Exit::BadInput,
            format!(
                "{spec} has no pids limit on its cgroup or any above it, so a bomb in it could take every pid of the host; put a pids limit on it (e.g. lxc.cgroup.pids.max / --pids-limit / TasksMax=), or give the scenario limits.pids for limitlab's own cgroup beneath it"
            ),
        ));
    }
    Ok(Target {
        report,
        pidfd,
        layout,
    })
}

/// The host layout with every hierarchy's own cgroup replaced by `path`.
fn beneath(host: &Layout, path: &str) -> anyhow::Result<Layout> {
    let mut layout = host.clone();
    let move_to = |h: &mut Hierarchy| h.own = path.to_string();
    layout.v1.values_mut().for_each(move_to);
    if let Some(u) = layout.unified.as_mut() {
        u.own = path.to_string();
    }
    let probe = match layout.mode {
        Mode::V2 => layout.unified.as_ref(),
        _ => layout.v1.get("pids"),
    }
    .ok_or_else(|| coded(Exit::Host, "no pids hierarchy to find the target cgroup in"))?;
    if !probe.own_dir().is_dir() {
        return Err(coded(
            Exit::BadInput,
            format!(
                "cgroup {path} does not exist ({} is not a directory)",
                probe.own_dir().display()
            ),
        ));
    }
    // Hierarchies where the cgroup does not exist are left at the host's own.
    for (c, h) in layout.v1.iter_mut() {
        if !h.own_dir().is_dir() {
            h.own = host.v1[c].own.clone();
        }
    }
    if let (Some(u), Some(hu)) = (layout.unified.as_mut(), host.unified.as_ref())
        && !u.own_dir().is_dir()
    {
        u.own = hu.own.clone();
    }
    Ok(layout)
}

/// The nearest set limit of each kind on a layout's own cgroups or their ancestors.
fn limits_above(layout: &Layout) -> Vec<LimitWritten> {
    let files: &[(&str, &str)] = match layout.mode {
        Mode::V2 => &[
            ("", "pids.max"),
            ("", "memory.max"),
            ("", "memory.swap.max"),
            ("", "cpu.max"),
        ],
        _ => &[
            ("pids", "pids.max"),
            ("memory", "memory.limit_in_bytes"),
            ("memory", "memory.memsw.limit_in_bytes"),
            ("cpu", "cpu.cfs_quota_us"),
        ],
    };
    let mut out = Vec::new();
    for (controller, file) in files {
        let h = if controller.is_empty() {
            layout.unified.as_ref()
        } else {
            layout.v1.get(*controller)
        };
        if let Some((dir, value)) = h.and_then(|h| h.nearest(file, is_limit)) {
            out.push(LimitWritten {
                control: file.to_string(),
                path: dir.join(file),
                value,
            });
        }
    }
    out
}

impl Target {
    /// The files the sampler reads for the target: its tasks and memory, and the events of
    /// the cgroup whose limit is the one under test.
    pub fn stat_files(&self) -> Vec<StatFile> {
        let limit_dir = |control: &str| {
            self.report
                .limits
                .iter()
                .find(|l| l.control == control)
                .and_then(|l| l.path.parent().map(PathBuf::from))
        };
        let (pids, memory) = match self.layout.mode {
            Mode::V2 => {
                let own = self.layout.unified.as_ref().map(Hierarchy::own_dir);
                (own.clone(), own)
            }
            _ => (
                self.layout.v1.get("pids").map(Hierarchy::own_dir),
                self.layout.v1.get("memory").map(Hierarchy::own_dir),
            ),
        };
        let mut files = Vec::new();
        if let Some(d) = &pids {
            files.push(StatFile {
                path: d.join("pids.current"),
                kind: SourceKind::TargetPidsCurrent,
            });
            if d.join("pids.peak").exists() {
                files.push(StatFile {
                    path: d.join("pids.peak"),
                    kind: SourceKind::TargetPidsPeak,
                });
            }
        }
        if let Some(d) = limit_dir("pids.max").or(pids) {
            files.push(StatFile {
                path: d.join("pids.events"),
                kind: SourceKind::TargetPidsEvents,
            });
        }
        match (self.layout.mode, memory) {
            (Mode::V2, Some(d)) => {
                files.push(StatFile {
                    path: d.join("memory.current"),
                    kind: SourceKind::TargetMemoryCurrent,
                });
                let ev = limit_dir("memory.max").unwrap_or(d);
                files.push(StatFile {
                    path: ev.join("memory.events"),
                    kind: SourceKind::TargetOomKills,
                });
            }
            (_, Some(d)) => {
                files.push(StatFile {
                    path: d.join("memory.usage_in_bytes"),
                    kind: SourceKind::TargetMemoryCurrent,
                });
                let ev = limit_dir("memory.limit_in_bytes").unwrap_or(d);
                files.push(StatFile {
                    path: ev.join("memory.oom_control"),
                    kind: SourceKind::TargetOomKills,
                });
            }
            _ => {}
        }
        files
    }

    /// The target's cgroup in the pids hierarchy (its own directory).
    fn pids_dir(&self) -> Option<PathBuf> {
        match self.layout.mode {
            Mode::V2 => self.layout.unified.as_ref().map(Hierarchy::own_dir),
            _ => self.layout.v1.get("pids").map(Hierarchy::own_dir),
        }
    }

    /// The target as it is now: its cgroup's task count and the processes in its pid
    /// namespace (a cgroup target: in its cgroup).
    pub fn state(&self) -> TargetState {
        let dir = self.pids_dir();
        let pids_current = dir
            .as_ref()
            .and_then(|d| std::fs::read_to_string(d.join("pids.current")).ok())
            .and_then(|t| t.trim().parse().ok());
        let mut pids: Vec<i32> = match self.report.pid {
            Some(init) => match pid_namespace(&init.to_string()) {
                Some(ns) => std::fs::read_dir("/proc")
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let pid = name.parse::<i32>().ok()?;
                        (pid_namespace(&name) == Some(ns)).then_some(pid)
                    })
                    .collect(),
                None => Vec::new(),
            },
            None => dir
                .map(|d| crate::sandbox::cgroup::procs(&d))
                .unwrap_or_default(),
        };
        pids.sort_unstable();
        TargetState {
            pids_current,
            processes: pids.into_iter().filter_map(process).collect(),
        }
    }

    /// After teardown: waits up to `patience` for the target to be as `before` found it;
    /// returns its state and what is still left in it (empty: restored).
    pub fn settle(&self, before: &TargetState, patience: Duration) -> (TargetState, Vec<String>) {
        let until = Instant::now() + patience;
        loop {
            let after = self.state();
            let left = before.left_in(&after);
            if left.is_empty() || Instant::now() >= until {
                return (after, left);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the sandbox needs to join the target's namespaces.
    pub fn join(&self) -> std::io::Result<Option<crate::sandbox::TargetJoin>> {
        let (Some(fd), Some(pid)) = (&self.pidfd, self.report.pid) else {
            return Ok(None);
        };
        let ns = |p: &str| {
            std::fs::metadata(p).map(|m| {
                use std::os::unix::fs::MetadataExt;
                (m.dev(), m.ino())
            })
        };
        let user = ns("/proc/self/ns/user")? != ns(&format!("/proc/{pid}/ns/user"))?;
        Ok(Some(crate::sandbox::TargetJoin {
            pidfd: fd.try_clone()?,
            user,
        }))
    }

    /// Whether the target's process is still alive (a zombie is not: its pidfd is readable
    /// as soon as it exits, reaped or not).
    pub fn alive(&self) -> Option<bool> {
        let fd = self.pidfd.as_ref()?;
        let mut fds = [nix::poll::PollFd::new(
            std::os::fd::AsFd::as_fd(fd),
            nix::poll::PollFlags::POLLIN,
        )];
        match nix::poll::poll(&mut fds, nix::poll::PollTimeout::ZERO) {
            Ok(0) => Some(true),
            Ok(_) => Some(false),
            Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::cgroup::fake::*;

    #[test]
    fn limits_are_read_from_the_nearest_ancestor() {
        let tmp = tempfile::tempdir().unwrap();
        let l = Layout::from_proc(
            Mode::V1,
            "5:pids:/lxc/c1/inner\n4:memory:/lxc/c1\n",
            MOUNTS_V1,
            Some(tmp.path()),
        )
        .unwrap();
        std::fs::create_dir_all(tmp.path().join("pids/lxc/c1/inner")).unwrap();
        std::fs::create_dir_all(tmp.path().join("memory/lxc/c1")).unwrap();
        std::fs::write(tmp.path().join("pids/lxc/c1/inner/pids.max"), "max\n").unwrap();
        std::fs::write(tmp.path().join("pids/lxc/c1/pids.max"), "1000\n").unwrap();
        std::fs::write(
            tmp.path().join("memory/lxc/c1/memory.limit_in_bytes"),
            "9223372036854771712\n",
        )
        .unwrap();
        let limits = limits_above(&l);
        assert_eq!(limits.len(), 1, "{limits:?}");
        assert_eq!(limits[0].control, "pids.max");
        assert_eq!(limits[0].value, "1000");
        assert_eq!(limits[0].path, tmp.path().join("pids/lxc/c1/pids.max"));
    }

    #[test]
    fn what_a_run_left_in_its_target_is_named() {
        let p = |pid, state: &str| TargetProcess {
            pid,
            ppid: 1,
            comm: "limitlab".into(),
            state: state.into(),
            threads: 1,
        };
        let before = TargetState {
            pids_current: Some(1),
            processes: vec![p(1, "S")],
        };
        assert!(before.left_in(&before.clone()).is_empty());
        // The target's own new process accounts for its task; a zombie does not.
        let busy = TargetState {
            pids_current: Some(2),
            processes: vec![p(1, "S"), p(7, "R")],
        };
        assert!(
            before.left_in(&busy).is_empty(),
            "{:?}",
            before.left_in(&busy)
        );
        let broken = TargetState {
            pids_current: Some(62),
            processes: vec![p(1, "S"), p(9, "Z")],
        };
        let left = before.left_in(&broken);
        assert_eq!(left.len(), 2, "{left:?}");
        // A process of its own that started a thread (limitlab's harness, when the target is
        // the cgroup it runs in) accounts for that task too.
        let threaded = TargetState {
            pids_current: Some(3),
            processes: vec![
                TargetProcess {
                    threads: 2,
                    ..p(1, "S")
                },
                p(6, "S"),
            ],
        };
        let two = TargetState {
            pids_current: Some(2),
            processes: vec![p(1, "S"), p(6, "S")],
        };
        assert!(
            two.left_in(&threaded).is_empty(),
            "{:?}",
            two.left_in(&threaded)
        );
        assert!(left[0].contains("zombie pid 9"), "{left:?}");
        assert!(
            left[1].contains("pids.current is 62, against 1"),
            "{left:?}"
        );
    }

    #[test]
    fn an_uncapped_chain_has_no_pids_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let l =
            Layout::from_proc(Mode::V1, "5:pids:/lxc/c1\n", MOUNTS_V1, Some(tmp.path())).unwrap();
        std::fs::create_dir_all(tmp.path().join("pids/lxc/c1")).unwrap();
        std::fs::write(tmp.path().join("pids/lxc/c1/pids.max"), "max\n").unwrap();
        std::fs::write(tmp.path().join("pids/lxc/pids.max"), "max\n").unwrap();
        assert!(
            !limits_above(&l).iter().any(|l| l.control == "pids.max"),
            "'max' all the way up is no limit"
        );
    }

    #[test]
    fn a_cgroup_target_must_exist() {
        let tmp = tempfile::tempdir().unwrap();
        let host = Layout::from_proc(Mode::V1, CGROUP_V1, MOUNTS_V1, Some(tmp.path())).unwrap();
        populate(&host, &[]);
        std::fs::create_dir_all(tmp.path().join("pids/slice")).unwrap();
        let l = beneath(&host, "/slice").unwrap();
        assert_eq!(l.v1["pids"].own_dir(), tmp.path().join("pids/slice"));
        assert_eq!(
            l.v1["memory"].own_dir(),
            tmp.path().join("memory/ci"),
            "absent elsewhere: the host's own"
        );
        let e = beneath(&host, "/nope").unwrap_err();
        assert_eq!(crate::exit_of(&e), Exit::BadInput);
    }
}
