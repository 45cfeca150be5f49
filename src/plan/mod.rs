//! The validated plan: a scenario with every value checked, units resolved and defaults
//! filled in. Parse, then plan, then run: nothing past this point sees raw TOML.
//!
//! [`plan`] calls one function per table, each in the file that owns it: `timing.rs`
//! (`duration`, `[sampling]`), `sandbox.rs`, `limits.rs`, `target.rs`, [`workload`] and
//! [`expect`]. Each pushes its problems to one [`Diagnostics`], so every problem of a file
//! is reported at once. [`matrix`] makes one plan per cell of a sweep.

pub mod expect;
mod limits;
pub mod matrix;
mod sandbox;
mod target;
mod timing;
pub mod workload;

pub use expect::TARGET_ALIVE;
pub use limits::{LimitsPlan, PidsLimit, PidsSource};
pub use sandbox::{Bind, DEFAULT_HOSTNAME, DEFAULT_ID, RlimitsPlan, SandboxPlan, ViewConfig};
pub use target::{SELF, TARGET_KINDS, TargetSpec};
pub use timing::{DEFAULT_INTERVAL, MAX_DURATION, MIN_INTERVAL};

use crate::t;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::data::Namespace;
use crate::plan::expect::Expectation;
use crate::scenario::{Diagnostic, KeyPath, Scenario, ScenarioError, Source, path};
use crate::workloads::Workload;

/// limitlab's own pids cap for scenarios that set none.
pub const DEFAULT_SAFETY_CEILING: u64 = 2048;
/// How long past its duration a run may take (setup, teardown) before the watchdog acts.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(15);

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
    /// Some workload is a built-in one: it runs limitlab's own image and keeps counters on
    /// the shared page.
    pub fn runs_builtin(&self) -> bool {
        self.workloads.iter().any(|w| w.spec.is_builtin())
    }

    /// The description in the current language (the English one where there is no other).
    pub fn description_here(&self) -> Option<String> {
        crate::i18n::pick(&self.description, &self.description_es)
    }

    pub fn has(&self, ns: Namespace) -> bool {
        self.sandbox.namespaces.contains(&ns)
    }
}

/// The problems found while a scenario is planned, each located in its file, in the order
/// they were found. Every table's check pushes here, so one pass reports them all.
pub struct Diagnostics<'a> {
    source: &'a Source,
    found: Vec<Diagnostic>,
}

impl<'a> Diagnostics<'a> {
    pub fn new(source: &'a Source) -> Self {
        Diagnostics {
            source,
            found: Vec::new(),
        }
    }

    /// A problem with the value at `key` (located at the nearest key the file has).
    pub fn push(&mut self, key: &KeyPath, message: impl Into<String>) {
        self.found.push(self.source.error_at(key, message));
    }

    /// The value of `result`, or `None` with its error pushed at `key`.
    pub fn check<T>(&mut self, key: &KeyPath, result: Result<T, String>) -> Option<T> {
        result.map_err(|m| self.push(key, m)).ok()
    }

    /// A problem already located, unless the same one is there already (a sweep's cells
    /// share most of their problems).
    fn push_once(&mut self, diagnostic: Diagnostic) {
        if !self.found.contains(&diagnostic) {
            self.found.push(diagnostic);
        }
    }

    /// `Err` with every problem pushed, if there is one.
    pub fn finish(self) -> Result<(), ScenarioError> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError(self.found))
        }
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
    let mut d = Diagnostics::new(src);
    let name = scenario_name(src, sc, &mut d);
    let duration = timing::duration(sc.duration.as_deref(), &mut d);
    let sb = sc.sandbox.clone().unwrap_or_default();
    let sandbox = sandbox::plan(&sb, &mut d);
    let lim = sc.limits.clone().unwrap_or_default();
    // The pids value is read before the target, whose presence decides who chose the cap.
    let scenario_pids = limits::scenario_pids(lim.pids.as_ref(), &mut d);
    let target = target::plan(opts.target.as_ref(), sc.target.as_ref(), &mut d);
    let target_processes = target::processes(sc.target.as_ref(), target.as_ref(), &mut d);
    let limits = limits::plan(&lim, scenario_pids, target.as_ref(), opts, &mut d);
    let workloads = workload::plan(&sc.workload, duration, &mut d);
    let interval = timing::interval(sc.sampling.as_ref(), duration, &mut d);
    let mut expectations = expect::plan(&sc.expect, &mut d);
    sandbox::check_view_with_target(&sb, target.as_ref(), &mut d);
    expect::add_target_alive(&mut expectations, &sc.expect, target.as_ref());
    d.finish()?;
    Ok(RunPlan {
        name,
        cell: None,
        description: sc.description.clone(),
        description_es: sc.description_es.clone(),
        source: src.path.clone(),
        duration: duration.expect("checked above"),
        grace: opts.grace,
        sandbox,
        limits,
        workloads,
        interval,
        expectations,
        target,
        target_processes,
    })
}

/// The scenario's `name`, else its file's name without `.toml`.
fn scenario_name(src: &Source, sc: &Scenario, d: &mut Diagnostics) -> String {
    let name = match &sc.name {
        Some(n) => n.clone(),
        None => src
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into()),
    };
    if !valid_name(&name) {
        d.push(
            &path(&["name"]),
            t!("plan-bad-name", name = format!("{name:?}")),
        );
    }
    name
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::parse_cpu_list;
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

    /// A bad value added to [`MINIMAL`], the key its first error must name, and a piece of
    /// what that error must say is allowed.
    type BadValue = (&'static str, &'static str, &'static str);

    const BAD_LIMITS: &[BadValue] = &[
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
    ];

    const BAD_SAMPLING: &[BadValue] = &[
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
    ];

    const BAD_SANDBOX: &[BadValue] = &[
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
    ];

    const BAD_EXPECT: &[BadValue] = &[
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

    /// Each bad value's first error is located in the added lines, at its key, and says
    /// what is allowed.
    fn assert_located_with_what_is_allowed(cases: &[BadValue]) {
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
    fn every_bad_limits_value_is_located_with_what_is_allowed() {
        assert_located_with_what_is_allowed(BAD_LIMITS);
    }

    #[test]
    fn every_bad_sampling_value_is_located_with_what_is_allowed() {
        assert_located_with_what_is_allowed(BAD_SAMPLING);
    }

    #[test]
    fn every_bad_sandbox_value_is_located_with_what_is_allowed() {
        assert_located_with_what_is_allowed(BAD_SANDBOX);
    }

    #[test]
    fn every_bad_expect_value_is_located_with_what_is_allowed() {
        assert_located_with_what_is_allowed(BAD_EXPECT);
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
    fn why_a_size_is_too_small_is_said_in_both_languages() {
        use crate::i18n::{Lang, with};
        let memory = format!("{MINIMAL}[limits]\nmemory = \"1KiB\"\n");
        let rlimit = format!("{MINIMAL}[sandbox]\nrlimits = {{ as = \"1MiB\" }}\n");
        with(Lang::En, || {
            assert_eq!(
                first_error(&memory).message,
                "1.0 KiB is too small: below 1MiB the sandbox's own init cannot start"
            );
            assert_eq!(
                first_error(&rlimit).message,
                "1.0 MiB is too small: the workload cannot even start below 16MiB"
            );
        });
        with(Lang::Es, || {
            assert_eq!(
                first_error(&memory).message,
                "1,0 KiB es demasiado pequeño: por debajo de 1MiB ni siquiera puede arrancar el init propio del sandbox"
            );
            assert_eq!(
                first_error(&rlimit).message,
                "1,0 MiB es demasiado pequeño: por debajo de 16MiB la carga ni siquiera puede arrancar"
            );
            // A workload's problem, through the whole plan, located as in English.
            let d = first_error(&format!("{MINIMAL}style = \"atomic\"\n"));
            assert_eq!((d.key.as_str(), d.line), ("workload[0].style", 4));
            assert!(
                d.message.starts_with("estilo desconocido \"atomic\""),
                "{d}"
            );
        });
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
