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
            format!("cannot ask {tool} for {what}: {e} (is {package} installed? e.g. apt-get install {package})"),
        )
    })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && (err.contains("daemon") || err.contains("connect")) {
        return Err(coded(
            Exit::Host,
            format!("{tool} cannot reach its engine for {what}: {}", err.trim()),
        ));
    }
    match text.trim().parse::<i32>() {
        Ok(pid) if out.status.success() && pid > 0 => Ok(pid),
        _ => Err(coded(
            Exit::BadInput,
            format!(
                "{what} is not running (or does not exist): `{tool} {}` said {:?}{}",
                args.join(" "),
                text.trim(),
                String::from_utf8_lossy(&out.stderr)
                    .trim()
                    .chars()
                    .take(200)
                    .collect::<String>()
            ),
        )),
    }
}

/// The init pid of a target, through its runtime's CLI where it has one.
pub(super) fn target_pid(spec: &TargetSpec) -> anyhow::Result<Option<i32>> {
    Ok(match spec {
        TargetSpec::Pid(p) => Some(*p as i32),
        TargetSpec::Cgroup(_) => None,
        TargetSpec::Lxc(n) => Some(runtime_pid(
            "lxc-info",
            &["-pH", "-n", n],
            &format!("LXC container {n}"),
        )?),
        TargetSpec::Docker(n) => Some(runtime_pid(
            "docker",
            &["inspect", "-f", "{{.State.Pid}}", n],
            &format!("Docker container {n}"),
        )?),
        TargetSpec::Podman(n) => Some(runtime_pid(
            "podman",
            &["inspect", "-f", "{{.State.Pid}}", n],
            &format!("Podman container {n}"),
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
            format!(
                "{spec}: {} is not reachable ({e}); is it running? ({var} names the folder of a daemon started elsewhere)",
                daemon.name()
            ),
        )
    } else {
        coded(Exit::BadInput, format!("{spec} cannot be attacked: {e}"))
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
                format!(
                    "cannot record what to restore in {} before changing {spec}'s {}: {e}",
                    lxd::restore_dir().display(),
                    lxd::PROCESSES_KEY
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
            restored_by: undone.is_ok().then(|| "the run".to_string()),
            restore_error: undone.err().map(|e| {
                format!(
                    "{e} (recorded in {}: the next run or `limitlab clean` tries again)",
                    r.file().display()
                )
            }),
        })
    }
}

impl Drop for RuntimeLimitGuard {
    fn drop(&mut self) {
        self.finish();
    }
}
