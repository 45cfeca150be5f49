//! The validated plan: a scenario with every value checked, units resolved and defaults
//! filled in. Parse, then plan, then run: nothing past this point sees raw TOML.

pub mod expect;
pub mod matrix;
pub mod workload;

use crate::t;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::data::Namespace;
use crate::plan::expect::Expectation;
use crate::scenario::{Diagnostic, KeyPath, Scenario, ScenarioError, Source, closest, path};
use crate::units::{self, parse_cpu_list};
use crate::workloads::{self, Workload};
use workload::from_table;

/// limitlab's own pids cap for scenarios that set none.
pub const DEFAULT_SAFETY_CEILING: u64 = 2048;
/// How long past its duration a run may take (setup, teardown) before the watchdog acts.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(15);
pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(10);
pub const MIN_INTERVAL: Duration = Duration::from_millis(1);
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);
/// `nobody`: the workload runs unprivileged unless the scenario says otherwise.
pub const DEFAULT_ID: u32 = 65534;
pub const DEFAULT_HOSTNAME: &str = "limitlab";
/// The `[target]` kinds, for messages.
pub const TARGET_KINDS: &str = "pid, cgroup, lxc, docker, podman, lxd, incus";

/// The metric every target scenario expects `== 1` of unless it names it itself.
pub const TARGET_ALIVE: &str = "target.alive";

/// Options that come from the command line, not the scenario.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub safety_ceiling: u64,
    /// The memory cap for scenarios that set none (`None`: no cap).
    pub memory_ceiling: Option<u64>,
    /// `--target`: replaces the scenario's `[target]`.
    pub target: Option<TargetSpec>,
    pub grace: Duration,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            safety_ceiling: DEFAULT_SAFETY_CEILING,
            memory_ceiling: None,
            target: None,
            grace: DEFAULT_GRACE,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunPlan {
    pub name: String,
    /// The matrix cell this plan is, as `key = value, ...` (sweeps only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    pub description: Option<String>,
    /// The description in Spanish, when the scenario has one; the report picks the one of
    /// the language it is written in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_es: Option<String>,
    pub source: PathBuf,
    #[serde(with = "crate::units::millis", rename = "duration_ms")]
    pub duration: Duration,
    #[serde(with = "crate::units::millis", rename = "grace_ms")]
    pub grace: Duration,
    pub sandbox: SandboxPlan,
    pub limits: LimitsPlan,
    pub workloads: Vec<Workload>,
    #[serde(with = "crate::units::millis", rename = "interval_ms")]
    pub interval: Duration,
    pub expectations: Vec<Expectation>,
    /// An existing container or cgroup to run in, instead of a new sandbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetSpec>,
    /// The `limits.processes` the run sets on an LXD or Incus target for its length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_processes: Option<u64>,
}

impl RunPlan {
    /// The description in the current language (the English one where there is no other).
    pub fn description_here(&self) -> Option<String> {
        crate::i18n::pick(&self.description, &self.description_es)
    }

    pub fn has(&self, ns: Namespace) -> bool {
        self.sandbox.namespaces.contains(&ns)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandboxPlan {
    pub namespaces: Vec<Namespace>,
    pub hostname: String,
    pub uid: u32,
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

/// Who chose the pids cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PidsSource {
    Scenario,
    /// The scenario asked for no pids limit; limitlab's ceiling applies anyway.
    SafetyCeiling,
    /// A target's own limits are under test: limitlab writes no pids.max of its own (and
    /// refuses a target without one, see [`crate::sandbox::target`]).
    Target,
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PidsLimit {
    pub max: u64,
    pub source: PidsSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitsPlan {
    pub pids: PidsLimit,
    /// The scenario's memory limit.
    pub memory: Option<u64>,
    /// limitlab's memory cap when the scenario sets none.
    pub memory_ceiling: Option<u64>,
    pub swap: Option<u64>,
    /// CPU bandwidth in cores.
    pub cpu: Option<f64>,
    pub cpuset: Option<String>,
}

impl LimitsPlan {
    /// The pids limit written to limitlab's own cgroup: none beneath a target, whose own
    /// limit is the one under test.
    pub fn pids_max(&self) -> Option<u64> {
        (self.pids.source != PidsSource::Target).then_some(self.pids.max)
    }

    /// The memory limit written to the kernel: the scenario's, else limitlab's ceiling.
    pub fn memory_max(&self) -> Option<u64> {
        self.memory.or(self.memory_ceiling)
    }
}

/// Reads, parses and plans a scenario file.
pub fn load(path: &Path, opts: &PlanOptions) -> Result<RunPlan, ScenarioError> {
    let source = Source::read(path)?;
    let scenario = source.parse()?;
    plan(&source, &scenario, opts)
}

/// Checks every value of a parsed scenario and resolves it into a plan. Collects every
/// problem rather than stopping at the first.
pub fn plan(src: &Source, sc: &Scenario, opts: &PlanOptions) -> Result<RunPlan, ScenarioError> {
    let mut errs: Vec<Diagnostic> = Vec::new();
    let mut e = |key: &KeyPath, msg: String| errs.push(src.error_at(key, msg));

    let name = match &sc.name {
        Some(n) => n.clone(),
        None => src
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into()),
    };
    if !valid_name(&name) {
        e(
            &path(&["name"]),
            t!("plan-bad-name", name = format!("{name:?}")),
        );
    }

    let duration = match sc.duration.as_deref() {
        None => {
            e(&KeyPath::root(), t!("plan-duration-required"));
            None
        }
        Some(text) => match units::parse_duration(text) {
            Err(m) => {
                e(&path(&["duration"]), m);
                None
            }
            Ok(d) if d.is_zero() => {
                e(&path(&["duration"]), t!("plan-duration-zero"));
                None
            }
            Ok(d) if d > MAX_DURATION => {
                e(&path(&["duration"]), t!("plan-duration-max"));
                None
            }
            Ok(d) => Some(d),
        },
    };

    // [sandbox]
    let sb = sc.sandbox.clone().unwrap_or_default();
    let mut namespaces = Vec::new();
    match &sb.namespaces {
        None => namespaces = Namespace::ALL.to_vec(),
        Some(list) => {
            for (i, n) in list.iter().map(|n| &n.0).enumerate() {
                match Namespace::ALL.iter().find(|ns| ns.name() == n) {
                    None => e(
                        &path(&["sandbox", "namespaces"]).index(i),
                        t!("plan-unknown-namespace", namespace = format!("{n:?}")),
                    ),
                    Some(ns) if namespaces.contains(ns) => e(
                        &path(&["sandbox", "namespaces"]).index(i),
                        t!("plan-namespace-twice", namespace = format!("{n:?}")),
                    ),
                    Some(ns) => namespaces.push(*ns),
                }
            }
        }
    }
    namespaces.sort();
    let hostname = sb
        .hostname
        .clone()
        .unwrap_or_else(|| DEFAULT_HOSTNAME.into());
    if sb.hostname.is_some() {
        if !valid_hostname(&hostname) {
            e(
                &path(&["sandbox", "hostname"]),
                t!("plan-bad-hostname", hostname = format!("{hostname:?}")),
            );
        } else if !namespaces.contains(&Namespace::Uts) {
            e(
                &path(&["sandbox", "hostname"]),
                t!("plan-hostname-needs-uts"),
            );
        }
    }
    let mut id = |key: &str, v: Option<i64>| -> u32 {
        match v {
            None => DEFAULT_ID,
            Some(v) if (0..u32::MAX as i64).contains(&v) => v as u32,
            Some(v) => {
                e(&path(&["sandbox", key]), t!("plan-bad-id", value = v));
                DEFAULT_ID
            }
        }
    };
    let uid = id("uid", sb.uid);
    let gid = id("gid", sb.gid);

    let rl = sb.rlimits.clone().unwrap_or_default();
    let mut rlimit = |key: &str, v: Option<i64>, min: i64| -> Option<u64> {
        match v {
            Some(v) if v < min => {
                e(
                    &path(&["sandbox", "rlimits", key]),
                    t!("plan-rlimit-small", value = v, min = min),
                );
                None
            }
            v => v.map(|v| v as u64),
        }
    };
    let nproc = rlimit("nproc", rl.nproc, 1);
    let nofile = rlimit("nofile", rl.nofile, 8);
    let address_space = rl.address_space.as_ref().and_then(|v| {
        size_value(v, 16 << 20, "the workload cannot even start below 16MiB")
            .map_err(|m| e(&path(&["sandbox", "rlimits", "as"]), m))
            .ok()
    });

    // [sandbox] writable, bind, devices: what the scenario adds to the tight default view.
    let mut view = ViewConfig::default();
    let abs = |p: &str| -> Result<PathBuf, String> {
        let pb = PathBuf::from(p);
        let clean = pb.is_absolute()
            && pb
                .components()
                .all(|c| !matches!(c, std::path::Component::ParentDir));
        if !clean || pb == Path::new("/") {
            return Err(t!("plan-bad-path", path = format!("{p:?}")));
        }
        Ok(pb)
    };
    for (i, p) in sb.writable.iter().flatten().enumerate() {
        match abs(p) {
            Ok(pb) => view.binds.push(Bind {
                source: pb.clone(),
                target: pb,
                writable: true,
                why: "[sandbox] writable".into(),
            }),
            Err(m) => e(&path(&["sandbox", "writable"]).index(i), m),
        }
    }
    for (i, b) in sb.bind.iter().flatten().enumerate() {
        let at = |key: &str| path(&["sandbox", "bind"]).index(i).key(key);
        let source = abs(&b.source).map_err(|m| e(&at("source"), m)).ok();
        let target = abs(b.target.as_deref().unwrap_or(&b.source))
            .map_err(|m| e(&at("target"), m))
            .ok();
        if let (Some(source), Some(target)) = (source, target) {
            view.binds.push(Bind {
                source,
                target,
                writable: b.writable.unwrap_or(false),
                why: "[sandbox] bind".into(),
            });
        }
    }
    for (i, d) in sb.devices.iter().flatten().enumerate() {
        if let Ok(pb) = abs(d).map_err(|m| e(&path(&["sandbox", "devices"]).index(i), m)) {
            let name = pb
                .strip_prefix("/dev")
                .ok()
                .map(|n| n.as_os_str().to_owned());
            match name {
                Some(n)
                    if !n.is_empty()
                        && !pb.starts_with("/dev/shm")
                        && !pb.starts_with("/dev/pts") =>
                {
                    view.devices.push(pb)
                }
                _ => e(
                    &path(&["sandbox", "devices"]).index(i),
                    t!("plan-bad-device", path = format!("{d:?}")),
                ),
            }
        }
    }
    let adds_to_view = sb.writable.is_some() || sb.bind.is_some() || sb.devices.is_some();
    if adds_to_view && !namespaces.contains(&Namespace::Mount) {
        e(
            &path(&["sandbox", "namespaces"]),
            t!("plan-view-needs-mount"),
        );
    }

    // [limits]
    let lim = sc.limits.clone().unwrap_or_default();
    let pids = match &lim.pids {
        None => None,
        Some(toml::Value::String(s)) if s == "max" => None,
        Some(toml::Value::Integer(n)) if *n >= 1 => Some(*n as u64),
        Some(toml::Value::Integer(n)) => {
            e(&path(&["limits", "pids"]), t!("plan-bad-pids", value = n));
            None
        }
        Some(other) => {
            e(
                &path(&["limits", "pids"]),
                t!("plan-bad-pids", value = other),
            );
            None
        }
    };
    // [target], or --target over it.
    let target = match (&opts.target, &sc.target) {
        (Some(t), _) => Some(t.clone()),
        (None, None) => None,
        (None, Some(t)) => {
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
                        e(&key.key(k), m);
                        None
                    }
                },
                [] => {
                    e(&key, t!("plan-target-needs-one", kinds = TARGET_KINDS));
                    None
                }
                _ => {
                    e(&key, t!("plan-target-exactly-one", kinds = TARGET_KINDS));
                    None
                }
            }
        }
    };
    // [target] limits_processes: the instance's own limit, set for the run.
    let target_processes = match sc.target.as_ref().and_then(|t| t.limits_processes) {
        None => None,
        Some(n) => {
            let key = path(&["target", "limits_processes"]);
            if n < 1 {
                e(
                    &key,
                    format!("{n} is not allowed; use a positive number of processes, e.g. 1000"),
                );
                None
            } else if target.as_ref().is_some_and(|t| !t.is_lxd_api()) {
                e(
                    &key,
                    t!(
                        "plan-limits-processes-lxd-only",
                        target = target.as_ref().expect("checked")
                    ),
                );
                None
            } else {
                Some(n as u64)
            }
        }
    };
    let pids = match (pids, &target) {
        (Some(max), _) => PidsLimit {
            max,
            source: PidsSource::Scenario,
        },
        (None, Some(_)) => PidsLimit {
            max: opts.safety_ceiling,
            source: PidsSource::Target,
        },
        (None, None) => PidsLimit {
            max: opts.safety_ceiling,
            source: PidsSource::SafetyCeiling,
        },
    };
    let memory = lim.memory.as_ref().and_then(|v| {
        size_value(v, 1 << 20, "below 1MiB the sandbox's own init cannot start")
            .map_err(|m| e(&path(&["limits", "memory"]), m))
            .ok()
    });
    let swap = lim.swap.as_ref().and_then(|v| {
        size_value(v, 0, "")
            .map_err(|m| e(&path(&["limits", "swap"]), m))
            .ok()
    });
    if swap.is_some() && lim.memory.is_none() {
        e(&path(&["limits", "swap"]), t!("plan-swap-needs-memory"));
    }
    let cpu = match &lim.cpu {
        None => None,
        Some(v) => {
            let cores = match v {
                toml::Value::Integer(n) => Some(*n as f64),
                toml::Value::Float(f) => Some(*f),
                _ => None,
            };
            match cores {
                Some(c) if (0.01..=4096.0).contains(&c) => Some(c),
                _ => {
                    e(&path(&["limits", "cpu"]), t!("plan-bad-cpu", value = v));
                    None
                }
            }
        }
    };
    let cpuset = lim.cpuset.clone().filter(|c| {
        let ok = valid_cpuset(c);
        if !ok {
            e(
                &path(&["limits", "cpuset"]),
                t!("plan-bad-cpuset", value = format!("{c:?}")),
            );
        }
        ok
    });

    // [[workload]]
    let mut specs = Vec::new();
    if sc.workload.len() > workloads::counters::MAX_WORKLOADS {
        e(
            &KeyPath::root()
                .key("workload")
                .index(workloads::counters::MAX_WORKLOADS),
            t!(
                "plan-too-many-workloads",
                max = workloads::counters::MAX_WORKLOADS
            ),
        );
    }
    if sc.workload.is_empty() {
        e(&KeyPath::root(), t!("plan-workload-required"));
    }
    for (i, table) in sc.workload.iter().enumerate() {
        match from_table(table, duration) {
            Ok(spec) => specs.push(spec),
            Err(list) => {
                for oe in list {
                    e(
                        &KeyPath::root().key("workload").index(i).key(oe.key),
                        oe.message,
                    );
                }
            }
        }
    }

    // [sampling]
    let interval = match sc.sampling.as_ref().and_then(|s| s.interval.as_deref()) {
        None => DEFAULT_INTERVAL,
        Some(text) => match units::parse_duration(text) {
            Err(m) => {
                e(&path(&["sampling", "interval"]), m);
                DEFAULT_INTERVAL
            }
            Ok(d) if d < MIN_INTERVAL => {
                e(
                    &path(&["sampling", "interval"]),
                    t!("plan-interval-small", value = format!("{text:?}")),
                );
                DEFAULT_INTERVAL
            }
            Ok(d) if duration.is_some_and(|dur| d > dur) => {
                e(
                    &path(&["sampling", "interval"]),
                    t!("plan-interval-long", value = format!("{text:?}")),
                );
                DEFAULT_INTERVAL
            }
            Ok(d) => d,
        },
    };

    // [expect]
    let mut expectations = Vec::new();
    for (metric, text) in &sc.expect {
        let key = path(&["expect", metric]);
        match crate::data::metrics::find(metric) {
            None => e(
                &key,
                t!(
                    "plan-unknown-metric",
                    metric = format!("{metric:?}"),
                    hint = suggest(metric)
                ),
            ),
            Some(def) => match Expectation::new(def, text) {
                Ok(x) => expectations.push(x),
                Err(m) => e(&key, m),
            },
        }
    }

    // A run that joins a container sees the container's own filesystems.
    if adds_to_view && target.as_ref().is_some_and(TargetSpec::joins_namespaces) {
        e(&path(&["sandbox"]), t!("plan-view-with-target"));
    }

    // Attacking a container proves nothing if the container did not survive it. (A cgroup
    // target has no process of its own to survive.)
    if target.as_ref().is_some_and(TargetSpec::joins_namespaces)
        && !sc.expect.contains_key(TARGET_ALIVE)
    {
        let def = crate::data::metrics::find(TARGET_ALIVE).expect("a catalogued metric");
        expectations.push(Expectation::new(def, "== 1").expect("a valid comparison"));
    }

    if !errs.is_empty() {
        return Err(ScenarioError(errs));
    }
    Ok(RunPlan {
        name,
        cell: None,
        description: sc.description.clone(),
        description_es: sc.description_es.clone(),
        source: src.path.clone(),
        duration: duration.expect("checked above"),
        grace: opts.grace,
        sandbox: SandboxPlan {
            namespaces,
            hostname,
            uid,
            gid,
            rlimits: RlimitsPlan {
                nproc,
                nofile,
                address_space,
            },
            seccomp: sb.seccomp.unwrap_or(true),
            view,
        },
        limits: LimitsPlan {
            pids,
            // A target's own memory limit is what is tested; limitlab adds none.
            memory_ceiling: if memory.is_none() && target.is_none() {
                opts.memory_ceiling
            } else {
                None
            },
            memory,
            swap,
            cpu,
            cpuset,
        },
        workloads: specs,
        interval,
        expectations,
        target,
        target_processes,
    })
}

fn size_value(v: &toml::Value, min: u64, why: &str) -> Result<u64, String> {
    let bytes = match v {
        toml::Value::Integer(n) if *n >= 0 => *n as u64,
        toml::Value::String(s) => units::parse_size(s)?,
        other => {
            return Err(t!(
                "plan-not-a-size",
                value = other,
                help = units::SIZE_HELP
            ));
        }
    };
    if bytes < min {
        return Err(t!(
            "plan-size-small",
            size = units::format_size(bytes),
            why = why
        ));
    }
    Ok(bytes)
}

fn suggest(metric: &str) -> String {
    match closest(metric, crate::data::metrics::METRICS.iter().map(|m| m.name)) {
        Some(c) => t!("plan-did-you-mean", candidate = format!("{c:?}")),
        None => String::new(),
    }
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

fn valid_hostname(h: &str) -> bool {
    (1..=64).contains(&h.len())
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
}

fn valid_cpuset(text: &str) -> bool {
    parse_cpu_list(text).is_some_and(|c| !c.is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Namespace;
    use crate::workloads::BombStyle;

    fn plan_text(text: &str) -> Result<RunPlan, ScenarioError> {
        let src = Source::from_text("scenarios/t.toml", text);
        let sc = src.parse()?;
        plan(&src, &sc, &PlanOptions::default())
    }

    const MINIMAL: &str = "duration = \"5s\"\n[[workload]]\nkind = \"forkbomb\"\n";

    #[test]
    fn defaults() {
        let p = plan_text(MINIMAL).unwrap();
        assert_eq!(p.name, "t");
        assert_eq!(p.duration, Duration::from_secs(5));
        assert_eq!(p.sandbox.namespaces, Namespace::ALL.to_vec());
        assert_eq!((p.sandbox.uid, p.sandbox.gid), (65534, 65534));
        assert_eq!(p.sandbox.hostname, "limitlab");
        assert_eq!(p.interval, Duration::from_millis(10));
        assert_eq!(
            p.limits.pids,
            PidsLimit {
                max: DEFAULT_SAFETY_CEILING,
                source: PidsSource::SafetyCeiling
            }
        );
        assert_eq!(
            p.workloads,
            vec![Workload {
                spec: crate::workloads::WorkloadSpec::Forkbomb {
                    style: BombStyle::Classic
                },
                start_after: Duration::ZERO
            }]
        );
    }

    #[test]
    fn resolves_units_and_limits() {
        let p = plan_text(
            r#"name = "x"
duration = "1.5s"
[sandbox]
namespaces = ["pid", "net"]
rlimits = { nproc = 500, nofile = 1024, as = "1GiB" }
[limits]
pids = 100
memory = "256MiB"
swap = "0B"
cpu = 0.5
cpuset = "0-1"
[[workload]]
kind = "command"
argv = ["perl", "-e", "fork while fork"]
[sampling]
interval = "5ms"
[expect]
"pids.peak" = "<= 101"
"memory.peak_bytes" = "< 256MiB"
"#,
        )
        .unwrap();
        assert_eq!(p.duration, Duration::from_millis(1500));
        assert_eq!(p.sandbox.namespaces, vec![Namespace::Pid, Namespace::Net]);
        assert_eq!(p.sandbox.rlimits.address_space, Some(1 << 30));
        assert_eq!(
            p.limits.pids,
            PidsLimit {
                max: 100,
                source: PidsSource::Scenario
            }
        );
        assert_eq!(p.limits.memory, Some(256 << 20));
        assert_eq!(p.limits.swap, Some(0));
        assert_eq!(p.limits.cpu, Some(0.5));
        assert_eq!(p.interval, Duration::from_millis(5));
        assert_eq!(p.expectations.len(), 2);
    }

    #[test]
    fn pids_max_means_the_ceiling() {
        let p = plan_text(&format!("{MINIMAL}[limits]\npids = \"max\"\n")).unwrap();
        assert_eq!(p.limits.pids.source, PidsSource::SafetyCeiling);
    }

    fn first_error(text: &str) -> Diagnostic {
        plan_text(text).unwrap_err().0.remove(0)
    }

    #[test]
    fn every_bad_value_is_located_with_what_is_allowed() {
        let cases: &[(&str, &str, &str)] = &[
            ("[limits]\npids = 0\n", "limits.pids", "positive integer"),
            ("[limits]\npids = -5\n", "limits.pids", "positive integer"),
            ("[limits]\npids = \"lots\"\n", "limits.pids", "\"max\""),
            ("[limits]\ncpu = 0\n", "limits.cpu", "0.01"),
            ("[limits]\ncpu = -1.5\n", "limits.cpu", "0.01"),
            ("[limits]\ncpu = \"half\"\n", "limits.cpu", "cores"),
            (
                "[limits]\nmemory = \"12 bananas\"\n",
                "limits.memory",
                "unknown size unit",
            ),
            (
                "[limits]\nmemory = \"1KiB\"\n",
                "limits.memory",
                "too small",
            ),
            (
                "[limits]\nmemory = \"64MiB\"\nswap = true\n",
                "limits.swap",
                "not a size",
            ),
            ("[limits]\nswap = \"0B\"\n", "limits.swap", "limits.memory"),
            ("[limits]\ncpuset = \"zero\"\n", "limits.cpuset", "CPU list"),
            (
                "[sampling]\ninterval = \"500us\"\n",
                "sampling.interval",
                "minimum of 1ms",
            ),
            (
                "[sampling]\ninterval = \"10\"\n",
                "sampling.interval",
                "no unit",
            ),
            (
                "[sampling]\ninterval = \"1m\"\n",
                "sampling.interval",
                "longer than",
            ),
            (
                "[sandbox]\nnamespaces = [\"pid\", \"time\"]\n",
                "sandbox.namespaces[1]",
                "allowed",
            ),
            (
                "[sandbox]\nnamespaces = [\"pid\", \"pid\"]\n",
                "sandbox.namespaces[1]",
                "twice",
            ),
            ("[sandbox]\nuid = -1\n", "sandbox.uid", "valid id"),
            (
                "[sandbox]\nhostname = \"bad host\"\n",
                "sandbox.hostname",
                "hostname",
            ),
            (
                "[sandbox]\nnamespaces = [\"pid\"]\nhostname = \"x\"\n",
                "sandbox.hostname",
                "uts",
            ),
            (
                "[sandbox]\nrlimits = { nproc = 0 }\n",
                "sandbox.rlimits.nproc",
                "at least 1",
            ),
            (
                "[sandbox]\nrlimits = { as = \"1MiB\" }\n",
                "sandbox.rlimits.as",
                "too small",
            ),
            (
                "[sandbox]\nwritable = [\"tmp\"]\n",
                "sandbox.writable[0]",
                "absolute path",
            ),
            (
                "[sandbox]\nbind = [{ source = \"/srv\", target = \"/a/../b\" }]\n",
                "sandbox.bind[0].target",
                "without \"..\"",
            ),
            (
                "[sandbox]\ndevices = [\"/etc/passwd\"]\n",
                "sandbox.devices[0]",
                "not a device path",
            ),
            (
                "[sandbox]\nnamespaces = [\"pid\"]\ndevices = [\"/dev/fuse\"]\n",
                "sandbox.namespaces",
                "\"mount\" namespace",
            ),
            (
                "[expect]\n\"pids.peek\" = \"<= 1\"\n",
                "expect.\"pids.peek\"",
                "did you mean \"pids.peak\"",
            ),
            (
                "[expect]\n\"pids.peak\" = \"about 100\"\n",
                "expect.\"pids.peak\"",
                "comparison",
            ),
            (
                "[expect]\n\"pids.peak\" = \"<=\"\n",
                "expect.\"pids.peak\"",
                "missing a number",
            ),
        ];
        for (extra, key, hint) in cases {
            let text = format!("{MINIMAL}{extra}");
            let d = first_error(&text);
            assert_eq!(d.key, *key, "for {extra:?}: {d}");
            assert!(d.message.contains(hint), "for {extra:?}: {d}");
            assert!(d.line > 3, "points into the added lines for {extra:?}: {d}");
            assert_eq!(d.file, PathBuf::from("scenarios/t.toml"));
        }
    }

    #[test]
    fn structural_errors() {
        let d = first_error("[[workload]]\nkind = \"forkbomb\"\n");
        assert!(d.message.contains("duration is required"), "{d}");
        let d = first_error("duration = \"0s\"\n[[workload]]\nkind = \"forkbomb\"\n");
        assert_eq!(d.key, "duration");
        let d = first_error("duration = \"5s\"\n");
        assert!(d.message.contains("[[workload]]"), "{d}");
        let d =
            first_error("duration = \"5s\"\n[[workload]]\nkind = \"forkbomb\"\nstyle = \"x\"\n");
        assert_eq!((d.key.as_str(), d.line), ("workload[0].style", 4));
        let d = first_error(
            "name = \"../etc\"\nduration = \"5s\"\n[[workload]]\nkind = \"forkbomb\"\n",
        );
        assert_eq!(d.key, "name");
    }

    #[test]
    fn all_errors_are_reported() {
        let e = plan_text(
            "duration = \"5s\"\n[limits]\npids = 0\ncpu = 0\n[[workload]]\nkind = \"forkbomb\"\n",
        )
        .unwrap_err();
        assert_eq!(e.0.len(), 2);
    }

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0-2,5"), Some(vec![0, 1, 2, 5]));
        assert_eq!(parse_cpu_list("3"), Some(vec![3]));
        assert_eq!(parse_cpu_list("2-1"), None);
        assert_eq!(parse_cpu_list(""), None);
    }
}
