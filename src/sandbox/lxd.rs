//! LXD's and Incus's REST API (the same API on another socket), over the daemon's unix
//! socket: the init pid of an instance (`GET /1.0/instances/NAME/state`), and its
//! `limits.processes`, which a run may set for its length and restores afterwards.
//!
//! A plain HTTP/1.1 client over a `UnixStream`: one request per connection
//! (`Connection: close`), a body read to the end, chunked or not.
//!
//! A limit set for a run is restored by the run itself (also after SIGINT/SIGTERM, which end
//! in teardown), by the supervisor if the harness is killed, or by the next run (or
//! `limitlab clean`) if both were: before the limit is changed, what must be restored is
//! written to a file in [`restore_dir`], and that file goes only once it is restored.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Which daemon: LXD or Incus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Daemon {
    Lxd,
    Incus,
}

impl Daemon {
    /// The daemon of an `lxd` or `incus` target.
    pub fn of(target: &crate::plan::TargetSpec) -> Option<Daemon> {
        match target {
            crate::plan::TargetSpec::Lxd(_) => Some(Daemon::Lxd),
            crate::plan::TargetSpec::Incus(_) => Some(Daemon::Incus),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Daemon::Lxd => "LXD",
            Daemon::Incus => "Incus",
        }
    }

    /// Its socket: `$LXD_DIR/unix.socket` / `$INCUS_DIR/unix.socket` where set, else the
    /// daemon's default (`/var/lib/lxd/unix.socket`; Debian's and the snap's
    /// `/var/snap/lxd/common/lxd/unix.socket` when only that one exists).
    pub fn socket(self) -> PathBuf {
        let (var, defaults): (&str, &[&str]) = match self {
            Daemon::Lxd => (
                "LXD_DIR",
                &[
                    "/var/lib/lxd/unix.socket",
                    "/var/snap/lxd/common/lxd/unix.socket",
                ],
            ),
            Daemon::Incus => ("INCUS_DIR", &["/var/lib/incus/unix.socket"]),
        };
        if let Some(dir) = std::env::var_os(var).filter(|d| !d.is_empty()) {
            return Path::new(&dir).join("unix.socket");
        }
        defaults
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .unwrap_or_else(|| PathBuf::from(defaults[0]))
    }
}

/// An error talking to the daemon: `unreachable` when there is no daemon to talk to.
#[derive(Debug)]
pub struct ApiError {
    pub unreachable: bool,
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One request; returns the response's `metadata` (LXD wraps every answer in
/// `{"type": .., "status_code": .., "metadata": ..}`).
pub fn request(
    socket: &Path,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<Value, ApiError> {
    let fail = |unreachable, status, message: String| ApiError {
        unreachable,
        status,
        message,
    };
    let mut stream = UnixStream::connect(socket).map_err(|e| {
        fail(
            true,
            0,
            crate::t!("lxd-cannot-connect", socket = socket.display(), error = e),
        )
    })?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: lxd\r\nUser-Agent: limitlab\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut raw = Vec::new();
    stream
        .write_all(req.as_bytes())
        .and_then(|_| stream.read_to_end(&mut raw))
        .map_err(|e| fail(true, 0, format!("{method} {path}: {e}")))?;
    let (status, body) = parse_response(&raw).ok_or_else(|| {
        fail(
            false,
            0,
            crate::t!("lxd-not-http", method = method, path = path),
        )
    })?;
    let json: Value = serde_json::from_slice(&body).map_err(|e| {
        fail(
            false,
            status,
            crate::t!(
                "lxd-not-json",
                method = method,
                path = path,
                status = status,
                error = e
            ),
        )
    })?;
    if !(200..300).contains(&status) || json["type"] == "error" {
        let said = json["error"]
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| crate::t!("lxd-no-reason"));
        return Err(fail(
            false,
            status,
            format!("{method} {path}: HTTP {status}: {said}"),
        ));
    }
    Ok(json["metadata"].clone())
}

/// The status code and the body (de-chunked) of a raw HTTP/1.1 response.
fn parse_response(raw: &[u8]) -> Option<(u16, Vec<u8>)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let chunked = lines.any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("transfer-encoding") && v.trim() == "chunked"
        })
    });
    let mut body = &raw[end + 4..];
    if !chunked {
        return Some((status, body.to_vec()));
    }
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some((status, out));
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

fn instance_path(name: &str) -> String {
    // Names are checked to be letters, digits, '.', '_', '-': nothing to escape.
    format!("/1.0/instances/{name}")
}

/// The init pid of a running instance.
pub fn init_pid(daemon: Daemon, name: &str) -> Result<i32, ApiError> {
    let socket = daemon.socket();
    let state = request(
        &socket,
        "GET",
        &format!("{}/state", instance_path(name)),
        None,
    )?;
    match state["pid"].as_i64() {
        Some(pid) if pid > 0 => Ok(pid as i32),
        _ => Err(ApiError {
            unreachable: false,
            status: 200,
            message: crate::t!(
                "lxd-not-running",
                daemon = daemon.name(),
                name = name,
                state = state["status"]
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| crate::t!("lxd-state-unknown"))
            ),
        }),
    }
}

/// The key of an instance's config that a run may set.
pub const PROCESSES_KEY: &str = "limits.processes";

/// An instance's config value of `key` (`None`: not set).
pub fn config_value(daemon: Daemon, name: &str, key: &str) -> Result<Option<String>, ApiError> {
    let inst = request(&daemon.socket(), "GET", &instance_path(name), None)?;
    Ok(inst["config"][key].as_str().map(String::from))
}

/// Sets (`Some`) or removes (`None`) one key of an instance's config through `socket`,
/// leaving the rest as it is now: a PATCH to set, a PUT of the instance as it is without
/// the key to remove (LXD keeps an empty value as one).
pub fn set_config(
    socket: &Path,
    name: &str,
    key: &str,
    value: Option<&str>,
) -> Result<(), ApiError> {
    let path = instance_path(name);
    match value {
        Some(v) => {
            request(socket, "PATCH", &path, Some(&json!({"config": {key: v}})))?;
        }
        None => {
            let mut inst = request(socket, "GET", &path, None)?;
            if let Some(config) = inst["config"].as_object_mut() {
                config.remove(key);
            }
            let put: serde_json::Map<String, Value> = [
                "architecture",
                "config",
                "devices",
                "ephemeral",
                "profiles",
                "stateful",
                "description",
            ]
            .iter()
            .filter_map(|k| inst.get(*k).map(|v| (k.to_string(), v.clone())))
            .collect();
            request(socket, "PUT", &path, Some(&Value::Object(put)))?;
        }
    }
    Ok(())
}

/// What a run changed on an instance, and so must put back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restore {
    pub daemon: Daemon,
    /// The socket the change went through.
    pub socket: PathBuf,
    pub instance: String,
    pub key: String,
    /// What the run set.
    pub set: String,
    /// What it was before (`None`: not set).
    pub previous: Option<String>,
    /// The harness that made the change.
    pub harness_pid: u32,
    /// The run's results folder: whoever restores it for a killed run says so there.
    #[serde(default)]
    pub results: Option<PathBuf>,
}

/// What became of a [`Restore`], for the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuntimeLimit {
    pub key: String,
    pub set: String,
    pub previous: Option<String>,
    /// Who put the previous value back ("the run": [`Restorer`]'s English, as it is
    /// recorded), or why it could not.
    pub restored_by: Option<String>,
    pub restore_error: Option<String>,
}

/// Where pending restores are recorded: `/run/limitlab/restore` as root, else
/// `$XDG_RUNTIME_DIR/limitlab/restore` (or the temporary folder).
pub fn restore_dir() -> PathBuf {
    if nix::unistd::geteuid().is_root() {
        return PathBuf::from("/run/limitlab/restore");
    }
    std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join("limitlab/restore")
}

impl Restore {
    /// The file that records it until it is undone.
    pub fn file(&self) -> PathBuf {
        let socket: String = self
            .socket
            .to_string_lossy()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        restore_dir().join(format!("{socket}.{}.{}.json", self.instance, self.key))
    }

    /// Records it durably (before the change is made).
    pub fn record(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(restore_dir())?;
        let file = self.file();
        crate::data::stream::write_atomic(&file, &serde_json::to_vec_pretty(self)?).map_err(|e| {
            let said = crate::t!("lxd-write-record", file = file.display(), error = e);
            std::io::Error::new(e.kind(), said)
        })
    }

    /// Writes `restored.json` into the killed run's results folder: who put the value back
    /// (recorded in English, as a JSON value is).
    pub fn note_restored_by(&self, who: Restorer) {
        if let Some(dir) = self.results.as_ref().filter(|d| d.is_dir()) {
            let note = json!({
                "key": self.key,
                "set": self.set,
                "previous": self.previous,
                "restored_by": who.recorded(),
            });
            let _ = crate::data::stream::write_atomic(
                &dir.join("restored.json"),
                format!("{note:#}\n").as_bytes(),
            );
        }
    }

    /// Puts the previous value back through the recorded socket; removes the record once
    /// it is done.
    pub fn undo(&self) -> Result<(), ApiError> {
        set_config(
            &self.socket,
            &self.instance,
            &self.key,
            self.previous.as_deref(),
        )?;
        let _ = std::fs::remove_file(self.file());
        Ok(())
    }
}

/// Restores what earlier runs whose harness (and supervisor) died left recorded; returns
/// one line per restore (`limitlab clean` and every run start do this). A record whose harness is still running is
/// left to it.
pub fn restore_pending() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(restore_dir()) else {
        return Vec::new();
    };
    let mut done = Vec::new();
    for e in entries.flatten() {
        let Some(r) = std::fs::read(e.path())
            .ok()
            .and_then(|b| serde_json::from_slice::<Restore>(&b).ok())
        else {
            continue;
        };
        let running = std::fs::read_link(format!("/proc/{}/exe", r.harness_pid))
            .is_ok_and(|exe| exe.to_string_lossy().contains("limitlab"));
        if running {
            continue;
        }
        let what = pending(&r);
        match r.undo() {
            Ok(()) => {
                r.note_restored_by(Restorer::LaterRun(std::process::id()));
                done.push(crate::t!("lxd-pending-restored", what = what));
            }
            Err(e) => done.push(crate::t!(
                "lxd-pending-not-restored",
                what = what,
                error = e
            )),
        }
    }
    done
}

/// What an earlier, killed run left set, and what it goes back to.
fn pending(r: &Restore) -> String {
    crate::t!(
        "lxd-pending",
        key = r.key,
        daemon = r.daemon.name(),
        instance = r.instance,
        previous = r.previous.clone().unwrap_or_else(|| crate::t!("lxd-unset")),
        set = r.set
    )
}

/// Who put a runtime limit back. `restored.json` and summary.json's `restored_by` record it
/// in English ([`Restorer::recorded`]); the report says it in its language ([`said_restorer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restorer {
    /// The run itself, in its teardown.
    Run,
    /// The supervisor, after the harness was killed.
    Supervisor,
    /// A later run (or `limitlab clean`), by its harness's pid.
    LaterRun(u32),
}

impl Restorer {
    /// Who it is in the current language.
    pub fn said(self) -> String {
        match self {
            Restorer::Run => crate::t!("lxd-restored-by-run"),
            Restorer::Supervisor => crate::t!("lxd-restored-by-supervisor"),
            Restorer::LaterRun(pid) => crate::t!("lxd-restored-by-later-run", pid = pid),
        }
    }

    /// Who it is as the JSON files record it: in English.
    pub fn recorded(self) -> String {
        crate::i18n::with(crate::i18n::Lang::En, || self.said())
    }

    /// The restorer a recorded `restored_by` names, if it is one of these.
    fn of_recorded(recorded: &str) -> Option<Restorer> {
        [Restorer::Run, Restorer::Supervisor]
            .into_iter()
            .find(|r| r.recorded() == recorded)
            .or_else(|| {
                let pid = crate::i18n::with(crate::i18n::Lang::En, || {
                    let shape = crate::t!("lxd-restored-by-later-run", pid = "\u{0}");
                    let (head, tail) = shape.split_once('\u{0}')?;
                    recorded
                        .strip_prefix(head)?
                        .strip_suffix(tail)?
                        .parse()
                        .ok()
                })?;
                Some(Restorer::LaterRun(pid))
            })
    }
}

/// A recorded `restored_by` (English) in the current language; a text it does not know (an
/// older record's) as it is.
pub fn said_restorer(recorded: &str) -> String {
    Restorer::of_recorded(recorded)
        .map(Restorer::said)
        .unwrap_or_else(|| recorded.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_are_parsed_plain_and_chunked() {
        let plain =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(parse_response(plain), Some((200, b"{}".to_vec())));
        let chunked = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;x=y\r\n:1}\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked), Some((404, b"{\"a\":1}".to_vec())));
        assert_eq!(parse_response(b"garbage"), None);
        // A chunk cut short is no response.
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nab"),
            None
        );
    }

    #[test]
    fn a_missing_daemon_is_unreachable() {
        let tmp = tempfile::tempdir().unwrap();
        let e = request(&tmp.path().join("unix.socket"), "GET", "/1.0", None).unwrap_err();
        assert!(e.unreachable, "{e}");
    }

    #[test]
    fn who_restored_a_limit_is_recorded_in_english_and_said_in_the_run_language() {
        use crate::i18n::{Lang, with};
        let recorded = |r: Restorer| with(Lang::Es, || r.recorded());
        assert_eq!(recorded(Restorer::Run), "the run");
        assert_eq!(
            recorded(Restorer::Supervisor),
            "the supervisor (the harness was killed)"
        );
        assert_eq!(
            recorded(Restorer::LaterRun(4242)),
            "a later run (harness pid 4242)"
        );
        let es = |r: &str| with(Lang::Es, || said_restorer(r));
        assert_eq!(es("the run"), "la ejecución");
        assert_eq!(
            es("the supervisor (the harness was killed)"),
            "el supervisor (el arnés fue matado)"
        );
        assert_eq!(
            es("a later run (harness pid 4242)"),
            "una ejecución posterior (pid del arnés 4242)"
        );
        assert_eq!(es("someone else"), "someone else");
        assert_eq!(
            with(Lang::En, || said_restorer("a later run (harness pid 7)")),
            "a later run (harness pid 7)"
        );
    }

    #[test]
    fn a_pending_restore_is_said_in_the_run_language() {
        use crate::i18n::{Lang, with};
        let r = Restore {
            daemon: Daemon::Lxd,
            socket: "/var/lib/lxd/unix.socket".into(),
            instance: "c1".into(),
            key: PROCESSES_KEY.into(),
            set: "1000".into(),
            previous: None,
            harness_pid: 1,
            results: None,
        };
        assert_eq!(
            with(Lang::En, || crate::t!(
                "lxd-pending-restored",
                what = pending(&r)
            )),
            "restored limits.processes of LXD instance c1 back to unset (an earlier run set it to 1000 and was killed before it could restore it)"
        );
        assert_eq!(
            with(Lang::Es, || crate::t!(
                "lxd-pending-restored",
                what = pending(&r)
            )),
            "se restableció limits.processes de la instancia c1 de LXD a sin fijar (una ejecución anterior lo puso en 1000 y la mataron antes de que pudiera restablecerlo)"
        );
        let e = with(Lang::Es, || {
            request(Path::new("/nonexistent/unix.socket"), "GET", "/1.0", None).unwrap_err()
        });
        assert!(
            e.message
                .starts_with("no se puede conectar a /nonexistent/unix.socket: "),
            "{e}"
        );
    }
}
