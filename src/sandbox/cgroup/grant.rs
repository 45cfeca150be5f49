//! Where limitlab may create its cgroups, and who gave them: the one place that answers it.
//!
//! - **Its own cgroup**, when nobody else owns the tree (no systemd: a container, a CI
//!   machine like this project's, a VM with another init), or when systemd delegated that
//!   cgroup to limitlab (`systemd-run --scope -p Delegate=yes limitlab ...`, a
//!   `Delegate=yes` service) and limitlab is alone in it.
//! - **A transient scope from systemd**, when systemd owns the tree
//!   (`/run/systemd/system` exists) and limitlab's own cgroup is not delegated, or is shared
//!   with other processes (a login session's scope holds the shell and sudo; a CI runner's
//!   service holds the agent). systemd's delegation rules forbid writing into such a cgroup,
//!   and cgroup v2's "no internal processes" rule forbids its children controllers anyway.
//!   limitlab then asks systemd (the system manager as root, the user's own manager
//!   without root) for `limitlab-<pid>.scope` with `Delegate=yes` and itself in it, as
//!   runc's, crun's and podman's systemd drivers do, and works only inside that scope.
//!
//! [`decide`] says which, without changing anything (for `doctor`); [`Grant::obtain`] acts on
//! it before the layout is read.
//!
//! The harness stays in its scope until it exits, and the scope ends with it, as with
//! `systemd-run --scope`: systemd stops a scope whose last process is gone and collects it
//! (`CollectMode=inactive-or-failed`), after a normal end as after a SIGKILL. Stopping it
//! earlier would kill the harness, and moving the harness back out first is refused:
//! systemd (252, in the VM stage) answers `AttachProcessesToUnit` into a login session's
//! scope or a service that is not delegated with "Process migration not available on
//! non-delegated units". The sandboxes' cgroups inside it are gone before the harness
//! exits (teardown), so nothing but the harness's own empty leaf is left for systemd to
//! remove with the scope. [`super::scopes::stale_scopes`] stops and resets any scope whose harness is gone
//! but which lingers anyway (at the start of every run, and in `limitlab clean`).

use std::path::Path;

use super::systemd::{self, Bus, ScopeSpec, UnitInfo};
use super::{CgroupError, Layout, Mode};
use crate::i18n::{Lang, Later};
use crate::{later, t};

/// Set to `no` to never ask systemd for a scope (work beneath the harness's own cgroup as on
/// a host without systemd); anything else, or unset, asks where needed.
pub const SYSTEMD_ENV: &str = "LIMITLAB_SYSTEMD";

/// Where the sandboxes' cgroups come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Beneath the cgroup the harness was started in.
    Own,
    /// A delegated transient scope from this systemd manager.
    Scope(Bus),
}

/// What [`decide`] found, and why.
#[derive(Debug, Clone)]
pub struct Decision {
    pub source: Source,
    /// One sentence: why this source, put into words only where it is shown (a run that
    /// never shows it parses no messages for it).
    pub why: Later,
    /// Where systemd owns the tree but could not be asked: what went wrong. The run then
    /// works beneath its own cgroup, as without systemd.
    pub unreachable: Option<String>,
    /// The unit the harness is in now, where systemd told.
    pub unit: Option<UnitInfo>,
}

/// The facts [`decide`] weighs (a parameter, so tests need no systemd).
#[derive(Debug, Clone)]
pub struct Facts {
    /// `/run/systemd/system` exists: systemd is the init and owns the cgroup tree.
    pub systemd_owns: bool,
    /// The user opted out with `LIMITLAB_SYSTEMD=no`.
    pub opted_out: bool,
    pub root: bool,
    pub mode: Option<Mode>,
    /// The harness's own cgroup (the cgroup2 one where there is one).
    pub own: String,
    /// How many other processes share it.
    pub others: usize,
}

impl Facts {
    /// The facts of this process on this host.
    pub fn here(layout: Option<&Layout>) -> Facts {
        let (own, others) = layout
            .and_then(|l| l.unified.as_ref().or_else(|| l.v1.get("pids")))
            .map(|h| {
                let me = std::process::id();
                let others = super::procs(&h.own_dir())
                    .iter()
                    .filter(|p| i64::from(**p) != i64::from(me))
                    .count();
                (h.own.clone(), others)
            })
            .unwrap_or_default();
        Facts {
            systemd_owns: Path::new("/run/systemd/system").exists(),
            opted_out: std::env::var(SYSTEMD_ENV).is_ok_and(|v| v == "no" || v == "0"),
            root: nix::unistd::geteuid().is_root(),
            mode: layout.map(|l| l.mode),
            own,
            others,
        }
    }
}

/// Decides where this run's cgroups come from. `unit_of` asks systemd which unit the
/// harness is in (a parameter so tests can answer for it).
pub fn decide_with(
    facts: &Facts,
    unit_of: impl FnOnce(Bus) -> Result<Option<UnitInfo>, systemd::SystemdError>,
) -> Decision {
    let own = |why: Later, unreachable: Option<String>, unit: Option<UnitInfo>| Decision {
        source: Source::Own,
        why,
        unreachable,
        unit,
    };
    if !facts.systemd_owns {
        return own(later!("grant-no-systemd", own = facts.own), None, None);
    }
    if facts.opted_out {
        return own(
            later!("grant-opted-out", var = SYSTEMD_ENV, own = facts.own),
            None,
            None,
        );
    }
    let bus = Bus::for_euid(facts.root);
    let unit = match unit_of(bus) {
        Ok(u) => u,
        Err(e) => {
            return own(
                later!("grant-unreachable", error = e, own = facts.own),
                Some(e.to_string()),
                None,
            );
        }
    };
    // On v2 a shared cgroup cannot give children controllers; on v1 it could, but the
    // cgroup still is not limitlab's to write unless delegated.
    let shared = facts.others > 0 && matches!(facts.mode, Some(Mode::V2) | None);
    let scope = |why: Later, unit: Option<UnitInfo>| Decision {
        source: Source::Scope(bus),
        why: later!(
            "grant-scope",
            why = why,
            manager = bus.name(),
            slice = bus.slice()
        ),
        unreachable: None,
        unit,
    };
    match unit {
        Some(u) if u.delegate && !shared => own(
            later!("grant-delegated-alone", own = facts.own, unit = u.name),
            None,
            Some(u),
        ),
        Some(u) if u.delegate => {
            let why = later!(
                "grant-delegated-shared",
                own = facts.own,
                unit = u.name,
                others = crate::i18n::count(facts.others).ungrouped()
            );
            scope(why, Some(u))
        }
        Some(u) => {
            let shared = if facts.others > 0 {
                later!(
                    "grant-and-shared",
                    others = crate::i18n::count(facts.others).ungrouped()
                )
            } else {
                Later::Words(String::new())
            };
            let why = later!(
                "grant-not-delegated",
                own = facts.own,
                unit = u.name,
                shared = shared
            );
            scope(why, Some(u))
        }
        None => scope(
            later!("grant-no-unit", manager = bus.name(), own = facts.own),
            None,
        ),
    }
}

/// [`decide_with`] on this host, asking systemd.
pub fn decide(layout: Option<&Layout>) -> Decision {
    let facts = Facts::here(layout);
    decide_with(&facts, |bus| systemd::unit_of(bus, std::process::id()))
}

/// A scope limitlab got from systemd and is in.
#[derive(Debug)]
struct Scope {
    bus: Bus,
    name: String,
}

/// The cgroup this run may create its sandboxes beneath, and who gave it. Obtain it before
/// [`Layout::detect`]: getting a scope moves the harness.
#[derive(Debug)]
pub struct Grant {
    decision: Decision,
    scope: Option<Scope>,
    /// How long deciding and getting it took (the D-Bus round trips included).
    took: std::time::Duration,
    /// The layout the decision was made from, where the harness did not move since.
    layout: Option<Layout>,
}

impl Grant {
    /// Decides, and where a scope is needed gets it from systemd: `limitlab-<pid>.scope`
    /// with `Delegate=yes`, the harness in it, `description` naming the run. When systemd
    /// cannot be asked the run works beneath its own cgroup and the decision says why.
    pub fn obtain(description: &str) -> Result<Grant, CgroupError> {
        let started = std::time::Instant::now();
        let layout = Layout::detect().ok();
        let decision = decide(layout.as_ref());
        let Source::Scope(bus) = decision.source else {
            return Ok(Grant {
                decision,
                scope: None,
                took: started.elapsed(),
                layout,
            });
        };
        let pid = std::process::id();
        let spec = ScopeSpec {
            name: format!("limitlab-{pid}.scope"),
            description: description.to_string(),
            slice: bus.slice().to_string(),
            pid,
        };
        systemd::start_scope(bus, &spec).map_err(|e| {
            CgroupError::Unsupported(t!("grant-not-given", why = decision.why.text(), error = e))
        })?;
        Ok(Grant {
            decision,
            scope: Some(Scope {
                bus,
                name: spec.name,
            }),
            took: started.elapsed(),
            // The harness is in the scope now: its cgroups are not the ones read before.
            layout: None,
        })
    }

    /// A grant that asks nobody: beneath the harness's own cgroup (tests, `__` commands).
    pub fn own(why: impl Into<Later>) -> Grant {
        Grant {
            decision: Decision {
                source: Source::Own,
                why: why.into(),
                unreachable: None,
                unit: None,
            },
            scope: None,
            took: std::time::Duration::ZERO,
            layout: None,
        }
    }

    /// The layout as the harness sees it now: the one the decision was read from where the
    /// harness stayed where it was (read once, not twice, on the start path), else read
    /// afresh.
    pub fn layout(&mut self) -> Result<Layout, CgroupError> {
        self.layout.take().map_or_else(Layout::detect, Ok)
    }

    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    /// How long deciding and getting the cgroup took.
    pub fn took(&self) -> std::time::Duration {
        self.took
    }

    /// The scope's unit name, where systemd gave one.
    pub fn scope_unit(&self) -> Option<&str> {
        self.scope.as_ref().map(|s| s.name.as_str())
    }

    /// Where the run's cgroups came from, as the record keeps it (`host.cgroup_grant`).
    pub fn granted(&self) -> Granted {
        match (&self.scope, &self.decision.unreachable) {
            (Some(s), _) => Granted::SystemdScope {
                scope: s.name.clone(),
                bus: s.bus,
            },
            (None, Some(e)) => Granted::OwnCgroupUnreachable { error: e.clone() },
            (None, None) => Granted::OwnCgroup,
        }
    }

    /// One line for the run's record: `systemd scope limitlab-812.scope (the system
    /// manager)`. It is recorded (`host.cgroup_source`), so it is English whatever the
    /// language; the report says [`Grant::granted`] in its own.
    pub fn describe(&self) -> String {
        crate::i18n::with(Lang::En, || self.granted().text())
    }

    /// What to add to a host error that happened beneath this grant: why the cgroup came
    /// from where it did (the D-Bus failure included).
    pub fn context(&self) -> String {
        t!("grant-context", why = self.decision.why.text())
    }
}

/// Where a run's cgroups came from, recorded as data (`host.cgroup_grant`) so that a report
/// can say it in any language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Granted {
    /// The cgroup limitlab is in.
    OwnCgroup,
    /// The cgroup limitlab is in, because systemd could not be asked.
    OwnCgroupUnreachable { error: String },
    /// A delegated scope systemd gave it.
    SystemdScope { scope: String, bus: Bus },
}

impl Granted {
    /// The line, in the current language.
    pub fn text(&self) -> String {
        match self {
            Granted::OwnCgroup => t!("grant-own-cgroup"),
            Granted::OwnCgroupUnreachable { error } => {
                t!("grant-own-cgroup-unreachable", error = error)
            }
            Granted::SystemdScope { scope, bus } => {
                t!("grant-systemd-scope", scope = scope, manager = bus.name())
            }
        }
    }
}

/// What a report says about where a run's cgroups came from: the recorded [`Granted`] in
/// the current language, else (an older limitlab's record) the recorded line as it is.
pub fn source_line(granted: Option<&Granted>, recorded: Option<&str>) -> Option<String> {
    granted
        .map(Granted::text)
        .or_else(|| recorded.map(str::to_string))
}

#[cfg(test)]
mod tests;
