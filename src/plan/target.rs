//! The `[target]` table (or `--target` over it), resolved: an existing container or
//! cgroup to run in instead of a new sandbox, and the instance limit set on it for the run.

use serde::{Deserialize, Serialize};

use crate::plan::Diagnostics;
use crate::scenario::{TargetTable, path};
use crate::t;

/// The `[target]` kinds, for messages.
pub const TARGET_KINDS: &str = "pid, cgroup, lxc, docker, podman, lxd, incus";

/// `[target] cgroup = "self"`: the cgroups limitlab itself runs in (in a container, the
/// container's: a Kubernetes pod's `resources.limits` are what is tested).
pub const SELF: &str = "self";

/// An existing container or cgroup to run in, instead of a new sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSpec {
    Pid(u32),
    Cgroup(String),
    Lxc(String),
    Docker(String),
    Podman(String),
    Lxd(String),
    Incus(String),
}

impl TargetSpec {
    /// Parses `--target`: `pid:1234`, `cgroup:/system.slice/x`, `lxc:NAME`, `docker:NAME`,
    /// `podman:NAME`, `lxd:NAME`, `incus:NAME`.
    pub fn parse(text: &str) -> Result<TargetSpec, String> {
        let (kind, value) = text.split_once(':').ok_or_else(|| {
            format!(
                "{text:?}: expected KIND:VALUE, e.g. pid:1234, lxc:NAME, cgroup:/system.slice/x"
            )
        })?;
        let spec = match kind {
            "pid" => TargetSpec::Pid(
                value
                    .parse()
                    .map_err(|_| format!("{value:?} is not a pid"))?,
            ),
            "cgroup" => TargetSpec::Cgroup(value.into()),
            "lxc" => TargetSpec::Lxc(value.into()),
            "docker" => TargetSpec::Docker(value.into()),
            "podman" => TargetSpec::Podman(value.into()),
            "lxd" => TargetSpec::Lxd(value.into()),
            "incus" => TargetSpec::Incus(value.into()),
            other => {
                return Err(format!(
                    "unknown target kind {other:?}; one of {TARGET_KINDS}"
                ));
            }
        };
        spec.check().map(|_| spec)
    }

    /// Checks the value: a positive pid, a clean absolute cgroup path, a plain name.
    pub fn check(&self) -> Result<(), String> {
        match self {
            TargetSpec::Pid(0) => Err("pid 0 is not a process".into()),
            TargetSpec::Pid(p) if *p > i32::MAX as u32 => Err(format!("{p} is not a pid")),
            TargetSpec::Pid(_) => Ok(()),
            TargetSpec::Cgroup(path) if path == SELF => Ok(()),
            TargetSpec::Cgroup(path) => {
                if !path.starts_with('/') {
                    return Err(format!(
                        "{path:?} must be absolute within the hierarchy, e.g. \"/system.slice/x.slice\", or \"self\" (limitlab's own cgroups, e.g. a Kubernetes pod's)"
                    ));
                }
                if path.split('/').any(|c| c == ".." || c == ".") {
                    return Err(format!("{path:?} may not contain \".\" or \"..\""));
                }
                if path.contains('\0') || path.contains("//") {
                    return Err(format!("{path:?} is not a clean cgroup path"));
                }
                Ok(())
            }
            TargetSpec::Lxc(n)
            | TargetSpec::Docker(n)
            | TargetSpec::Podman(n)
            | TargetSpec::Lxd(n)
            | TargetSpec::Incus(n) => {
                let ok = !n.is_empty()
                    && n.len() <= 128
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
                if ok {
                    Ok(())
                } else {
                    Err(format!(
                        "{n:?} is not a container name (letters, digits, '.', '_', '-')"
                    ))
                }
            }
        }
    }

    /// Whether the target is reached through the LXD API (`lxd` or `incus`).
    pub fn is_lxd_api(&self) -> bool {
        matches!(self, TargetSpec::Lxd(_) | TargetSpec::Incus(_))
    }

    /// Whether limitlab joins the target's namespaces (every kind but `cgroup`).
    pub fn joins_namespaces(&self) -> bool {
        !matches!(self, TargetSpec::Cgroup(_))
    }
}

impl std::fmt::Display for TargetSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (runtime, name) = match self {
            TargetSpec::Pid(p) => return f.write_str(&t!("target-process", pid = p)),
            TargetSpec::Cgroup(c) if c == SELF => return f.write_str(&t!("target-own-cgroups")),
            TargetSpec::Cgroup(c) => return write!(f, "cgroup {c}"),
            TargetSpec::Lxc(n) => ("LXC", n),
            TargetSpec::Docker(n) => ("Docker", n),
            TargetSpec::Podman(n) => ("Podman", n),
            TargetSpec::Lxd(n) => ("LXD", n),
            TargetSpec::Incus(n) => ("Incus", n),
        };
        f.write_str(&t!("target-container", runtime = runtime, name = name))
    }
}

/// The target of the run: `--target` (`cli`) over the scenario's `[target]` table.
pub fn plan(
    cli: Option<&TargetSpec>,
    table: Option<&TargetTable>,
    d: &mut Diagnostics,
) -> Option<TargetSpec> {
    match (cli, table) {
        (Some(t), _) => Some(t.clone()),
        (None, None) => None,
        (None, Some(t)) => from_table(t, d),
    }
}

/// The one kind a `[target]` table names, checked.
fn from_table(t: &TargetTable, d: &mut Diagnostics) -> Option<TargetSpec> {
    let key = path(&["target"]);
    let given: Vec<(&str, TargetSpec)> = [
        t.pid
            .map(|p| ("pid", TargetSpec::Pid(u32::try_from(p).unwrap_or(0)))),
        t.cgroup.clone().map(|c| ("cgroup", TargetSpec::Cgroup(c))),
        t.lxc.clone().map(|n| ("lxc", TargetSpec::Lxc(n))),
        t.docker.clone().map(|n| ("docker", TargetSpec::Docker(n))),
        t.podman.clone().map(|n| ("podman", TargetSpec::Podman(n))),
        t.lxd.clone().map(|n| ("lxd", TargetSpec::Lxd(n))),
        t.incus.clone().map(|n| ("incus", TargetSpec::Incus(n))),
    ]
    .into_iter()
    .flatten()
    .collect();
    match given.as_slice() {
        [(k, spec)] => match spec.check() {
            Ok(()) => Some(spec.clone()),
            Err(m) => {
                d.push(&key.key(k), m);
                None
            }
        },
        [] => {
            d.push(&key, t!("plan-target-needs-one", kinds = TARGET_KINDS));
            None
        }
        _ => {
            d.push(&key, t!("plan-target-exactly-one", kinds = TARGET_KINDS));
            None
        }
    }
}

/// `[target] limits_processes`: the instance's own limit, set for the run (LXD API
/// targets only).
pub fn processes(
    table: Option<&TargetTable>,
    target: Option<&TargetSpec>,
    d: &mut Diagnostics,
) -> Option<u64> {
    let n = table.and_then(|t| t.limits_processes)?;
    let key = path(&["target", "limits_processes"]);
    if n < 1 {
        d.push(
            &key,
            format!("{n} is not allowed; use a positive number of processes, e.g. 1000"),
        );
        None
    } else if let Some(target) = target.filter(|t| !t.is_lxd_api()) {
        d.push(&key, t!("plan-limits-processes-lxd-only", target = target));
        None
    } else {
        Some(n as u64)
    }
}
