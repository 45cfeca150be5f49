//! Talking to systemd over D-Bus (on its bus, not its private socket: see [`Bus::hint`]):
//! the few calls limitlab needs to get a cgroup of its own
//! where systemd owns the tree, the way runc's and crun's systemd drivers and
//! `systemd-run --scope` do it.
//!
//! - [`unit_of`]: which unit a process belongs to, whether that unit is delegated
//!   (`Delegate=yes`), and its cgroup;
//! - [`start_scope`]: `StartTransientUnit` of a `Delegate=yes` scope holding the harness,
//!   waiting for the job's `JobRemoved` with result `done`;
//! - [`units_matching`], [`stop`], [`reset_failed`]: scopes whose harness is gone.
//!
//! The harness is synchronous. Every call here opens its own connection on a thread of its
//! own, runs one `zbus::block_on` there and closes the connection before the thread ends, so
//! the async runtime lives only inside the call and no thread is left running when it
//! returns. Each call has a deadline: a systemd that does not answer is an error, not a hang.

use std::time::Duration;

use zbus::{OwnedObjectPath, OwnedVariant, Variant};
use zbus_systemd::systemd1::{ManagerProxy, UnitProxy};

/// Which systemd instance: the system manager (root) or the calling user's own manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bus {
    System,
    User,
}

impl Bus {
    /// The bus a process with this effective uid talks to its manager on.
    pub fn for_euid(root: bool) -> Bus {
        if root { Bus::System } else { Bus::User }
    }

    /// `the system manager`, `the user manager`, in the current language.
    pub fn name(self) -> &'static str {
        match self {
            Bus::System => crate::i18n::t_static("bus-system"),
            Bus::User => crate::i18n::t_static("bus-user"),
        }
    }

    /// The slice limitlab's scopes go in: the one `systemd-run --scope` uses for each
    /// manager, so an administrator's limits on it apply to limitlab too.
    pub fn slice(self) -> &'static str {
        match self {
            Bus::System => "system.slice",
            Bus::User => "app.slice",
        }
    }

    /// The manager's bus: the system bus, or the user's session bus (sudo and su drop the
    /// variables, so the user's runtime dir is found by uid when they are missing).
    fn address(self) -> String {
        match self {
            Bus::System => std::env::var("DBUS_SYSTEM_BUS_ADDRESS")
                .unwrap_or_else(|_| "unix:path=/run/dbus/system_bus_socket".to_string()),
            Bus::User => std::env::var("DBUS_SESSION_BUS_ADDRESS")
                .unwrap_or_else(|_| format!("unix:path={}/bus", runtime_dir())),
        }
    }

    /// What is missing when the bus cannot be reached but the manager runs (its private
    /// socket is there). That socket is no way in for limitlab: systemd marks what it sends
    /// there with the sender `org.freedesktop.systemd1`, a well-known name where D-Bus
    /// allows only a unique one, and zbus refuses every such message ("Invalid unique
    /// name", seen in the systemd VM).
    fn hint(self) -> &'static str {
        match self {
            Bus::System => crate::i18n::t_static("systemd-hint-system"),
            Bus::User => crate::i18n::t_static("systemd-hint-user"),
        }
    }

    fn private_socket(self) -> String {
        match self {
            Bus::System => "/run/systemd/private".to_string(),
            Bus::User => format!("{}/systemd/private", runtime_dir()),
        }
    }

    async fn connect(self) -> zbus::Result<zbus::Connection> {
        let address = self.address();
        zbus::connection::Builder::address(address.as_str())
            .method_timeout(CALL_TIMEOUT)
            .build()
            .await
            .map_err(|e| {
                let manager_runs = std::path::Path::new(&self.private_socket()).exists();
                let hint = if manager_runs { self.hint() } else { "" };
                zbus::Error::Failure(format!("{address}: {e}{hint}"))
            })
    }
}

/// The user's runtime directory, `/run/user/<uid>` where the variable is missing.
fn runtime_dir() -> String {
    std::env::var("XDG_RUNTIME_DIR")
        .unwrap_or_else(|_| format!("/run/user/{}", nix::unistd::geteuid().as_raw()))
}

/// How long one method call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a job (starting or stopping the scope) may take, on top of the call.
const JOB_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum SystemdError {
    /// The bus could not be reached (no socket, no permission, no systemd on it).
    #[error("{}", crate::t!("systemd-unreachable", manager = .which, error = .source))]
    Unreachable {
        which: &'static str,
        source: zbus::Error,
    },
    /// systemd answered with an error.
    #[error("{what}: {source}")]
    Call { what: String, source: zbus::Error },
    /// The job ended with another result than `done`.
    #[error("{}", crate::t!("systemd-job-result", what = .what, result = format!("{:?}", .result)))]
    Job { what: String, result: String },
    #[error("{}", crate::t!("systemd-timeout", what = .what, secs = .secs))]
    Timeout { what: String, secs: u64 },
}

impl SystemdError {
    /// The property systemd refused because it does not know it (an older version):
    /// "Cannot set property PIDFDs, or unknown property." (a PropertyReadOnly error, which
    /// zbus reports as one of its fdo errors).
    fn unknown_property(&self) -> Option<String> {
        let SystemdError::Call { source, .. } = self else {
            return None;
        };
        let text = source.to_string();
        let rest = &text[text.find("Cannot set property ")? + "Cannot set property ".len()..];
        Some(rest.split([',', ' ', '.']).next()?.to_string())
    }
}

/// Runs `f` against a fresh connection to `bus` on a thread of its own, with a deadline.
fn call<T, F, Fut>(bus: Bus, what: &str, deadline: Duration, f: F) -> Result<T, SystemdError>
where
    T: Send + 'static,
    F: FnOnce(zbus::Connection) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<T, SystemdError>>,
{
    let before = threads();
    let (tx, rx) = std::sync::mpsc::channel();
    let which = bus.name();
    let worker = std::thread::Builder::new()
        .name("limitlab-dbus".into())
        .spawn(move || {
            let out = zbus::block_on(async move {
                let conn = bus
                    .connect()
                    .await
                    .map_err(|source| SystemdError::Unreachable { which, source })?;
                let out = f(conn.clone()).await;
                // Closing here, inside the runtime, leaves no helper thread behind.
                let _ = conn.close().await;
                out
            });
            let _ = tx.send(out);
        })
        .map_err(|e| SystemdError::Call {
            what: what.to_string(),
            source: zbus::Error::InputOutput(std::sync::Arc::new(e)),
        })?;
    match rx.recv_timeout(deadline) {
        Ok(out) => {
            let _ = worker.join();
            settle(&before);
            out
        }
        Err(_) => Err(SystemdError::Timeout {
            what: what.to_string(),
            secs: deadline.as_secs(),
        }),
    }
}

/// This process's threads, by id.
fn threads() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Waits (at most a second) until every thread started since `before` is gone from
/// `/proc/self/task`. A joined thread can still be exiting: the kernel wakes the joiner
/// (`CLONE_CHILD_CLEARTID`, in `exit_mm`) before it detaches the thread from its cgroup
/// (`cgroup_exit`), and a moving process leaves an exiting thread behind. Seen in the
/// systemd VM: the harness moved into its leaf right after getting its scope, but the scope
/// still counted the D-Bus thread, and enabling controllers there failed with EBUSY in 8
/// runs of 20.
fn settle(before: &[String]) {
    let deadline = std::time::Instant::now() + Duration::from_secs(1);
    while threads().iter().any(|t| !before.contains(t)) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn failed(what: &str) -> impl FnOnce(zbus::Error) -> SystemdError + '_ {
    move |source| SystemdError::Call {
        what: what.to_string(),
        source,
    }
}

/// The unit a process belongs to, as its manager sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInfo {
    /// `session-3.scope`, `ci-runner.service`, ...
    pub name: String,
    /// Whether the unit has `Delegate=yes`: its subtree is the process's to manage.
    pub delegate: bool,
}

/// Which unit process `pid` belongs to. `Ok(None)` when the manager knows no unit for it (a
/// user manager asked about a process of a login session).
pub fn unit_of(bus: Bus, pid: u32) -> Result<Option<UnitInfo>, SystemdError> {
    call(bus, "GetUnitByPID", CALL_TIMEOUT, move |conn| async move {
        let manager = ManagerProxy::new(&conn)
            .await
            .map_err(failed("GetUnitByPID"))?;
        let path = match manager.get_unit_by_pid(pid).await {
            Ok(p) => p,
            Err(zbus::Error::MethodError(name, _, _))
                if name.as_str() == "org.freedesktop.systemd1.NoUnitForPID" =>
            {
                return Ok(None);
            }
            Err(e) => return Err(failed("GetUnitByPID")(e)),
        };
        let unit = UnitProxy::builder(&conn)
            .path(path.clone())
            .build()
            .await
            .map_err(failed("unit"))?;
        let name = unit.id().await.map_err(failed("unit Id"))?;
        // Only services and scopes can be delegated; slices and the root never are.
        let interface = match name.rsplit_once('.') {
            Some((_, "scope")) => "org.freedesktop.systemd1.Scope",
            Some((_, "service")) => "org.freedesktop.systemd1.Service",
            _ => {
                return Ok(Some(UnitInfo {
                    name,
                    delegate: false,
                }));
            }
        };
        let properties = zbus::fdo::PropertiesProxy::builder(&conn)
            .destination("org.freedesktop.systemd1")
            .path(path)
            .build()
            .await
            .map_err(failed("unit properties"))?;
        let delegate = properties
            .get(
                zbus::names::InterfaceName::from_static_str_unchecked(interface),
                "Delegate",
            )
            .await
            .ok()
            .and_then(|v| bool::try_from(v).ok())
            .unwrap_or(false);
        Ok(Some(UnitInfo { name, delegate }))
    })
}

/// What a transient scope is made with.
#[derive(Debug, Clone)]
pub struct ScopeSpec {
    /// `limitlab-<pid>.scope`.
    pub name: String,
    pub description: String,
    pub slice: String,
    /// The process that goes in it: the harness.
    pub pid: u32,
}

fn value(v: Variant<'_>) -> OwnedVariant {
    // Only a variant holding a file descriptor can fail to convert (the descriptor is
    // duplicated), and those go through `fd_value`.
    OwnedVariant::try_from(v).unwrap_or_else(|_| OwnedVariant::from(false))
}

/// Starts a transient `Delegate=yes` scope holding `spec.pid` and waits until systemd says
/// the job is done: from then on the process is in the scope's cgroup, which is its to
/// manage. The scope ends when its last process does, and `CollectMode=inactive-or-failed`
/// removes it then, failed or not, so a harness killed with SIGKILL leaves no unit behind.
///
/// A property this systemd does not know is left out and the call made again (each at
/// most once): `PIDFDs` (systemd 253) falls back to `PIDs`, which is as safe here since
/// the harness is alive and calling, so its pid cannot have been reused; without
/// `OOMPolicy` (scopes have it since 253) an older systemd never stops a scope for an OOM
/// kill anyway.
pub fn start_scope(bus: Bus, spec: &ScopeSpec) -> Result<(), SystemdError> {
    let mut optional = vec![ScopeExtra::PidFd, ScopeExtra::OomContinue];
    loop {
        match start_scope_with(bus, spec, &optional) {
            Err(e) if e.unknown_property().is_some() => {
                let name = e.unknown_property().unwrap_or_default();
                let before = optional.len();
                optional.retain(|x| x.property() != name);
                if optional.len() == before {
                    return Err(e);
                }
            }
            other => return other,
        }
    }
}

/// Scope properties that only newer systemd versions take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeExtra {
    /// `PIDFDs` instead of `PIDs`.
    PidFd,
    /// `OOMPolicy=continue`: the OOM killer at work in a sandbox is what a run measures;
    /// it must not stop the scope, and the harness with it.
    OomContinue,
}

impl ScopeExtra {
    fn property(self) -> &'static str {
        match self {
            ScopeExtra::PidFd => "PIDFDs",
            ScopeExtra::OomContinue => "OOMPolicy",
        }
    }
}

fn start_scope_with(bus: Bus, spec: &ScopeSpec, extra: &[ScopeExtra]) -> Result<(), SystemdError> {
    let spec = spec.clone();
    let extra = extra.to_vec();
    let what = format!("start {}", spec.name);
    let what2 = what.clone();
    call(
        bus,
        &what,
        CALL_TIMEOUT + JOB_TIMEOUT,
        move |conn| async move {
            let what = what2;
            let (manager, mut removed) = listening(&conn, &what).await?;
            let mut properties = vec![
                (
                    "Description".to_string(),
                    value(Variant::from(spec.description.as_str())),
                ),
                (
                    "Slice".to_string(),
                    value(Variant::from(spec.slice.as_str())),
                ),
                ("Delegate".to_string(), value(Variant::from(true))),
                (
                    "CollectMode".to_string(),
                    value(Variant::from("inactive-or-failed")),
                ),
                // Not ordered after shutdown.target: it lives and ends with the harness.
                (
                    "DefaultDependencies".to_string(),
                    value(Variant::from(false)),
                ),
            ];
            if extra.contains(&ScopeExtra::PidFd) {
                let fd = crate::sys::pidfd_open(spec.pid as i32)
                    .map_err(|e| failed(&what)(zbus::Error::InputOutput(std::sync::Arc::new(e))))?;
                let fds = OwnedVariant::try_from(Variant::from(vec![zbus::Fd::from(fd)]))
                    .map_err(failed(&what))?;
                properties.push(("PIDFDs".to_string(), fds));
            } else {
                properties.push(("PIDs".to_string(), value(Variant::from(vec![spec.pid]))));
            }
            if extra.contains(&ScopeExtra::OomContinue) {
                properties.push(("OOMPolicy".to_string(), value(Variant::from("continue"))));
            }
            let job = manager
                .start_transient_unit(spec.name.clone(), "fail".into(), properties, Vec::new())
                .await
                .map_err(failed(&what))?;
            wait_job(&mut removed, &job, &what).await
        },
    )
}

/// The manager, listening to its `JobRemoved` signals, for a call that starts a job. It
/// listens before anything is asked, or the signal could come before the reply.
async fn listening<'c>(
    conn: &'c zbus::Connection,
    what: &str,
) -> Result<(ManagerProxy<'c>, zbus::MessageStream), SystemdError> {
    let manager = ManagerProxy::new(conn).await.map_err(failed(what))?;
    let removed = job_removed(conn).await.map_err(failed(what))?;
    manager.subscribe().await.map_err(failed(what))?;
    Ok((manager, removed))
}

/// The manager's `JobRemoved` signals, through a plain match rule (the proxy's signal
/// stream also tracks who owns the name, which this one-shot wait does not need).
async fn job_removed(conn: &zbus::Connection) -> zbus::Result<zbus::MessageStream> {
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .interface("org.freedesktop.systemd1.Manager")
        .member("JobRemoved")
        .build()?;
    zbus::MessageStream::for_match_rule(rule, conn, None).await
}

/// Waits for `JobRemoved` of `job`; `done` is success.
async fn wait_job(
    removed: &mut zbus::MessageStream,
    job: &OwnedObjectPath,
    what: &str,
) -> Result<(), SystemdError> {
    use futures_util::StreamExt;
    while let Some(msg) = removed.next().await {
        let Ok(msg) = msg else { continue };
        let body = msg.body();
        let Ok((_id, path, _unit, result)) =
            body.deserialize::<(u32, zbus::ObjectPath<'_>, String, String)>()
        else {
            continue;
        };
        if path.as_str() != job.as_str() {
            continue;
        }
        return if result == "done" {
            Ok(())
        } else {
            Err(SystemdError::Job {
                what: what.to_string(),
                result,
            })
        };
    }
    Err(SystemdError::Job {
        what: what.to_string(),
        result: crate::t!("systemd-connection-closed"),
    })
}

/// Stops `unit` and waits for the job; a unit that is gone already counts as stopped.
pub fn stop(bus: Bus, unit: &str) -> Result<(), SystemdError> {
    let unit = unit.to_string();
    let what = format!("stop {unit}");
    let what2 = what.clone();
    call(
        bus,
        &what,
        CALL_TIMEOUT + JOB_TIMEOUT,
        move |conn| async move {
            let what = what2;
            let (manager, mut removed) = listening(&conn, &what).await?;
            match manager.stop_unit(unit, "replace".into()).await {
                Ok(job) => wait_job(&mut removed, &job, &what).await,
                Err(zbus::Error::MethodError(name, _, _))
                    if name.as_str() == "org.freedesktop.systemd1.NoSuchUnit" =>
                {
                    Ok(())
                }
                Err(e) => Err(failed(&what)(e)),
            }
        },
    )
}

/// Forgets a failed unit's state (`systemctl reset-failed`).
pub fn reset_failed(bus: Bus, unit: &str) -> Result<(), SystemdError> {
    let unit = unit.to_string();
    call(
        bus,
        "ResetFailedUnit",
        CALL_TIMEOUT,
        move |conn| async move {
            let manager = ManagerProxy::new(&conn)
                .await
                .map_err(failed("ResetFailedUnit"))?;
            match manager.reset_failed_unit(unit).await {
                Err(zbus::Error::MethodError(name, _, _))
                    if name.as_str() == "org.freedesktop.systemd1.NoSuchUnit" =>
                {
                    Ok(())
                }
                other => other.map_err(failed("ResetFailedUnit")),
            }
        },
    )
}

/// The units matching `pattern` (e.g. `limitlab-*.scope`), with their `ActiveState`.
pub fn units_matching(bus: Bus, pattern: &str) -> Result<Vec<(String, String)>, SystemdError> {
    let pattern = pattern.to_string();
    call(
        bus,
        "ListUnitsByPatterns",
        CALL_TIMEOUT,
        move |conn| async move {
            let manager = ManagerProxy::new(&conn)
                .await
                .map_err(failed("ListUnitsByPatterns"))?;
            let units = manager
                .list_units_by_patterns(Vec::new(), vec![pattern])
                .await
                .map_err(failed("ListUnitsByPatterns"))?;
            Ok(units.into_iter().map(|u| (u.0, u.3)).collect())
        },
    )
}

/// The manager's version (`252.36-1~deb12u1`), for doctor and the report.
pub fn version(bus: Bus) -> Result<String, SystemdError> {
    call(bus, "Version", CALL_TIMEOUT, move |conn| async move {
        let manager = ManagerProxy::new(&conn).await.map_err(failed("Version"))?;
        manager.version().await.map_err(failed("Version"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_property_is_named_from_systemds_answer() {
        let e = SystemdError::Call {
            what: "start limitlab-1.scope".into(),
            source: zbus::Error::Failure(
                "org.freedesktop.DBus.Error.PropertyReadOnly: Cannot set property PIDFDs, or unknown property.".into(),
            ),
        };
        assert_eq!(e.unknown_property().as_deref(), Some("PIDFDs"));
        let other = SystemdError::Call {
            what: "start".into(),
            source: zbus::Error::Failure("Unit limitlab-1.scope already exists.".into()),
        };
        assert_eq!(other.unknown_property(), None);
    }

    #[test]
    fn each_manager_is_asked_on_its_bus() {
        assert!(Bus::System.hint().contains("dbus"));
        assert!(Bus::User.hint().contains("dbus-user-session"));
        assert!(Bus::User.private_socket().ends_with("/systemd/private"));
    }
}
