//! What this machine is and can do: the facts a run records, and `limitlab doctor`'s checks.

use crate::t;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::data::Namespace;
use crate::data::PsiScope;
use crate::plan::{DEFAULT_SAFETY_CEILING, LimitsPlan, PidsLimit, PidsSource};
use crate::sandbox::cgroup::grant::{self, Decision, Source};
use crate::sandbox::cgroup::systemd::Bus;
use crate::sandbox::cgroup::{Layout, Mode};
use crate::sandbox::rootless;

/// Facts recorded with every run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostFacts {
    pub hostname: String,
    pub kernel: String,
    pub cgroup_mode: Option<Mode>,
    pub cpus: usize,
    pub memory_bytes: Option<u64>,
    /// Where a run's PSI figures come from.
    pub psi_scope: PsiScope,
    pub root: bool,
    /// The harness's effective uid (recorded since results format 1 gained it).
    pub uid: Option<u32>,
    pub pid_max: Option<u64>,
    pub autogroup: Option<bool>,
    /// Where the sandboxes' cgroups came from: `own cgroup`, or `systemd scope
    /// limitlab-812.scope (system manager)` (recorded since limitlab asks systemd).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cgroup_source: Option<String>,
    /// The node the run is labelled with in a fleet (`--node`, or the `NODE_NAME` the
    /// Kubernetes Downward API gives); absent means the hostname is the node's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The container runtime limitlab itself ran under (`LIMITLAB_RUNTIME`, else what
    /// its own cgroup path or marker files say: containerd, cri-o, docker, podman);
    /// absent on a host outside any container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
}

impl HostFacts {
    pub fn probe(layout: Option<&Layout>) -> HostFacts {
        let uts = nix::sys::utsname::uname().ok();
        let psi_scope = match layout.map(|l| l.mode) {
            Some(Mode::V2 | Mode::Hybrid) => PsiScope::Cgroup,
            _ if Path::new("/proc/pressure/cpu").exists() => PsiScope::System,
            _ => PsiScope::None,
        };
        HostFacts {
            hostname: uts
                .as_ref()
                .map(|u| u.nodename().to_string_lossy().into_owned())
                .unwrap_or_default(),
            kernel: uts
                .as_ref()
                .map(|u| u.release().to_string_lossy().into_owned())
                .unwrap_or_default(),
            cgroup_mode: layout.map(|l| l.mode),
            cpus: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            memory_bytes: meminfo_total(),
            psi_scope,
            root: nix::unistd::geteuid().is_root(),
            uid: Some(nix::unistd::geteuid().as_raw()),
            pid_max: read_number("/proc/sys/kernel/pid_max"),
            autogroup: read_number("/proc/sys/kernel/sched_autogroup_enabled").map(|n| n == 1),
            cgroup_source: None,
            node: None,
            runtime: detect_runtime(),
        }
    }

    /// The name this run's node goes by in a fleet report: the label it was given, else
    /// its hostname.
    pub fn node_name(&self) -> &str {
        self.node.as_deref().unwrap_or(&self.hostname)
    }

    /// The kernel's major and minor version.
    pub fn kernel_version(&self) -> (u32, u32) {
        kernel_version(&self.kernel)
    }
}

/// Parses `6.18.44-fc-v657` into `(6, 18)`.
pub fn kernel_version(release: &str) -> (u32, u32) {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (major, minor)
}

/// The container runtime this process runs under: `LIMITLAB_RUNTIME` when set (a manifest
/// can pass what it knows), else read from `/proc/self/cgroup` and the engines' marker
/// files; `None` outside a container.
pub fn detect_runtime() -> Option<String> {
    if let Ok(r) = std::env::var("LIMITLAB_RUNTIME")
        && !r.trim().is_empty()
    {
        return Some(r.trim().to_string());
    }
    let cgroup = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let kube = cgroup.contains("kubepods");
    let named = runtime_of_cgroup(&cgroup)
        .or_else(|| Path::new("/run/.containerenv").exists().then_some("podman"))
        .or_else(|| Path::new("/.dockerenv").exists().then_some("docker"));
    match (named, kube) {
        (Some(r), true) => Some(format!("{r} (kubernetes)")),
        (Some(r), false) => Some(r.to_string()),
        (None, true) => Some("kubernetes".into()),
        (None, false) => None,
    }
}

/// The runtime a cgroup path names: runc's and the CRI runtimes' scope and directory names.
pub fn runtime_of_cgroup(cgroup: &str) -> Option<&'static str> {
    const NAMES: [(&str, &str); 5] = [
        ("cri-containerd", "containerd"),
        ("crio-", "cri-o"),
        ("libpod", "podman"),
        ("docker", "docker"),
        ("lxc.payload", "lxc"),
    ];
    NAMES
        .iter()
        .find(|(needle, _)| cgroup.contains(needle))
        .map(|(_, name)| *name)
}

fn read_number(path: &str) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn meminfo_total() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb: u64 = text
        .lines()
        .find(|l| l.starts_with("MemTotal:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb * 1024)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Present and working.
    Ok,
    /// Missing, and runs cannot work without it.
    Missing,
    /// Missing or degraded; runs work but lose something.
    Warn,
    /// For information.
    Info,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Ok => "ok",
            Status::Missing => "MISSING",
            Status::Warn => "warn",
            Status::Info => "info",
        })
    }
}

/// One line of `limitlab doctor`.
#[derive(Debug, Clone)]
pub struct Check {
    pub status: Status,
    pub what: String,
    pub detail: String,
}

fn check(status: Status, what: &str, detail: impl Into<String>) -> Check {
    Check {
        status,
        what: what.to_string(),
        detail: detail.into(),
    }
}

/// Everything `doctor` looks at, in the order it prints them.
pub fn doctor() -> Vec<Check> {
    let mut out = Vec::new();
    let root = nix::unistd::geteuid().is_root();
    out.push(if root {
        check(Status::Ok, "root", t!("doctor-root"))
    } else {
        check(
            Status::Info,
            "root",
            t!("doctor-not-root", uid = nix::unistd::geteuid()),
        )
    });

    let layout = match Layout::detect() {
        Ok(l) => l,
        Err(e) => {
            out.push(check(Status::Missing, "cgroups", e.to_string()));
            return out;
        }
    };
    out.push(check(Status::Ok, "cgroup mode", layout.mode.to_string()));
    let decision = grant::decide(Some(&layout));
    out.push(cgroup_source(&decision));
    // Where a scope will be asked for, the checks below look at what it will be made from.
    let seen = match decision.source {
        Source::Scope(Bus::User) => user_manager_view(&layout),
        _ => layout.clone(),
    };
    let layout = seen;
    if !root {
        // What a typical scenario needs: a pids limit and the memory ceiling.
        let typical = LimitsPlan {
            pids: PidsLimit {
                max: DEFAULT_SAFETY_CEILING,
                source: PidsSource::Scenario,
            },
            memory: None,
            memory_ceiling: Some(1 << 30),
            swap: None,
            cpu: None,
            cpuset: None,
        };
        out.extend(
            rootless::check(&layout, &[&typical])
                .into_iter()
                .map(|p| Check {
                    status: if p.ok { Status::Ok } else { Status::Missing },
                    what: p.what,
                    detail: p.detail,
                }),
        );
    }

    match layout.mode {
        Mode::V1 | Mode::Hybrid => {
            for (c, need) in [
                ("pids", Status::Missing),
                ("memory", Status::Warn),
                ("cpu", Status::Warn),
                ("cpuacct", Status::Warn),
                ("cpuset", Status::Warn),
                ("freezer", Status::Warn),
            ] {
                out.push(match layout.v1.get(c) {
                    Some(h) => check(
                        Status::Ok,
                        &format!("{c} controller"),
                        t!("doctor-sandboxes-under", dir = h.own_dir().display()),
                    ),
                    None => check(need, &format!("{c} controller"), v1_missing_meaning(c)),
                });
            }
        }
        Mode::V2 => {
            let own = layout
                .unified
                .as_ref()
                .map(|h| h.own_dir())
                .unwrap_or_default();
            let available =
                std::fs::read_to_string(own.join("cgroup.controllers")).unwrap_or_default();
            for c in ["pids", "memory", "cpu", "cpuset", "io"] {
                // Rootless checks named the ones a run needs already.
                if out.iter().any(|k| k.what == format!("{c} controller")) {
                    continue;
                }
                let ok = available.split_whitespace().any(|a| a == c);
                out.push(if ok {
                    check(
                        Status::Ok,
                        &format!("{c} controller"),
                        t!("doctor-available-below", dir = own.display()),
                    )
                } else {
                    check(
                        if c == "pids" {
                            Status::Missing
                        } else {
                            Status::Warn
                        },
                        &format!("{c} controller"),
                        t!(
                            "doctor-not-delegated",
                            dir = own.display(),
                            meaning = v1_missing_meaning(c)
                        ),
                    )
                });
            }
            // The real root cgroup has no cgroup.type and is exempt from "no internal
            // processes"; any other cgroup (a cgroup namespace's "/" included) is not.
            if let Source::Scope(_) = decision.source {
                out.push(check(
                    Status::Info,
                    "no internal processes",
                    t!(
                        "doctor-alone-in-scope",
                        prefix = crate::sandbox::cgroup::NAME_PREFIX
                    ),
                ));
            } else if own.join("cgroup.type").exists() {
                let procs = std::fs::read_to_string(own.join("cgroup.procs")).unwrap_or_default();
                let me = std::process::id().to_string();
                let others = procs.lines().filter(|p| p.trim() != me).count();
                out.push(if others > 0 {
                    check(
                        Status::Missing,
                        "no internal processes",
                        t!(
                            "doctor-internal-processes",
                            dir = own.display(),
                            others = others
                        ),
                    )
                } else {
                    check(
                        Status::Info,
                        "no internal processes",
                        t!(
                            "doctor-alone-in",
                            dir = own.display(),
                            prefix = crate::sandbox::cgroup::NAME_PREFIX
                        ),
                    )
                });
            }
        }
    }

    if root {
        out.extend(probe_unified(&layout));
    }

    let facts = HostFacts::probe(Some(&layout));
    out.push(if Path::new("/proc/pressure/cpu").exists() {
        check(Status::Ok, "PSI", t!("doctor-psi-ok"))
    } else {
        check(Status::Warn, "PSI", t!("doctor-psi-missing"))
    });

    let missing_ns: Vec<_> = Namespace::ALL
        .iter()
        .filter(|ns| !Path::new("/proc/self/ns").join(ns.proc_name()).exists())
        .map(|ns| ns.name())
        .collect();
    out.push(if missing_ns.is_empty() {
        check(Status::Ok, "namespaces", t!("doctor-namespaces-ok"))
    } else {
        check(
            Status::Missing,
            "namespaces",
            t!("doctor-namespaces-missing", missing = missing_ns.join(", ")),
        )
    });

    let (maj, min) = facts.kernel_version();
    let (whole, view) = crate::sandbox::view::host_support((maj, min));
    let status = if whole { Status::Ok } else { Status::Missing };
    out.push(check(status, "sandbox view", view));
    out.push(if (maj, min) >= (5, 7) {
        check(
            Status::Ok,
            "clone3",
            t!("doctor-clone3-ok", kernel = facts.kernel),
        )
    } else {
        check(
            Status::Info,
            "clone3",
            t!("doctor-clone3-missing", kernel = facts.kernel),
        )
    });

    if let Some(pid_max) = facts.pid_max {
        let status = if pid_max <= DEFAULT_SAFETY_CEILING * 2 {
            Status::Warn
        } else {
            Status::Info
        };
        out.push(check(
            status,
            "pid_max",
            t!(
                "doctor-pid-max",
                pid_max = pid_max,
                ceiling = DEFAULT_SAFETY_CEILING,
                share =
                    crate::i18n::fixed(DEFAULT_SAFETY_CEILING as f64 * 100.0 / pid_max as f64, 0)
            ),
        ));
    }
    out.push(match facts.autogroup {
        Some(true) => check(Status::Info, "autogroup", t!("doctor-autogroup-on")),
        Some(false) => check(Status::Info, "autogroup", t!("doctor-autogroup-off")),
        None => check(Status::Info, "autogroup", t!("doctor-autogroup-none")),
    });
    out
}

/// The doctor line that says where a run's cgroups will come from, and why.
fn cgroup_source(d: &Decision) -> Check {
    let (status, way) = match (&d.source, &d.unreachable) {
        (Source::Own, Some(_)) => (Status::Warn, t!("doctor-source-own")),
        (Source::Own, None) => (Status::Ok, t!("doctor-source-own")),
        (Source::Scope(Bus::System), _) => (Status::Ok, t!("doctor-source-system")),
        (Source::Scope(Bus::User), _) => (Status::Ok, t!("doctor-source-user")),
    };
    check(status, "cgroups from", format!("{way}: {}", d.why))
}

/// The layout as a scope from the user manager will see it: beneath the user manager's own
/// cgroup (`user@<uid>.service`), whose controllers are what systemd delegated to the user.
fn user_manager_view(layout: &Layout) -> Layout {
    let uid = nix::unistd::geteuid().as_raw();
    let mut seen = layout.clone();
    if let Some(h) = seen.unified.as_mut() {
        let manager = format!("/user.slice/user-{uid}.slice/user@{uid}.service");
        if h.mount.join(manager.trim_start_matches('/')).is_dir() {
            h.own = manager;
        }
    }
    seen
}

fn v1_missing_meaning(c: &str) -> String {
    match c {
        "pids" => t!("doctor-missing-pids"),
        "memory" => t!("doctor-missing-memory"),
        "cpu" => t!("doctor-missing-cpu"),
        "cpuacct" => t!("doctor-missing-cpuacct"),
        "cpuset" => t!("doctor-missing-cpuset"),
        "freezer" => t!("doctor-missing-freezer"),
        _ => t!("doctor-missing-other"),
    }
}

/// Creates a throwaway cgroup2 child to see what a sandbox would get there.
fn probe_unified(layout: &Layout) -> Vec<Check> {
    let Some(h) = &layout.unified else {
        return vec![check(Status::Info, "cgroup.kill", t!("doctor-no-cgroup2"))];
    };
    let dir = h
        .own_dir()
        .join(format!("limitlab.{}.doctor", std::process::id()));
    if let Err(e) = std::fs::create_dir(&dir) {
        return vec![check(
            Status::Warn,
            "cgroup2 probe",
            t!("doctor-cannot-create", dir = dir.display(), error = e),
        )];
    }
    let has = |f: &str| dir.join(f).exists();
    let psi = std::fs::read_to_string(dir.join("cpu.pressure")).is_ok();
    let mut out = vec![
        if has("cgroup.kill") {
            check(Status::Ok, "cgroup.kill", t!("doctor-kill-ok"))
        } else {
            check(Status::Warn, "cgroup.kill", t!("doctor-kill-missing"))
        },
        if psi {
            check(Status::Ok, "PSI per sandbox", t!("doctor-psi-cgroup-ok"))
        } else {
            check(
                Status::Warn,
                "PSI per sandbox",
                t!("doctor-psi-cgroup-missing"),
            )
        },
    ];
    if let Err(e) = std::fs::remove_dir(&dir) {
        out.push(check(
            Status::Warn,
            "cgroup2 probe",
            t!("doctor-cannot-remove", dir = dir.display(), error = e),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_versions() {
        assert_eq!(kernel_version("6.18.44-fc-v657"), (6, 18));
        assert_eq!(kernel_version("5.4.0"), (5, 4));
        assert_eq!(kernel_version("weird"), (0, 0));
    }
}
