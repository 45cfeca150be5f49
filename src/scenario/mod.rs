//! Scenario files: TOML types that mirror the file exactly, and errors that point into it.
//!
//! Parsing here only checks shape (`deny_unknown_fields`, types). Values are checked and
//! resolved by [`crate::plan`], which reports problems through [`Source::error_at`] so every
//! message names the file, line, column and key.

pub mod schema;

use crate::t;
use std::fmt;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};

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
    /// for uid 0).
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

/// One step of a path to a value in the file: `limits.pids`, `workload[1].argv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A dotted path to a key, displayed the way a user would write it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }
    pub fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_string()));
        KeyPath(segs)
    }
    pub fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        KeyPath(segs)
    }
}

/// Builds a key path from dotted text: `path!("limits", "pids")`.
pub fn path(keys: &[&str]) -> KeyPath {
    KeyPath(keys.iter().map(|k| Seg::Key(k.to_string())).collect())
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    let bare = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    if bare {
                        f.write_str(k)?
                    } else {
                        write!(f, "{k:?}")?
                    }
                }
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A problem in a scenario file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub key: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.key,
            self.message
        )
    }
}

/// Every problem found in one scenario file.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ScenarioError(pub Vec<Diagnostic>);

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The text of a scenario file, kept to point errors at lines and columns.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    /// Reads a scenario file. Unreadable files, directories and non-UTF-8 content are
    /// reported as diagnostics at 1:1 (or at the first bad byte).
    pub fn read(path: &Path) -> Result<Source, ScenarioError> {
        let whole = |message: String| {
            ScenarioError(vec![Diagnostic {
                file: path.to_path_buf(),
                line: 1,
                column: 1,
                key: "(file)".into(),
                message,
            }])
        };
        const MAX: u64 = 4 << 20;
        let meta =
            std::fs::metadata(path).map_err(|e| whole(t!("scenario-cannot-read", error = e)))?;
        if meta.is_dir() {
            return Err(whole(t!("scenario-is-directory")));
        }
        if !meta.is_file() {
            // A FIFO would block, a device would never end.
            return Err(whole(t!("scenario-not-regular")));
        }
        if meta.len() > MAX {
            return Err(whole(t!("scenario-too-big", size = meta.len(), max = MAX)));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::fs::File::open(path)
                    .map_err(|e| whole(t!("scenario-cannot-read", error = e)))?,
                MAX + 1,
            ),
            &mut bytes,
        )
        .map_err(|e| whole(t!("scenario-cannot-read", error = e)))?;
        if bytes.len() as u64 > MAX {
            return Err(whole(t!("scenario-more-than", max = MAX)));
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let good = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let prefix = String::from_utf8_lossy(&bytes[..good]).into_owned();
                let (line, column) = line_col(&prefix, good);
                return Err(ScenarioError(vec![Diagnostic {
                    file: path.to_path_buf(),
                    line,
                    column,
                    key: "(file)".into(),
                    message: t!("scenario-not-utf8"),
                }]));
            }
        };
        Ok(Source {
            path: path.to_path_buf(),
            text,
        })
    }

    pub fn from_text(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    /// Parses the file into [`Scenario`]; syntax and type errors come back located. serde
    /// stops at the first problem, so every other unknown key of the file is added, each
    /// located: a file with three typos is fixed in one round, not three.
    pub fn parse(&self) -> Result<Scenario, ScenarioError> {
        toml::from_str::<Scenario>(&self.text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let key = self
                .path_at(offset)
                .map(|p| p.to_string())
                .unwrap_or_else(|| "(syntax)".into());
            let first = self.diagnostic(offset, key, e.message().trim());
            let mut diags = self.unknown_keys();
            // serde's own unknown-field error is one of them, said with less help.
            if !diags
                .iter()
                .any(|x| (x.line, x.column) == (first.line, first.column))
            {
                diags.push(first);
            }
            diags.sort_by_key(|d| (d.line, d.column));
            ScenarioError(diags)
        })
    }

    /// Every key of the file that the format does not have, located (none where the file
    /// is not TOML at all: serde's syntax error says where).
    fn unknown_keys(&self) -> Vec<Diagnostic> {
        let Ok(root) = DeTable::parse(&self.text) else {
            return Vec::new();
        };
        // The format's keys as dotted paths without indices, and the tables whose keys
        // are the user's (`[expect]`, `[matrix]`). Made once: the schema is generated for it.
        static KEYS: std::sync::OnceLock<(Vec<String>, Vec<String>)> = std::sync::OnceLock::new();
        let (known, free) = KEYS.get_or_init(|| {
            let keys = crate::scenario::schema::keys();
            let open = keys.iter().filter(|k| k.open).map(|k| k.path.clone());
            (
                keys.iter().map(|k| k.path.clone()).collect(),
                open.collect(),
            )
        });
        let mut out = Vec::new();
        self.unknown_in(root.get_ref(), "", &KeyPath::root(), known, free, &mut out);
        out
    }

    fn unknown_in(
        &self,
        table: &DeTable<'_>,
        prefix: &str,
        at: &KeyPath,
        known: &[String],
        free: &[String],
        out: &mut Vec<Diagnostic>,
    ) {
        if free.iter().any(|f| f == prefix) {
            return;
        }
        for (k, v) in table.iter() {
            let name = k.get_ref().as_ref();
            let dotted = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            };
            let here = at.key(name);
            if !known.contains(&dotted) {
                let siblings: Vec<&str> = known
                    .iter()
                    .filter_map(|p| {
                        let rest = if prefix.is_empty() {
                            Some(p.as_str())
                        } else {
                            p.strip_prefix(prefix).and_then(|r| r.strip_prefix('.'))
                        };
                        rest.filter(|r| !r.contains('.'))
                    })
                    .collect();
                let listed: Vec<String> = siblings.iter().map(|r| format!("`{r}`")).collect();
                let hint = crate::scenario::closest(name, siblings.iter().copied())
                    .map(|c| t!("scenario-did-you-mean", candidate = c))
                    .unwrap_or_default();
                out.push(self.diagnostic(
                    k.span().start,
                    here.to_string(),
                    t!(
                        "scenario-unknown-field",
                        name = name,
                        hint = hint,
                        expected = listed.join(", ")
                    ),
                ));
                continue;
            }
            match v.get_ref() {
                DeValue::Table(t) => self.unknown_in(t, &dotted, &here, known, free, out),
                DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(t) = item.get_ref().as_table() {
                            self.unknown_in(t, &dotted, &here.index(i), known, free, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A diagnostic for the value at `key`, or at the nearest existing parent table.
    pub fn error_at(&self, key: &KeyPath, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(self.offset_of(key).unwrap_or(0), key.to_string(), message)
    }

    /// A diagnostic about `key`, located at byte `offset` of the file.
    fn diagnostic(&self, offset: usize, key: String, message: impl Into<String>) -> Diagnostic {
        let (line, column) = line_col(&self.text, offset);
        Diagnostic {
            file: self.path.clone(),
            line,
            column,
            key,
            message: message.into(),
        }
    }

    fn offset_of(&self, key: &KeyPath) -> Option<usize> {
        let root = DeTable::parse(&self.text).ok()?;
        let mut best = None;
        let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
        let mut value: Option<&toml::Spanned<DeValue<'_>>> = None;
        for seg in &key.0 {
            let next = match (seg, table, value) {
                (Seg::Key(k), Some(t), _) => t.get(k.as_str()),
                (Seg::Index(i), _, Some(v)) => v.get_ref().as_array().and_then(|a| a.get(*i)),
                _ => None,
            };
            let Some(next) = next else { break };
            best = Some(next.span().start);
            value = Some(next);
            table = next.get_ref().as_table();
        }
        best
    }

    /// The key path whose key or value covers byte `offset`, for serde's errors.
    fn path_at(&self, offset: usize) -> Option<KeyPath> {
        let root = DeTable::parse(&self.text).ok()?;
        let mut path = KeyPath::root();
        descend_table(root.get_ref(), offset, &mut path).then_some(path)
    }
}

/// Finds the key whose key or value text covers `offset`, searching the whole tree (a
/// table's own span is only its header, so its contents are searched regardless).
fn descend_table(table: &DeTable<'_>, offset: usize, path: &mut KeyPath) -> bool {
    for (k, v) in table.iter() {
        path.0.push(Seg::Key(k.get_ref().to_string()));
        if k.span().contains(&offset) || descend_value(v, offset, path) {
            return true;
        }
        path.0.pop();
    }
    false
}

fn descend_value(value: &toml::Spanned<DeValue<'_>>, offset: usize, path: &mut KeyPath) -> bool {
    if let Some(t) = value.get_ref().as_table() {
        if descend_table(t, offset, path) {
            return true;
        }
    } else if let Some(a) = value.get_ref().as_array() {
        for (i, item) in a.iter().enumerate() {
            path.0.push(Seg::Index(i));
            if descend_value(item, offset, path) {
                return true;
            }
            path.0.pop();
        }
    }
    value.span().contains(&offset)
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The candidate nearest to `word`, if it is a likely typo of it (at most 3 edits away,
/// and at most half of the word changed).
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let most = 3.min(word.chars().count() / 2);
    candidates
        .min_by_key(|c| edit_distance(c, word))
        .filter(|c| edit_distance(c, word) <= most)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
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

    #[test]
    fn unknown_key_is_located() {
        let e = parse("duration = \"5s\"\n[limits]\npidz = 3\n").unwrap_err();
        let d = &e.0[0];
        assert_eq!((d.line, d.column), (3, 1));
        assert_eq!(d.key, "limits.pidz");
        assert!(d.message.contains("unknown field `pidz`"), "{}", d.message);
        assert!(
            d.message.contains("`pids`"),
            "lists what is allowed: {}",
            d.message
        );
    }

    #[test]
    fn every_unknown_key_is_reported_at_once_with_a_hint() {
        let e = parse(
            "duration = \"5s\"\nnmae = \"x\"\n[limits]\nmemroy = \"1G\"\n[[workload]]\nkind = \"forkbomb\"\n[[workload]]\nkind = \"memhog\"\nsizee = \"1G\"\n[expect]\n\"pids.peak\" = \"<= 5\"\n[matrix]\n\"limits.pids\" = [1]\n",
        )
        .unwrap_err();
        let got: Vec<(usize, &str)> = e.0.iter().map(|d| (d.line, d.key.as_str())).collect();
        assert_eq!(
            got,
            [(2, "nmae"), (4, "limits.memroy"), (9, "workload[1].sizee")],
            "{e}"
        );
        assert!(e.0[1].message.contains("(did you mean `memory`?)"), "{e}");
        assert!(e.0[2].message.contains("(did you mean `size`?)"), "{e}");
        // A wrong type is reported beside them, where serde found it.
        let e = parse("duration = \"5s\"\n[sandbox]\nuid = \"nobody\"\n[limits]\npidz = 1\n")
            .unwrap_err();
        let got: Vec<(usize, &str)> = e.0.iter().map(|d| (d.line, d.key.as_str())).collect();
        assert_eq!(got, [(3, "sandbox.uid"), (5, "limits.pidz")], "{e}");
    }

    #[test]
    fn wrong_type_is_located() {
        let e = parse("duration = \"5s\"\n[sandbox]\nuid = \"nobody\"\n").unwrap_err();
        let d = &e.0[0];
        assert_eq!(d.line, 3);
        assert_eq!(d.key, "sandbox.uid");
        assert!(d.message.contains("invalid type"), "{}", d.message);
    }

    #[test]
    fn unknown_key_in_workload_array_is_located() {
        let e = parse(
            "[[workload]]\nkind = \"forkbomb\"\n[[workload]]\nkind = \"command\"\nargs = []\n",
        )
        .unwrap_err();
        let d = &e.0[0];
        assert_eq!(d.line, 5);
        assert_eq!(d.key, "workload[1].args");
    }

    #[test]
    fn syntax_error_is_located() {
        let e = parse("duration = \"5s\"\n[limits\n").unwrap_err();
        assert_eq!(e.0[0].line, 2);
    }

    #[test]
    fn error_at_points_to_value() {
        let src = Source::from_text("t.toml", "duration = \"5s\"\n[limits]\npids = 0\n");
        let d = src.error_at(&path(&["limits", "pids"]), "must be positive");
        assert_eq!((d.line, d.column), (3, 8));
        assert_eq!(d.to_string(), "t.toml:3:8: limits.pids: must be positive");
        let src = Source::from_text("t.toml", "[expect]\n\"pids.peak\" = \"<< 3\"\n");
        let d = src.error_at(&path(&["expect", "pids.peak"]), "bad");
        assert_eq!(
            (d.line, d.column, d.key.as_str()),
            (2, 15, "expect.\"pids.peak\"")
        );
        let src = Source::from_text("t.toml", "[[workload]]\nkind = \"x\"\n");
        let d = src.error_at(&KeyPath::root().key("workload").index(0).key("kind"), "bad");
        assert_eq!((d.line, d.column), (2, 8));
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é = 1", 3), (1, 3));
    }
}
