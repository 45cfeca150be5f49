//! The `[sandbox]` table, resolved: namespaces, hostname, ids, rlimits, and what the
//! scenario adds to the sandbox's default view (writable paths, binds, devices).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::data::Namespace;
use crate::plan::limits::size_at_least;
use crate::plan::{Diagnostics, TargetSpec};
use crate::scenario::{BindTable, NamespaceName, RlimitsTable, SandboxTable, path};
use crate::t;

/// `nobody`: the workload runs unprivileged unless the scenario says otherwise.
pub const DEFAULT_ID: u32 = 65534;
pub const DEFAULT_HOSTNAME: &str = "limitlab";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandboxPlan {
    pub namespaces: Vec<Namespace>,
    pub hostname: String,
    pub uid: u32,
    /// The scenario sets `rlimits.nproc` and no `uid`: the workload runs as a uid leased
    /// for the run alone (see `src/sandbox/uid.rs`), so that only the sandbox's own
    /// processes count against `RLIMIT_NPROC`. A run's record has the uid it leased.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub private_uid: bool,
    pub gid: u32,
    pub rlimits: RlimitsPlan,
    /// The syscall filter: no new namespaces, no mounts, no keyrings inside.
    pub seccomp: bool,
    /// What the scenario adds to the default view (see [`crate::sandbox::view`]).
    #[serde(default, skip_serializing_if = "ViewConfig::is_empty")]
    pub view: ViewConfig,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RlimitsPlan {
    pub nproc: Option<u64>,
    pub nofile: Option<u64>,
    #[serde(rename = "as")]
    pub address_space: Option<u64>,
}

/// A host path bound into the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bind {
    /// The host path.
    pub source: PathBuf,
    /// Where the sandbox sees it.
    pub target: PathBuf,
    pub writable: bool,
    /// Why it is there, in a few words ("scenario", "workload[0]'s program").
    pub why: String,
}

/// What the init is asked to add to the default view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewConfig {
    pub binds: Vec<Bind>,
    /// Extra host device nodes, bound into `/dev` at the same name.
    pub devices: Vec<PathBuf>,
}

impl ViewConfig {
    /// Nothing added to the default view.
    pub fn is_empty(&self) -> bool {
        self.binds.is_empty() && self.devices.is_empty()
    }
}

/// Resolves `[sandbox]` (an absent table is an empty one).
pub fn plan(sb: &SandboxTable, d: &mut Diagnostics) -> SandboxPlan {
    let namespaces = namespaces(sb.namespaces.as_deref(), d);
    let hostname = hostname(sb.hostname.as_deref(), &namespaces, d);
    let uid = id("uid", sb.uid, d);
    let gid = id("gid", sb.gid, d);
    let rlimits = rlimits(&sb.rlimits.clone().unwrap_or_default(), d);
    let view = view(sb, d);
    if adds_to_view(sb) && !namespaces.contains(&Namespace::Mount) {
        d.push(
            &path(&["sandbox", "namespaces"]),
            t!("plan-view-needs-mount"),
        );
    }
    SandboxPlan {
        namespaces,
        hostname,
        uid,
        gid,
        private_uid: sb.uid.is_none() && rlimits.nproc.is_some(),
        rlimits,
        seccomp: sb.seccomp.unwrap_or(true),
        view,
    }
}

/// A run that joins a container sees the container's own filesystems: it cannot add to
/// the view.
pub fn check_view_with_target(sb: &SandboxTable, target: Option<&TargetSpec>, d: &mut Diagnostics) {
    if adds_to_view(sb) && target.is_some_and(TargetSpec::joins_namespaces) {
        d.push(&path(&["sandbox"]), t!("plan-view-with-target"));
    }
}

/// Whether the scenario adds anything to the default view.
fn adds_to_view(sb: &SandboxTable) -> bool {
    sb.writable.is_some() || sb.bind.is_some() || sb.devices.is_some()
}

/// The namespaces named (each once), sorted; all of them when the list is absent.
fn namespaces(list: Option<&[NamespaceName]>, d: &mut Diagnostics) -> Vec<Namespace> {
    let Some(list) = list else {
        let mut all = Namespace::ALL.to_vec();
        all.sort();
        return all;
    };
    let mut namespaces = Vec::new();
    for (i, n) in list.iter().map(|n| &n.0).enumerate() {
        let key = path(&["sandbox", "namespaces"]).index(i);
        match Namespace::ALL.iter().find(|ns| ns.name() == n) {
            None => d.push(
                &key,
                t!("plan-unknown-namespace", namespace = format!("{n:?}")),
            ),
            Some(ns) if namespaces.contains(ns) => d.push(
                &key,
                t!("plan-namespace-twice", namespace = format!("{n:?}")),
            ),
            Some(ns) => namespaces.push(*ns),
        }
    }
    namespaces.sort();
    namespaces
}

/// The hostname given, which needs the uts namespace; [`DEFAULT_HOSTNAME`] otherwise.
fn hostname(given: Option<&str>, namespaces: &[Namespace], d: &mut Diagnostics) -> String {
    let Some(hostname) = given else {
        return DEFAULT_HOSTNAME.into();
    };
    let key = path(&["sandbox", "hostname"]);
    if !valid_hostname(hostname) {
        d.push(
            &key,
            t!("plan-bad-hostname", hostname = format!("{hostname:?}")),
        );
    } else if !namespaces.contains(&Namespace::Uts) {
        d.push(&key, t!("plan-hostname-needs-uts"));
    }
    hostname.to_string()
}

fn valid_hostname(h: &str) -> bool {
    (1..=64).contains(&h.len())
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
}

/// `[sandbox] uid` or `gid` (`key`): [`DEFAULT_ID`] when absent or out of range.
fn id(key: &str, value: Option<i64>, d: &mut Diagnostics) -> u32 {
    match value {
        None => DEFAULT_ID,
        Some(v) if (0..u32::MAX as i64).contains(&v) => v as u32,
        Some(v) => {
            d.push(&path(&["sandbox", key]), t!("plan-bad-id", value = v));
            DEFAULT_ID
        }
    }
}

fn rlimits(rl: &RlimitsTable, d: &mut Diagnostics) -> RlimitsPlan {
    let nproc = rlimit("nproc", rl.nproc, 1, d);
    let nofile = rlimit("nofile", rl.nofile, 8, d);
    let address_space = rl.address_space.as_ref().and_then(|v| {
        d.check(
            &path(&["sandbox", "rlimits", "as"]),
            size_at_least(v, 16 << 20, || t!("plan-rlimit-as-why")),
        )
    });
    RlimitsPlan {
        nproc,
        nofile,
        address_space,
    }
}

/// A count rlimit (`key`) of at least `min`.
fn rlimit(key: &str, value: Option<i64>, min: i64, d: &mut Diagnostics) -> Option<u64> {
    match value {
        Some(v) if v < min => {
            d.push(
                &path(&["sandbox", "rlimits", key]),
                t!("plan-rlimit-small", value = v, min = min),
            );
            None
        }
        v => v.map(|v| v as u64),
    }
}

/// `[sandbox] writable`, `bind` and `devices`: what the scenario adds to the tight
/// default view.
fn view(sb: &SandboxTable, d: &mut Diagnostics) -> ViewConfig {
    let mut binds = writable(sb.writable.as_deref().unwrap_or_default(), d);
    binds.extend(binds_of(sb.bind.as_deref().unwrap_or_default(), d));
    let devices = devices(sb.devices.as_deref().unwrap_or_default(), d);
    ViewConfig { binds, devices }
}

/// An absolute path without `..`, and not `/` itself.
fn clean_absolute(p: &str) -> Result<PathBuf, String> {
    let pb = PathBuf::from(p);
    let clean = pb.is_absolute()
        && pb
            .components()
            .all(|c| !matches!(c, std::path::Component::ParentDir));
    if !clean || pb == Path::new("/") {
        return Err(t!("plan-bad-path", path = format!("{p:?}")));
    }
    Ok(pb)
}

/// `[sandbox] writable`: each path bound read-write at the same place.
fn writable(paths: &[String], d: &mut Diagnostics) -> Vec<Bind> {
    let mut binds = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        match clean_absolute(p) {
            Ok(pb) => binds.push(Bind {
                source: pb.clone(),
                target: pb,
                writable: true,
                why: "[sandbox] writable".into(),
            }),
            Err(m) => d.push(&path(&["sandbox", "writable"]).index(i), m),
        }
    }
    binds
}

/// `[sandbox] bind`: each table's source, at its target (default: the same path).
fn binds_of(tables: &[BindTable], d: &mut Diagnostics) -> Vec<Bind> {
    let mut binds = Vec::new();
    for (i, b) in tables.iter().enumerate() {
        let at = |key: &str| path(&["sandbox", "bind"]).index(i).key(key);
        let source = d.check(&at("source"), clean_absolute(&b.source));
        let target = d.check(
            &at("target"),
            clean_absolute(b.target.as_deref().unwrap_or(&b.source)),
        );
        if let (Some(source), Some(target)) = (source, target) {
            binds.push(Bind {
                source,
                target,
                writable: b.writable.unwrap_or(false),
                why: "[sandbox] bind".into(),
            });
        }
    }
    binds
}

/// `[sandbox] devices`: device nodes under `/dev` (not `/dev/shm` or `/dev/pts`).
fn devices(list: &[String], d: &mut Diagnostics) -> Vec<PathBuf> {
    let mut devices = Vec::new();
    for (i, dev) in list.iter().enumerate() {
        let key = path(&["sandbox", "devices"]).index(i);
        let Some(pb) = d.check(&key, clean_absolute(dev)) else {
            continue;
        };
        if is_device_path(&pb) {
            devices.push(pb);
        } else {
            d.push(&key, t!("plan-bad-device", path = format!("{dev:?}")));
        }
    }
    devices
}

fn is_device_path(pb: &Path) -> bool {
    pb.strip_prefix("/dev")
        .is_ok_and(|name| !name.as_os_str().is_empty())
        && !pb.starts_with("/dev/shm")
        && !pb.starts_with("/dev/pts")
}
