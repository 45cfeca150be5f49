//! `limitlab doctor`: what this host can and cannot do for a run, one line a check, read
//! from the host's facts, its cgroups, systemd and the rootless setup.

use crate::t;
use std::fmt;
use std::path::Path;

use crate::Exit;
use crate::data::Namespace;
use crate::host::HostFacts;
use crate::plan::{DEFAULT_SAFETY_CEILING, LimitsPlan, PidsLimit, PidsSource};
use crate::sandbox::cgroup::grant::{self, Decision, Source};
use crate::sandbox::cgroup::systemd::Bus;
use crate::sandbox::cgroup::{Layout, Mode};
use crate::sandbox::rootless;

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

impl Status {
    pub const ALL: [Status; 4] = [Status::Ok, Status::Missing, Status::Warn, Status::Info];
}

/// The status word in the current language: `ok`, `MISSING`, `warn`, `info`.
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Status::Ok => t!("status-ok"),
            Status::Missing => t!("status-missing"),
            Status::Warn => t!("status-warn"),
            Status::Info => t!("status-info"),
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

/// `what` is the check's name in the current language (a message), or the kernel's own name
/// for the thing (PSI, clone3, pid_max, autogroup, cgroup.kill).
fn check(status: Status, what: impl Into<String>, detail: impl Into<String>) -> Check {
    Check {
        status,
        what: what.into(),
        detail: detail.into(),
    }
}

/// The name of the check of controller `c`: `pids controller`.
fn controller(c: &str) -> String {
    t!("check-controller", controller = c)
}

/// Everything `doctor` looks at, in the order it prints them.
pub fn checks() -> Vec<Check> {
    let root = nix::unistd::geteuid().is_root();
    let mut out = vec![root_check(root)];
    let layout = match Layout::detect() {
        Ok(l) => l,
        Err(e) => {
            out.push(check(Status::Missing, "cgroups", e.to_string()));
            return out;
        }
    };
    out.push(check(
        Status::Ok,
        t!("check-cgroup-mode"),
        layout.mode.text(),
    ));
    let decision = grant::decide(Some(&layout));
    out.push(cgroup_source(&decision));
    // Where a scope will be asked for, the checks below look at what it will be made from.
    let layout = match decision.source {
        Source::Scope(Bus::User) => user_manager_view(&layout),
        _ => layout,
    };
    if !root {
        out.extend(rootless_checks(&layout));
    }
    match layout.mode {
        Mode::V1 | Mode::Hybrid => out.extend(v1_controllers(&layout)),
        Mode::V2 => {
            let own = layout
                .unified
                .as_ref()
                .map(|h| h.own_dir())
                .unwrap_or_default();
            let found = v2_controllers(&own, &out);
            out.extend(found);
            out.extend(no_internal_processes(&own, &decision));
        }
    }
    if root {
        out.extend(cgroup2_checks(&layout));
    }
    let facts = HostFacts::detect(Some(&layout));
    out.extend(kernel_checks(&facts));
    out.extend(process_checks(&facts));
    out
}

fn root_check(root: bool) -> Check {
    if root {
        check(Status::Ok, t!("check-root"), t!("doctor-root"))
    } else {
        check(
            Status::Info,
            t!("check-root"),
            t!("doctor-not-root", uid = nix::unistd::geteuid()),
        )
    }
}

/// Without root: what a typical scenario needs (a pids limit and the memory ceiling) in
/// the delegated subtree and the user namespace.
fn rootless_checks(layout: &Layout) -> Vec<Check> {
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
    rootless::check(layout, &[&typical])
        .into_iter()
        .map(|p| Check {
            status: if p.ok { Status::Ok } else { Status::Missing },
            what: p.what,
            detail: p.detail,
        })
        .collect()
}

/// On v1 and hybrid: each controller's hierarchy; only pids is one a run cannot do without.
fn v1_controllers(layout: &Layout) -> Vec<Check> {
    [
        ("pids", Status::Missing),
        ("memory", Status::Warn),
        ("cpu", Status::Warn),
        ("cpuacct", Status::Warn),
        ("cpuset", Status::Warn),
        ("freezer", Status::Warn),
    ]
    .into_iter()
    .map(|(c, need)| match layout.v1.get(c) {
        Some(h) => check(
            Status::Ok,
            controller(c),
            t!("doctor-sandboxes-under", dir = h.own_dir().display()),
        ),
        None => check(need, controller(c), v1_missing_meaning(c)),
    })
    .collect()
}

/// On v2: the controllers available below limitlab's own cgroup `own`, but for those the
/// checks so far (`earlier`: the rootless ones) named already.
fn v2_controllers(own: &Path, earlier: &[Check]) -> Vec<Check> {
    let available = std::fs::read_to_string(own.join("cgroup.controllers")).unwrap_or_default();
    let mut out = Vec::new();
    for c in ["pids", "memory", "cpu", "cpuset", "io"] {
        // Rootless checks named the ones a run needs already.
        if earlier.iter().any(|k| k.what == controller(c)) {
            continue;
        }
        let ok = available.split_whitespace().any(|a| a == c);
        out.push(if ok {
            check(
                Status::Ok,
                controller(c),
                t!("doctor-available-below", dir = own.display()),
            )
        } else {
            check(
                if c == "pids" {
                    Status::Missing
                } else {
                    Status::Warn
                },
                controller(c),
                t!(
                    "doctor-not-delegated",
                    dir = own.display(),
                    meaning = v1_missing_meaning(c)
                ),
            )
        });
    }
    out
}

/// On v2: whether the sandboxes' parent `own` would break "no internal processes". The
/// real root cgroup has no cgroup.type and is exempt from it; any other cgroup (a cgroup
/// namespace's "/" included) is not.
fn no_internal_processes(own: &Path, decision: &Decision) -> Option<Check> {
    if let Source::Scope(_) = decision.source {
        return Some(check(
            Status::Info,
            t!("check-no-internal-processes"),
            t!(
                "doctor-alone-in-scope",
                prefix = crate::sandbox::cgroup::NAME_PREFIX
            ),
        ));
    }
    if !own.join("cgroup.type").exists() {
        return None;
    }
    let procs = std::fs::read_to_string(own.join("cgroup.procs")).unwrap_or_default();
    let me = std::process::id().to_string();
    let others = procs.lines().filter(|p| p.trim() != me).count();
    Some(if others > 0 {
        check(
            Status::Missing,
            t!("check-no-internal-processes"),
            internal_processes(own, others),
        )
    } else {
        check(
            Status::Info,
            t!("check-no-internal-processes"),
            t!(
                "doctor-alone-in",
                dir = own.display(),
                prefix = crate::sandbox::cgroup::NAME_PREFIX
            ),
        )
    })
}

/// What the kernel offers: PSI, the namespaces, the sandbox's view, clone3.
fn kernel_checks(facts: &HostFacts) -> Vec<Check> {
    let mut out = vec![if Path::new("/proc/pressure/cpu").exists() {
        check(Status::Ok, "PSI", t!("doctor-psi-ok"))
    } else {
        check(Status::Warn, "PSI", t!("doctor-psi-missing"))
    }];
    let missing_ns: Vec<_> = Namespace::ALL
        .iter()
        .filter(|ns| !Path::new("/proc/self/ns").join(ns.proc_name()).exists())
        .map(|ns| ns.name())
        .collect();
    out.push(if missing_ns.is_empty() {
        check(
            Status::Ok,
            t!("check-namespaces"),
            t!("doctor-namespaces-ok"),
        )
    } else {
        check(
            Status::Missing,
            t!("check-namespaces"),
            t!("doctor-namespaces-missing", missing = missing_ns.join(", ")),
        )
    });
    let (maj, min) = facts.kernel_version();
    let (whole, view) = crate::sandbox::view::host_support((maj, min));
    let status = if whole { Status::Ok } else { Status::Missing };
    out.push(check(status, t!("check-sandbox-view"), view));
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
    out
}

/// How the host's processes fare: pid_max against the safety ceiling, and autogroup.
fn process_checks(facts: &HostFacts) -> Vec<Check> {
    let mut out = Vec::new();
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
    check(
        status,
        t!("check-cgroups-from"),
        format!("{way}: {}", d.why.text()),
    )
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
fn cgroup2_checks(layout: &Layout) -> Vec<Check> {
    let Some(h) = &layout.unified else {
        return vec![check(Status::Info, "cgroup.kill", t!("doctor-no-cgroup2"))];
    };
    let dir = h
        .own_dir()
        .join(format!("limitlab.{}.doctor", std::process::id()));
    if let Err(e) = std::fs::create_dir(&dir) {
        return vec![check(
            Status::Warn,
            t!("check-cgroup2-probe"),
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
            check(
                Status::Ok,
                t!("check-psi-per-sandbox"),
                t!("doctor-psi-cgroup-ok"),
            )
        } else {
            check(
                Status::Warn,
                t!("check-psi-per-sandbox"),
                t!("doctor-psi-cgroup-missing"),
            )
        },
    ];
    if let Err(e) = std::fs::remove_dir(&dir) {
        out.push(check(
            Status::Warn,
            t!("check-cgroup2-probe"),
            t!("doctor-cannot-remove", dir = dir.display(), error = e),
        ));
    }
    out
}

/// The lines of `doctor`, `STATUS NAME  DETAIL`, the first two columns as wide as their widest
/// word in the current language (the status one as wide as the widest status word).
pub fn lines(checks: &[Check]) -> Vec<String> {
    let words = |s: &str| s.chars().count();
    let status_width = Status::ALL
        .iter()
        .map(|s| words(&s.to_string()))
        .max()
        .unwrap_or(0);
    let width = checks.iter().map(|c| words(&c.what)).max().unwrap_or(0);
    checks
        .iter()
        .map(|c| {
            format!(
                "{:<status_width$} {:<width$}  {}",
                c.status.to_string(),
                c.what,
                c.detail
            )
        })
        .collect()
}

/// Prints every check; exit 3 when one that a run needs is missing.
pub fn run() -> u8 {
    let checks = checks();
    for line in lines(&checks) {
        println!("{line}");
    }
    if checks.iter().any(|c| c.status == Status::Missing) {
        println!("\n{}", crate::t!("doctor-cannot-run-until"));
        Exit::Host.into()
    } else {
        println!("\n{}", crate::t!("doctor-can-run"));
        Exit::Held.into()
    }
}

/// What the check says of the other processes in limitlab's own cgroup.
fn internal_processes(own: &std::path::Path, others: usize) -> String {
    t!(
        "doctor-internal-processes",
        dir = own.display(),
        others = crate::i18n::count(others).ungrouped()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, with};

    fn sample() -> Vec<Check> {
        vec![
            check(Status::Ok, t!("check-root"), "r"),
            check(Status::Missing, controller("pids"), "p"),
            check(Status::Warn, t!("check-cgroup2-tree-unified"), "t"),
            check(Status::Info, "pid_max", "m"),
        ]
    }

    #[test]
    fn other_processes_are_counted_in_the_plural_they_take() {
        let dir = std::path::Path::new("/a");
        let said = |lang, n| with(lang, || internal_processes(dir, n));
        assert!(said(Lang::En, 1).starts_with("/a holds 1 other process: cgroup v2"));
        assert!(said(Lang::En, 3).starts_with("/a holds 3 other processes: cgroup v2"));
        assert!(said(Lang::Es, 1).starts_with("/a tiene 1 proceso más: cgroup v2"));
        assert!(said(Lang::Es, 3).starts_with("/a tiene 3 procesos más: cgroup v2"));
    }

    #[test]
    fn english_lines_read_as_they_did() {
        assert_eq!(
            lines(&sample()),
            [
                "ok      root                    r",
                "MISSING pids controller         p",
                "warn    cgroup2 tree (unified)  t",
                "info    pid_max                 m",
            ]
        );
    }

    #[test]
    fn spanish_lines_are_as_wide_as_their_words() {
        assert_eq!(
            with(Lang::Es, || lines(&sample())),
            [
                "ok    privilegios                r",
                "FALTA controlador pids           p",
                "aviso árbol cgroup2 (unificado)  t",
                "info  pid_max                    m",
            ]
        );
        assert_eq!(
            with(Lang::Es, || t!("doctor-cannot-run-until")),
            "limitlab no puede ejecutar escenarios aquí hasta que se arreglen las líneas marcadas FALTA."
        );
        assert_eq!(
            t!("doctor-cannot-run-until"),
            t!("doctor-cannot-run"),
            "English reads as it did"
        );
    }
}
