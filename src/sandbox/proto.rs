//! What the harness and the sandbox init say to each other.
//!
//! The init's descriptors: 0 `/dev/null`, 1 and 2 the workload log pipe, [`FD_SYNC`] the
//! harness's instructions (a `J` byte before exec, then the config frame, then a `G` byte),
//! [`FD_STATUS`] the init's messages (JSON lines), [`FD_COUNTERS`] the counter page,
//! [`FD_EXE`] the limitlab binary.

use std::io::{self, Read, Write};
use std::os::fd::RawFd;

use serde::{Deserialize, Serialize};

use super::view::ViewReport;
use crate::data::Namespace;
use crate::plan::RlimitsPlan;
use crate::plan::ViewConfig;

pub const FD_SYNC: RawFd = 3;
pub const FD_STATUS: RawFd = 4;
pub const FD_COUNTERS: RawFd = 5;
pub const FD_EXE: RawFd = 6;
/// A target's pidfd, when the sandbox joins an existing container's namespaces.
pub const FD_TARGET: RawFd = 7;

/// The `G` byte: start the workloads.
pub const GO: u8 = b'G';

/// What the init must set up, sent once after it joined its cgroups.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InitConfig {
    pub namespaces: Vec<Namespace>,
    pub hostname: String,
    pub uid: u32,
    pub gid: u32,
    pub rlimits: RlimitsPlan,
    pub seccomp: bool,
    pub workloads: Vec<Launch>,
    /// Join the namespaces of the target at [`FD_TARGET`] instead of making new ones.
    pub join: Option<JoinSpec>,
    /// Rootless: the init is root of a user namespace that maps only the harness's ids; it
    /// makes a second one, where it is `uid`/`gid`, before dropping privileges.
    pub user_namespace: bool,
    /// What to add to the default view (with a mount namespace).
    #[serde(default)]
    pub view: ViewConfig,
}

/// How to join a target's namespaces.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct JoinSpec {
    /// The target is in another user namespace: join that one too.
    pub user: bool,
}

/// One workload to start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Launch {
    pub argv: Vec<String>,
    /// Run the limitlab binary (fd [`FD_EXE`]) with the counter page as fd 3.
    pub builtin: bool,
    /// Milliseconds after the go before it starts.
    pub start_after_ms: u64,
}

/// A message from the init. Times are `CLOCK_MONOTONIC` nanoseconds (shared with the host).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum InitMsg {
    /// Setup is done; waiting for `G`. `view`: what the workloads will see of the host.
    Ready {
        mono_ns: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        view: Option<Box<ViewReport>>,
        /// The setup's steps as they ended, in order: (step, `mono_ns`); what
        /// `limitlab exec --time` breaks the start path into.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        spans: Vec<(String, u64)>,
    },
    /// A setup step failed; the init exits.
    SetupFailed { step: String, error: String },
    /// A workload's process was forked; its exec is under way (`Started` or `SpawnFailed`
    /// follows). Sent so that a run that ends before the exec is seen knows the workload was
    /// being started, not forgotten: in a sandbox whose CPU its other workloads take, the
    /// exec of a delayed workload can wait seconds for a CPU.
    Forked { index: usize, mono_ns: u64 },
    /// A workload is executing (its exec succeeded).
    Started {
        index: usize,
        pid: i32,
        mono_ns: u64,
    },
    /// A workload could not be started.
    SpawnFailed {
        index: usize,
        error: String,
        mono_ns: u64,
    },
    /// A workload's first process ended.
    Exited {
        index: usize,
        /// `exited N` or `killed by SIGNAME`, as events.csv and the record keep it.
        status: String,
        /// The exit code, when it exited.
        code: Option<i32>,
        /// The signal's number, when a signal killed it.
        #[serde(default)]
        signal: Option<i32>,
        mono_ns: u64,
    },
    /// No process is left in the sandbox but the init; it exits.
    Idle { mono_ns: u64 },
}

/// `CLOCK_MONOTONIC` in nanoseconds.
pub fn mono_ns() -> u64 {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .expect("CLOCK_MONOTONIC is always available");
    t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64
}

/// Writes the config frame: a little-endian u32 length and JSON.
pub fn write_config(w: &mut impl Write, cfg: &InitConfig) -> io::Result<()> {
    let json = serde_json::to_vec(cfg)?;
    w.write_all(&(json.len() as u32).to_le_bytes())?;
    w.write_all(&json)?;
    w.flush()
}

const MAX_CONFIG: usize = 1 << 20;

pub fn read_config(r: &mut impl Read) -> io::Result<InitConfig> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_CONFIG {
        return Err(io::Error::other(format!(
            "config frame of {len} bytes is too large"
        )));
    }
    let mut json = vec![0; len];
    r.read_exact(&mut json)?;
    Ok(serde_json::from_slice(&json)?)
}

/// Writes one message as a JSON line (well under PIPE_BUF, so the write is atomic).
pub fn send(w: &mut impl Write, msg: &InitMsg) -> io::Result<()> {
    let mut line = serde_json::to_vec(msg)?;
    line.push(b'\n');
    w.write_all(&line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_round_trips() {
        let cfg = InitConfig {
            namespaces: Namespace::ALL.to_vec(),
            hostname: "h".into(),
            uid: 1,
            gid: 2,
            rlimits: RlimitsPlan::default(),
            seccomp: true,
            join: None,
            user_namespace: true,
            view: ViewConfig::default(),
            workloads: vec![Launch {
                argv: vec!["true".into()],
                builtin: false,
                start_after_ms: 0,
            }],
        };
        let mut buf = Vec::new();
        write_config(&mut buf, &cfg).unwrap();
        let back = read_config(&mut buf.as_slice()).unwrap();
        assert_eq!(back.workloads[0].argv, ["true"]);
        let mut huge = (u32::MAX).to_le_bytes().to_vec();
        huge.extend_from_slice(b"{}");
        assert!(read_config(&mut huge.as_slice()).is_err());
    }

    #[test]
    fn messages_are_json_lines() {
        let mut buf = Vec::new();
        send(
            &mut buf,
            &InitMsg::Ready {
                spans: Vec::new(),
                mono_ns: 5,
                view: None,
            },
        )
        .unwrap();
        assert_eq!(buf, b"{\"msg\":\"ready\",\"mono_ns\":5}\n");
    }
}
