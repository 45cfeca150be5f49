//! Attacking a container that already exists: find its init process (through the runtime's
//! own CLI for LXC, Docker and Podman), pin it with a pidfd, read the limits its cgroups
//! are under, and give limitlab a layout whose "own" cgroups are the target's, so the
//! sandbox's cgroups are created beneath the container's and its limits are what is tested.

mod runtime;
mod state;

use std::os::fd::OwnedFd;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::data::SourceKind;
use crate::data::{LimitWritten, StatFile};
use crate::plan::{PidsSource, RunPlan, TargetSpec};
use crate::sandbox::cgroup::{Hierarchy, Layout, Mode, is_limit};
use crate::sandbox::lxd;
use crate::{Exit, coded};
pub use runtime::RuntimeLimitGuard;
use runtime::target_pid;
pub use state::{TargetProcess, TargetState};

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

/// A resolved target.
pub struct Target {
    pub report: TargetReport,
    /// Pins the target's process, and is what the sandbox init joins the namespaces of.
    pub pidfd: Option<OwnedFd>,
    /// A layout whose own cgroups are the target's.
    pub layout: Layout,
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
                coded(
                    exit,
                    crate::t!("target-no-process", target = spec, pid = pid, error = e),
                )
            })?;
            let text = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).map_err(|e| {
                coded(
                    Exit::BadInput,
                    crate::t!(
                        "target-cannot-read-cgroup",
                        target = spec,
                        pid = pid,
                        error = e
                    ),
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
            crate::t!("target-no-pids-limit", target = spec),
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
    .ok_or_else(|| coded(Exit::Host, crate::t!("target-no-pids-hierarchy")))?;
    if !probe.own_dir().is_dir() {
        return Err(coded(
            Exit::BadInput,
            crate::t!(
                "target-cgroup-missing",
                path = path,
                dir = probe.own_dir().display()
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
        let said =
            |lang| crate::i18n::with(lang, || beneath(&host, "/nope").unwrap_err().to_string());
        let dir = tmp.path().join("pids/nope");
        assert_eq!(
            said(crate::i18n::Lang::En),
            format!(
                "cgroup /nope does not exist ({} is not a directory)",
                dir.display()
            )
        );
        assert_eq!(
            said(crate::i18n::Lang::Es),
            format!(
                "el cgroup /nope no existe ({} no es una carpeta)",
                dir.display()
            )
        );
    }
}
