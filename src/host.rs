//! What this machine is: the facts a run records (`limitlab doctor`'s checks are the CLI's).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::data::PsiScope;
use crate::sandbox::cgroup::{Layout, Mode};

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
    /// The same, as data (absent from an older limitlab's record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cgroup_grant: Option<crate::sandbox::cgroup::grant::Granted>,
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
    /// Reads this machine's facts: its name, kernel, cgroup mode (from `layout`), CPUs,
    /// memory, where PSI comes from, who runs limitlab, and the container runtime.
    pub fn detect(layout: Option<&Layout>) -> HostFacts {
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
            cgroup_grant: None,
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
