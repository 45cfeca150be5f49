//! Scenario files: the TOML types that mirror the file exactly. The file's text and where
//! a key sits in it are `source.rs`'s ([`Source`]); key paths and located problems are
//! `diagnostics.rs`'s ([`KeyPath`], [`Diagnostic`]); the JSON schema is [`schema`]'s.
//!
//! Parsing here only checks shape (`deny_unknown_fields`, types). Values are checked and
//! resolved by [`crate::plan`], which reports problems through [`Source::error_at`] so every
//! message names the file, line, column and key.

pub mod schema;

mod diagnostics;
mod source;

pub(crate) use diagnostics::closest;
pub use diagnostics::{Diagnostic, KeyPath, ScenarioError, Seg, path};
pub use source::{Source, line_col};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A limitlab scenario: what to run in the sandbox, under which limits, for how long, and
/// what must hold. Every field is optional here; [`crate::plan`] decides what is required
/// and fills in defaults.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Names the results folder (`results/<name>/...`): letters, digits, `.`, `_`, `-`.
    /// Default: the file name without `.toml`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"), extend("examples" = ["forkbomb"]))]
    pub name: Option<String>,
    /// What the scenario demonstrates, a line or a paragraph; shown at the top of its reports.
    #[schemars(extend("examples" = ["Classic fork bomb against pids.max = 100"]))]
    pub description: Option<String>,
    /// The description in Spanish: shown instead of `description` when limitlab writes in
    /// Spanish (`--lang es`, or a locale such as `es_CO.UTF-8`).
    #[schemars(extend("examples" = ["Bomba fork clásica frente a pids.max = 100"]))]
    pub description_es: Option<String>,
    /// Required. How long the workload runs (the run ends earlier if every workload ends).
    #[schemars(regex(pattern = crate::scenario::schema::DURATION_PATTERN), extend("examples" = ["5s", "1500ms"]))]
    pub duration: Option<String>,
    /// The sandbox the workload runs in.
    pub sandbox: Option<SandboxTable>,
    /// The cgroup limits under test; each is optional (absent: no limit from the scenario,
    /// but limitlab's safety ceilings still apply).
    pub limits: Option<LimitsTable>,
    /// What runs; one or more tables, started together (or after `start_after`).
    #[serde(default)]
    pub workload: Vec<WorkloadTable>,
    /// How often the cgroup is sampled.
    pub sampling: Option<SamplingTable>,
    /// Metric = comparison; every one must hold for exit code 0.
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::expect_schema")]
    pub expect: IndexMap<String, String>,
    /// A sweep: dotted scenario keys with the lists of values to run, e.g.
    /// `"limits.pids" = [10, 100, 1000]`, and `include` for extra cells. One run per cell.
    #[schemars(schema_with = "crate::scenario::schema::matrix_schema")]
    pub matrix: Option<toml::Table>,
    /// Attack an existing container or cgroup instead of a new sandbox: its own limits are
    /// what is tested. Exactly one key naming it (plus, with lxd or incus, limits_processes).
    /// `--target` on the command line overrides it.
    pub target: Option<TargetTable>,
}

/// An existing container or cgroup to attack.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TargetTable {
    /// Any process: limitlab joins its namespaces (pid, mount, net, uts, ipc, cgroup) and
    /// works in a cgroup of its own beneath that process's cgroups.
    #[schemars(range(min = 1), extend("examples" = [1234]))]
    pub pid: Option<i64>,
    /// A cgroup, relative to the hierarchy root: limitlab works beneath it, in a sandbox of
    /// its own namespaces (e.g. a systemd slice). `"self"`: the cgroups limitlab runs in,
    /// so the limits of the container it runs in (a Kubernetes pod's `resources.limits`)
    /// are what is tested.
    #[schemars(extend("examples" = ["/system.slice/limits-under-test.slice", "self"]))]
    pub cgroup: Option<String>,
    /// An LXC container, by name (its init pid from `lxc-info -pH -n NAME`).
    #[schemars(extend("examples" = ["course"]))]
    pub lxc: Option<String>,
    /// A Docker container, by name or id (`docker inspect -f '{{.State.Pid}}'`).
    #[schemars(extend("examples" = ["web-1"]))]
    pub docker: Option<String>,
    /// A Podman container, by name or id (`podman inspect -f '{{.State.Pid}}'`).
    #[schemars(extend("examples" = ["web-1"]))]
    pub podman: Option<String>,
    /// An LXD container, by name: its init pid from LXD's REST API on its unix socket
    /// (`GET /1.0/instances/NAME/state`; the socket is `$LXD_DIR/unix.socket`, else
    /// `/var/lib/lxd/unix.socket`).
    #[schemars(extend("examples" = ["ubuntu-1604"]))]
    pub lxd: Option<String>,
    /// An Incus container, by name: as `lxd`, through `$INCUS_DIR/unix.socket`, else
    /// `/var/lib/incus/unix.socket`.
    #[schemars(extend("examples" = ["course"]))]
    pub incus: Option<String>,
    /// With `lxd` or `incus`: the instance's own `limits.processes` for the length of the
    /// run, set through the daemon's API (as `lxc config set NAME limits.processes N` does)
    /// and put back as it was afterwards, also when the run is interrupted (a killed harness
    /// leaves it to the supervisor, or to the next run). The report says which restored it.
    #[schemars(range(min = 1), extend("examples" = [1000]))]
    pub limits_processes: Option<i64>,
}

/// The sandbox the workload runs in.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SandboxTable {
    /// Which namespaces the sandbox gets.
    #[schemars(extend("default" = ["pid", "mount", "net", "uts", "ipc", "cgroup"], "examples" = [["pid", "mount", "cgroup"]]))]
    pub namespaces: Option<Vec<NamespaceName>>,
    /// The sandbox's hostname (needs the uts namespace).
    #[schemars(extend("default" = "limitlab", "examples" = ["lab-1"]))]
    pub hostname: Option<String>,
    /// The uid the workload runs as (65534 is nobody).
    #[schemars(range(min = 0, max = 4294967294i64), extend("default" = 65534, "examples" = [1000]))]
    pub uid: Option<i64>,
    /// The gid the workload runs as.
    #[schemars(range(min = 0, max = 4294967294i64), extend("default" = 65534, "examples" = [1000]))]
    pub gid: Option<i64>,
    /// Resource limits (setrlimit) of the workload.
    pub rlimits: Option<RlimitsTable>,
    /// The syscall filter: no new namespaces, mounts or kernel keyrings inside the sandbox.
    #[schemars(extend("default" = true, "examples" = [false]))]
    pub seccomp: Option<bool>,
    /// Host paths the workload may write, bound read-write at the same path (absolute
    /// paths that exist on the host). By default the host root is read-only and only the
    /// private tmpfs mounts (/tmp, /var/tmp, /run, /dev/shm) are writable.
    #[schemars(extend("default" = [], "examples" = [["/var/lib/lab"]]))]
    pub writable: Option<Vec<String>>,
    /// Extra host paths bound into the sandbox (read-only unless `writable = true`).
    pub bind: Option<Vec<BindTable>>,
    /// Extra host device nodes bound into the minimal /dev at the same name (absolute
    /// paths under /dev). By default /dev holds only null, zero, full, random, urandom,
    /// tty, a private devpts with ptmx, and shm.
    #[schemars(extend("default" = [], "examples" = [["/dev/fuse"]]))]
    pub devices: Option<Vec<String>>,
}

/// A host path bound into the sandbox.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BindTable {
    /// The host path (absolute; it must exist).
    #[schemars(extend("examples" = ["/srv/data"]))]
    pub source: String,
    /// Where the sandbox sees it (absolute); default: the same path.
    #[schemars(extend("examples" = ["/data"]))]
    pub target: Option<String>,
    /// Whether the workload may write it.
    #[schemars(extend("default" = false, "examples" = [true]))]
    pub writable: Option<bool>,
}

/// A namespace name.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(transparent)]
pub struct NamespaceName(#[schemars(schema_with = "namespace_schema")] pub String);

fn namespace_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = crate::data::Namespace::ALL
        .iter()
        .map(|n| n.name())
        .collect();
    schemars::json_schema!({ "type": "string", "enum": names })
}

/// Resource limits (setrlimit) of the workload.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RlimitsTable {
    /// RLIMIT_NPROC: processes of the workload's uid on the whole machine (not enforced
    /// for uid 0). Without a `uid`, the workload runs as a uid leased for the run alone
    /// (from 1879048192 up), so that only the sandbox's processes count.
    #[schemars(range(min = 1), extend("x-unit" = "processes", "examples" = [500]))]
    pub nproc: Option<i64>,
    /// RLIMIT_NOFILE: open files per process.
    #[schemars(range(min = 8), extend("x-unit" = "open files", "examples" = [1024]))]
    pub nofile: Option<i64>,
    /// RLIMIT_AS: address space per process, a size (at least 16MiB).
    #[serde(rename = "as")]
    #[schemars(with = "Option<crate::scenario::schema::Size>", extend("examples" = ["1GiB"]))]
    pub address_space: Option<toml::Value>,
}

/// The cgroup limits under test.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsTable {
    /// pids.max: most processes and threads at once, or "max" for no scenario limit (the
    /// safety ceiling still applies).
    #[schemars(with = "Option<crate::scenario::schema::Pids>", extend("x-unit" = "tasks (processes and threads)", "examples" = [100, "max"]))]
    pub pids: Option<toml::Value>,
    /// memory.max (v1 memory.limit_in_bytes), a size of at least 1MiB.
    #[schemars(with = "Option<crate::scenario::schema::Size>", extend("examples" = ["256MiB"]))]
    pub memory: Option<toml::Value>,
    /// memory.swap.max (v1: memsw = memory + swap), a size; needs `memory`.
    #[schemars(with = "Option<crate::scenario::schema::Size>", extend("examples" = ["0B"]))]
    pub swap: Option<toml::Value>,
    /// CPU bandwidth in cores (0.01 to 4096), written as cpu.max quota/period (v1
    /// cfs_quota_us/cfs_period_us) with a 100 ms period.
    #[schemars(with = "Option<crate::scenario::schema::Number>", extend("x-unit" = "cores", "examples" = [0.5, 2]))]
    pub cpu: Option<toml::Value>,
    /// cpuset.cpus: the CPUs the sandbox may use.
    #[schemars(regex(pattern = r"^\s*[0-9]+(-[0-9]+)?(\s*,\s*[0-9]+(-[0-9]+)?)*\s*$"), extend("examples" = ["0", "0-1,3"]))]
    pub cpuset: Option<String>,
}

/// One workload. Which options are allowed depends on `kind` (see the workload kinds);
/// the planner checks.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkloadTable {
    /// Required. What runs.
    #[schemars(schema_with = "crate::scenario::schema::kind_schema")]
    pub kind: Option<String>,
    /// forkbomb, threadbomb: how the bomb multiplies.
    #[schemars(extend("enum" = ["classic", "binary", "churn"], "default" = "classic", "examples" = ["binary"]))]
    pub style: Option<String>,
    /// command (required): the program and its arguments, looked up in PATH.
    #[schemars(extend("examples" = [["perl", "-e", "fork while fork"]]))]
    pub argv: Option<Vec<String>>,
    /// memhog (required): how much to allocate, a size.
    #[schemars(with = "Option<crate::scenario::schema::Size>", extend("examples" = ["1GiB"]))]
    pub size: Option<toml::Value>,
    /// memhog: how fast, a size per second; default as fast as the kernel allows.
    #[schemars(regex(pattern = crate::scenario::schema::RATE_PATTERN), extend("examples" = ["256MiB/s"]))]
    pub rate: Option<String>,
    /// memhog: the allocation step, a size from 4KiB to 1GiB.
    #[schemars(with = "Option<crate::scenario::schema::Size>", extend("default" = "4MiB", "examples" = ["64KiB"]))]
    pub chunk: Option<toml::Value>,
    /// memhog: anon (anonymous memory) or shm (a file in the sandbox's private tmpfs).
    #[schemars(extend("enum" = ["anon", "shm"], "default" = "anon", "examples" = ["shm"]))]
    pub backing: Option<String>,
    /// memhog: keep the memory until the end (false: free it and exit).
    #[schemars(extend("default" = true, "examples" = [false]))]
    pub hold: Option<bool>,
    /// cpuspin: spinning threads; default one per CPU of the sandbox's cpuset.
    #[schemars(range(min = 1, max = 4096), extend("x-unit" = "threads", "examples" = [2]))]
    pub threads: Option<i64>,
    /// cpuspin: busy fraction of each 100 ms slot, 0 < duty <= 1.
    #[schemars(with = "Option<crate::scenario::schema::Number>", extend("default" = 1.0, "x-unit" = "fraction of each 100 ms slot", "examples" = [0.25]))]
    pub duty: Option<toml::Value>,
    /// Any kind: delay before this workload starts, shorter than the duration.
    #[schemars(regex(pattern = crate::scenario::schema::DURATION_PATTERN), extend("default" = "0s", "examples" = ["2s"]))]
    pub start_after: Option<String>,
    /// escape: which attempts to make; default all.
    #[schemars(schema_with = "tries_schema")]
    pub tries: Option<Vec<String>>,
}

fn tries_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = crate::workloads::escape::ATTEMPTS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    schemars::json_schema!({ "type": ["array", "null"], "items": { "type": "string", "enum": names }, "examples": [["cgroup-move", "kill-host"]] })
}

/// How often the cgroup is sampled.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SamplingTable {
    /// The sampling interval, at least 1ms.
    #[schemars(regex(pattern = crate::scenario::schema::DURATION_PATTERN), extend("default" = "10ms", "examples" = ["1ms", "100ms"]))]
    pub interval: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        Source::from_text("t.toml", text).parse()
    }

    #[test]
    fn parses_the_documented_example() {
        let s = parse(
            r#"
name = "forkbomb"
description = "Classic fork bomb against pids.max = 100"
duration = "5s"
[sandbox]
namespaces = ["pid", "mount", "net", "uts", "ipc", "cgroup"]
hostname = "limitlab"
uid = 65534
gid = 65534
rlimits = { nproc = 500, nofile = 1024, as = "1GiB" }
[limits]
pids = 100
memory = "256MiB"
swap = "0B"
cpu = 0.5
cpuset = "0"
[[workload]]
kind = "forkbomb"
style = "classic"
[sampling]
interval = "10ms"
[expect]
"pids.peak" = "<= 101"
"pids.limit_hits" = ">= 1"
"teardown.leaked" = "== 0"
"#,
        )
        .unwrap();
        assert_eq!(s.name.as_deref(), Some("forkbomb"));
        assert_eq!(s.workload.len(), 1);
        assert_eq!(s.expect.len(), 3);
        assert_eq!(s.expect.keys().next().unwrap(), "pids.peak");
        let rl = s.sandbox.unwrap().rlimits.unwrap();
        assert_eq!(rl.nproc, Some(500));
        assert_eq!(rl.address_space.unwrap().as_str(), Some("1GiB"));
    }
}
