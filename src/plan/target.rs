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
        let (kind, value) = text
            .split_once(':')
            .ok_or_else(|| t!("target-expected-kind-value", text = format!("{text:?}")))?;
        let spec = match kind {
            "pid" => TargetSpec::Pid(
                value
                    .parse()
                    .map_err(|_| t!("target-not-a-pid", value = format!("{value:?}")))?,
            ),
            "cgroup" => TargetSpec::Cgroup(value.into()),
            "lxc" => TargetSpec::Lxc(value.into()),
            "docker" => TargetSpec::Docker(value.into()),
            "podman" => TargetSpec::Podman(value.into()),
            "lxd" => TargetSpec::Lxd(value.into()),
            "incus" => TargetSpec::Incus(value.into()),
            other => {
                return Err(t!(
                    "target-unknown-kind",
                    kind = format!("{other:?}"),
                    kinds = TARGET_KINDS
                ));
            }
        };
        spec.check().map(|_| spec)
    }

    /// Checks the value: a positive pid, a clean absolute cgroup path, a plain name.
    pub fn check(&self) -> Result<(), String> {
        match self {
            TargetSpec::Pid(0) => Err(t!("target-pid-zero")),
            TargetSpec::Pid(p) if *p > i32::MAX as u32 => Err(t!("target-not-a-pid", value = p)),
            TargetSpec::Pid(_) => Ok(()),
            TargetSpec::Cgroup(path) if path == SELF => Ok(()),
            TargetSpec::Cgroup(path) => {
                if !path.starts_with('/') {
                    return Err(t!("target-cgroup-relative", path = format!("{path:?}")));
                }
                if path.split('/').any(|c| c == ".." || c == ".") {
                    return Err(t!("target-cgroup-dots", path = format!("{path:?}")));
                }
                if path.contains('\0') || path.contains("//") {
                    return Err(t!("target-cgroup-unclean", path = format!("{path:?}")));
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
                    Err(t!("target-bad-name", name = format!("{n:?}")))
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
        d.push(&key, t!("target-limits-processes-small", value = n));
        None
    } else if let Some(target) = target.filter(|t| !t.is_lxd_api()) {
        d.push(&key, t!("plan-limits-processes-lxd-only", target = target));
        None
    } else {
        Some(n as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, with};

    #[test]
    fn parses_each_kind() {
        assert_eq!(TargetSpec::parse("pid:1234"), Ok(TargetSpec::Pid(1234)));
        assert_eq!(
            TargetSpec::parse("cgroup:/system.slice/x"),
            Ok(TargetSpec::Cgroup("/system.slice/x".into()))
        );
        assert_eq!(
            TargetSpec::parse("lxd:web-1"),
            Ok(TargetSpec::Lxd("web-1".into()))
        );
        assert_eq!(
            TargetSpec::parse("cgroup:self"),
            Ok(TargetSpec::Cgroup(SELF.into()))
        );
    }

    #[test]
    fn bad_targets_are_english_by_default() {
        with(Lang::En, || {
            assert_eq!(
                TargetSpec::parse("web").unwrap_err(),
                "\"web\": expected KIND:VALUE, e.g. pid:1234, lxc:NAME, cgroup:/system.slice/x"
            );
            assert_eq!(
                TargetSpec::parse("vm:web").unwrap_err(),
                format!("unknown target kind \"vm\"; one of {TARGET_KINDS}")
            );
            assert_eq!(
                TargetSpec::parse("pid:x").unwrap_err(),
                "\"x\" is not a pid"
            );
            assert_eq!(
                TargetSpec::parse("pid:0").unwrap_err(),
                "pid 0 is not a process"
            );
            assert_eq!(
                TargetSpec::parse("pid:4294967295").unwrap_err(),
                "4294967295 is not a pid"
            );
            assert_eq!(
                TargetSpec::parse("lxc:a b").unwrap_err(),
                "\"a b\" is not a container name (letters, digits, '.', '_', '-')"
            );
            assert_eq!(
                TargetSpec::parse("cgroup:x").unwrap_err(),
                "\"x\" must be absolute within the hierarchy, e.g. \"/system.slice/x.slice\", or \"self\" (limitlab's own cgroups, e.g. a Kubernetes pod's)"
            );
            assert_eq!(
                TargetSpec::parse("cgroup:/a/../b").unwrap_err(),
                "\"/a/../b\" may not contain \".\" or \"..\""
            );
            assert_eq!(
                TargetSpec::parse("cgroup:/a//b").unwrap_err(),
                "\"/a//b\" is not a clean cgroup path"
            );
        });
    }

    #[test]
    fn bad_targets_are_spanish_in_spanish() {
        with(Lang::Es, || {
            assert_eq!(
                TargetSpec::parse("web").unwrap_err(),
                "\"web\": se esperaba TIPO:VALOR, p. ej. pid:1234, lxc:NOMBRE, cgroup:/system.slice/x"
            );
            assert_eq!(
                TargetSpec::parse("vm:web").unwrap_err(),
                format!("tipo de objetivo desconocido \"vm\"; debe ser uno de {TARGET_KINDS}")
            );
            assert_eq!(
                TargetSpec::parse("pid:x").unwrap_err(),
                "\"x\" no es un pid"
            );
            assert_eq!(
                TargetSpec::parse("pid:0").unwrap_err(),
                "el pid 0 no es un proceso"
            );
            assert_eq!(
                TargetSpec::parse("docker:a/b").unwrap_err(),
                "\"a/b\" no es un nombre de contenedor (letras, dígitos, '.', '_', '-')"
            );
            assert!(
                TargetSpec::parse("cgroup:x")
                    .unwrap_err()
                    .contains("debe ser una ruta absoluta dentro de la jerarquía")
            );
            assert!(
                TargetSpec::parse("cgroup:/a/./b")
                    .unwrap_err()
                    .contains("no puede contener")
            );
        });
    }
}
