//! The target's runtime: its init pid through the runtime's own CLI or API, and the
//! runtime's own limit a run sets for its length ([`RuntimeLimitGuard`]).

use std::process::Command;

use crate::plan::{RunPlan, TargetSpec};
use crate::sandbox::lxd;
use crate::{Exit, coded};

fn runtime_pid(tool: &str, args: &[&str], what: &str) -> anyhow::Result<i32> {
    let out = Command::new(tool).args(args).output().map_err(|e| {
        let package = if tool == "lxc-info" { "lxc" } else { tool };
        coded(
            Exit::Host,
            crate::t!(
                "target-cannot-ask",
                tool = tool,
                what = what,
                error = e,
                package = package
            ),
        )
    })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && (err.contains("daemon") || err.contains("connect")) {
        return Err(coded(
            Exit::Host,
            crate::t!(
                "target-engine-unreachable",
                tool = tool,
                what = what,
                said = err.trim()
            ),
        ));
    }
    match text.trim().parse::<i32>() {
        Ok(pid) if out.status.success() && pid > 0 => Ok(pid),
        _ => Err(coded(
            Exit::BadInput,
            crate::t!(
                "target-not-running",
                what = what,
                command = format!("{tool} {}", args.join(" ")),
                stdout = format!("{:?}", text.trim()),
                stderr = err.trim().chars().take(200).collect::<String>()
            ),
        )),
    }
}

/// A container of a runtime (LXC, Docker, Podman) by name, as the errors name it.
fn container(runtime: &str, name: &str) -> String {
    crate::t!("target-container", runtime = runtime, name = name)
}

/// The init pid of a target, through its runtime's CLI where it has one.
pub(super) fn target_pid(spec: &TargetSpec) -> anyhow::Result<Option<i32>> {
    Ok(match spec {
        TargetSpec::Pid(p) => Some(*p as i32),
        TargetSpec::Cgroup(_) => None,
        TargetSpec::Lxc(n) => Some(runtime_pid(
            "lxc-info",
            &["-pH", "-n", n],
            &container("LXC", n),
        )?),
        TargetSpec::Docker(n) => Some(runtime_pid(
            "docker",
            &["inspect", "-f", "{{.State.Pid}}", n],
            &container("Docker", n),
        )?),
        TargetSpec::Podman(n) => Some(runtime_pid(
            "podman",
            &["inspect", "-f", "{{.State.Pid}}", n],
            &container("Podman", n),
        )?),
        TargetSpec::Lxd(n) | TargetSpec::Incus(n) => {
            let daemon = lxd::Daemon::of(spec).expect("an lxd or incus target");
            Some(lxd::init_pid(daemon, n).map_err(|e| api_error(spec, daemon, e))?)
        }
    })
}

/// An API error as the run's error: no daemon is the host's problem, no such instance (or
/// not running) the scenario's.
fn api_error(spec: &TargetSpec, daemon: lxd::Daemon, e: lxd::ApiError) -> anyhow::Error {
    if e.unreachable {
        let var = match daemon {
            lxd::Daemon::Lxd => "LXD_DIR",
            lxd::Daemon::Incus => "INCUS_DIR",
        };
        coded(
            Exit::Host,
            crate::t!(
                "target-daemon-unreachable",
                target = spec,
                daemon = daemon.name(),
                error = e,
                var = var
            ),
        )
    } else {
        coded(
            Exit::BadInput,
            crate::t!("target-cannot-be-attacked", target = spec, error = e),
        )
    }
}

/// The runtime's own limit a run sets on an LXD or Incus instance for its length
/// (`[target] limits_processes`), put back when this is finished or dropped.
pub struct RuntimeLimitGuard {
    restore: Option<lxd::Restore>,
    supervisor: Option<std::sync::Arc<crate::sandbox::supervisor::Supervisor>>,
}

impl RuntimeLimitGuard {
    /// Sets the plan's `limits.processes` on its target, first recording what to put back
    /// (in [`lxd::restore_dir`] and with the supervisor). A plan without one sets nothing.
    pub fn set(
        plan: &RunPlan,
        supervisor: Option<std::sync::Arc<crate::sandbox::supervisor::Supervisor>>,
        results: &std::path::Path,
    ) -> anyhow::Result<RuntimeLimitGuard> {
        let mut guard = RuntimeLimitGuard {
            restore: None,
            supervisor,
        };
        let (Some(spec), Some(n)) = (&plan.target, plan.target_processes) else {
            return Ok(guard);
        };
        let Some(daemon) = lxd::Daemon::of(spec) else {
            return Ok(guard);
        };
        let (TargetSpec::Lxd(name) | TargetSpec::Incus(name)) = spec else {
            unreachable!("Daemon::of is Some for these kinds only")
        };
        let previous = lxd::config_value(daemon, name, lxd::PROCESSES_KEY)
            .map_err(|e| api_error(spec, daemon, e))?;
        let restore = lxd::Restore {
            daemon,
            socket: daemon.socket(),
            instance: name.clone(),
            key: lxd::PROCESSES_KEY.into(),
            set: n.to_string(),
            previous,
            harness_pid: std::process::id(),
            results: Some(results.to_path_buf()),
        };
        restore.record().map_err(|e| {
            coded(
                Exit::Host,
                crate::t!(
                    "target-cannot-record-restore",
                    dir = lxd::restore_dir().display(),
                    target = spec,
                    key = lxd::PROCESSES_KEY,
                    error = e
                ),
            )
        })?;
        if let Some(s) = &guard.supervisor {
            let _ = s.restore(&restore);
        }
        if let Err(e) = lxd::set_config(&restore.socket, name, &restore.key, Some(&restore.set)) {
            let _ = std::fs::remove_file(restore.file());
            return Err(api_error(spec, daemon, e));
        }
        guard.restore = Some(restore);
        Ok(guard)
    }

    /// Puts the previous value back; says what became of it.
    pub fn finish(&mut self) -> Option<lxd::RuntimeLimit> {
        let r = self.restore.take()?;
        let undone = r.undo();
        if let Some(s) = &self.supervisor {
            let _ = s.restored(&r);
        }
        Some(lxd::RuntimeLimit {
            key: r.key.clone(),
            set: r.set.clone(),
            previous: r.previous.clone(),
            restored_by: undone.is_ok().then(|| lxd::Restorer::Run.recorded()),
            restore_error: undone
                .err()
                .map(|e| crate::t!("target-restore-retry", error = e, file = r.file().display())),
        })
    }
}

impl Drop for RuntimeLimitGuard {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, with};

    #[test]
    fn a_runtime_that_is_not_installed_is_said_in_the_run_language() {
        let said = |lang| {
            with(lang, || {
                let what = container("LXC", "c1");
                runtime_pid("limitlab-no-such-tool", &["-pH"], &what)
                    .unwrap_err()
                    .to_string()
            })
        };
        let en = said(Lang::En);
        assert!(
            en.starts_with("cannot ask limitlab-no-such-tool for LXC container c1: "),
            "{en}"
        );
        assert!(
            en.ends_with(
                "(is limitlab-no-such-tool installed? e.g. apt-get install limitlab-no-such-tool)"
            ),
            "{en}"
        );
        let es = said(Lang::Es);
        assert!(
            es.starts_with(
                "no se puede preguntar a limitlab-no-such-tool por el contenedor LXC c1: "
            ),
            "{es}"
        );
        assert!(
            es.ends_with("(¿está instalado limitlab-no-such-tool? p. ej. apt-get install limitlab-no-such-tool)"),
            "{es}"
        );
    }

    #[test]
    fn an_api_error_is_said_in_the_run_language() {
        let spec = TargetSpec::Lxd("c1".into());
        let e = |unreachable| lxd::ApiError {
            unreachable,
            status: 404,
            message: "GET /1.0/instances/c1: HTTP 404: not found".into(),
        };
        let said = |lang, unreachable| {
            with(lang, || {
                api_error(&spec, lxd::Daemon::Lxd, e(unreachable)).to_string()
            })
        };
        assert_eq!(
            said(Lang::En, false),
            "LXD container c1 cannot be attacked: GET /1.0/instances/c1: HTTP 404: not found"
        );
        assert_eq!(
            said(Lang::Es, false),
            "el contenedor LXD c1 no se puede atacar: GET /1.0/instances/c1: HTTP 404: not found"
        );
        assert!(
            said(Lang::En, true).starts_with("LXD container c1: LXD is not reachable ("),
            "{}",
            said(Lang::En, true)
        );
        assert!(
            said(Lang::Es, true).ends_with(
                "¿está en ejecución? (LXD_DIR indica la carpeta de un daemon iniciado en otro lugar)"
            ),
            "{}",
            said(Lang::Es, true)
        );
    }
}
