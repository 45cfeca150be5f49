//! The sandbox: cgroups with limits, an init in new namespaces held until it is inside them,
//! and a teardown that never depends on the workload cooperating.
//!
//! Start order (the one that makes a limit real):
//! 1. create the cgroups and write the limits;
//! 2. clone the init into new namespaces (straight into the cgroup2 node where the kernel
//!    can); it blocks on a pipe before it can run anything;
//! 3. move it into the cgroup2 directory (unless it was cloned there; through
//!    [`cgroup::move_into`], like every cgroup write: see [`cgroup::files`]), then release
//!    it: it writes itself into each v1 `tasks` file and only then becomes the init, which
//!    sets up the inside ([`init`]) and waits for the go. It runs the init's code in the
//!    clone itself when the harness had one thread at the clone (a fork is then sound);
//!    otherwise it execs `limitlab __init` (`sys::InitSpawn::here`).
//!
//! Steps 1 and 2 are in `start.rs`. Teardown is [`cgroup::teardown`]'s one routine, which
//! [`Sandbox::kill`] runs with the sandbox's own waits.

pub mod cgroup;
pub mod init;
pub mod lxd;
pub mod proto;
pub mod rootless;
pub mod supervisor;
pub mod target;
pub mod uid;
pub mod view;

mod start;

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::OwnedFd;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;

use crate::plan::RunPlan;
use crate::sandbox::supervisor::Supervisor;
use crate::sys;
use cgroup::{Cgroup, CgroupError, Layout, teardown};
use proto::{InitConfig, InitMsg, JoinSpec};
use start::{clone_init, init_config, make_cgroups, map_ids, spawn_err};

/// What the sandbox tells the runner, in order, on one channel.
#[derive(Debug)]
pub enum SandboxEvent {
    Msg(InitMsg),
    /// A line from the init that is not a message (its own output is elsewhere).
    Garbled(String),
    /// The init process ended (the reaper thread collected it).
    InitExited(WaitStatus),
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Cgroup(#[from] CgroupError),
    #[error("{}", crate::t!("sandbox-start-failed", error = .0))]
    Spawn(String),
}

/// The descriptors the sandbox's processes get from the harness.
pub struct SandboxIo {
    /// Write end of the pipe the workloads' stdout and stderr go to.
    pub log: OwnedFd,
    /// The counter page, when a built-in workload runs.
    pub counters: Option<OwnedFd>,
    /// Told about the cgroups before anything runs in them, so they are emptied even if the
    /// harness dies.
    pub supervisor: Option<Arc<Supervisor>>,
    /// A target to join: the init enters its namespaces instead of making new ones.
    pub target: Option<TargetJoin>,
    /// The workloads' standard input and error instead of `/dev/null` and the log pipe
    /// (`limitlab exec` passes its own through).
    pub stdin: Option<OwnedFd>,
    pub stderr: Option<OwnedFd>,
}

/// A target's namespaces, for the sandbox init to join.
pub struct TargetJoin {
    /// Pins the target's process; `setns` on it joins all its namespaces at once.
    pub pidfd: OwnedFd,
    /// The target is in another user namespace than limitlab.
    pub user: bool,
}

/// Set once the init has been reaped.
#[derive(Default)]
struct InitExit {
    status: Mutex<Option<WaitStatus>>,
    cv: Condvar,
}

/// What the kill phase of teardown did.
#[derive(Debug, Clone)]
pub struct KillOutcome {
    pub method: &'static str,
    pub processes: u64,
    pub kill_ms: f64,
    pub leaked_processes: u64,
}

pub struct Sandbox {
    cgroup: Arc<dyn Cgroup>,
    init: Pid,
    sync: Option<File>,
    exit: Arc<InitExit>,
    /// `CLONE_INTO_CGROUP` placed the init; otherwise it was moved while held.
    pub cloned_into_cgroup: bool,
    /// When setup began (for the start-to-exec time).
    pub setup_started: Instant,
    /// The harness's steps of the start, as they ended: (step, `proto::mono_ns`).
    pub spans: Vec<(&'static str, u64)>,
    supervisor: Option<Arc<Supervisor>>,
    /// The workloads run in a pid namespace nested in a target's, whose PID 1 is the init's
    /// child (see `init::nest::nest_pid_namespace`).
    nested: bool,
    /// The uid the workloads run as, and its lease when it is the run's own: given back
    /// when the sandbox is dropped, after everything in it is killed.
    uid: u32,
    _uid_lease: Option<uid::Lease>,
    killed: bool,
    removed: bool,
}

impl Sandbox {
    /// Creates the cgroups, clones the init and puts it into them, and sends its config.
    /// The init then sets up the inside and reports `Ready` on `events`.
    pub fn start(
        plan: &RunPlan,
        layout: &Layout,
        io: SandboxIo,
        events: Sender<SandboxEvent>,
    ) -> Result<Sandbox, StartError> {
        let setup_started = Instant::now();
        let mut spans = vec![("setup started", proto::mono_ns())];
        let cgroup = make_cgroups(plan, layout, io.supervisor.as_deref())?;
        spans.push(("cgroups made, limits written", proto::mono_ns()));
        let supervisor = io.supervisor.clone();
        let join = io.target.as_ref().map(|t| JoinSpec { user: t.user });
        // Without root, the namespaces come with a user namespace of their own.
        let user_namespace = join.is_none() && rootless::active();
        let lease = private_uid(plan, join.is_some() || user_namespace)?;
        let uid = lease.as_ref().map_or(plan.sandbox.uid, uid::Lease::uid);
        let held = clone_init(plan, &*cgroup, io, user_namespace)?;
        spans.push(("init cloned", proto::mono_ns()));

        let mut sandbox = Sandbox {
            cgroup,
            init: held.init,
            sync: Some(File::from(held.sync)),
            exit: Arc::new(InitExit::default()),
            cloned_into_cgroup: held.cloned_into_cgroup,
            setup_started,
            spans,
            supervisor,
            nested: join.is_some(),
            uid,
            _uid_lease: lease,
            killed: false,
            removed: false,
        };
        let released = (|| {
            if user_namespace {
                map_ids(sandbox.init)?;
            }
            sandbox.join_cgroup2()?;
            let config = init_config(plan, join, user_namespace, uid)?;
            sandbox.send_config(&config)
        })();
        // The threads that read the init's messages and reap it start once it is released,
        // while it sets up (their start took 0.1 ms before its config was on its way); its
        // messages wait in the pipe, its exit status in the kernel. They start whatever
        // happened, so that teardown, on an error, sees the init end.
        sandbox.watch(held.status, events);
        released?;
        Ok(sandbox)
    }

    /// The init waits on its pipe and moves itself into the v1 cgroups once released,
    /// before it execs anything (or exits with `sys::JOIN_FAILED`). A cgroup2 directory
    /// it was not cloned into is joined here; that move takes the kernel's cgroup
    /// threadgroup lock, whose first taking costs an RCU grace period.
    fn join_cgroup2(&self) -> Result<(), StartError> {
        if let Some(dir) = self
            .cgroup
            .clone_into_dir()
            .filter(|_| !self.cloned_into_cgroup)
        {
            cgroup::move_into(dir, self.init)?;
        }
        Ok(())
    }

    /// Tells the held init it is in its cgroups, and sends its config.
    fn send_config(&mut self, config: &InitConfig) -> Result<(), StartError> {
        let sync = self.sync.as_mut().expect("set by start");
        sync.write_all(&[sys::JOINED])
            .and_then(|_| proto::write_config(sync, config))
            .map_err(|e| spawn_err(&crate::t!("sandbox-step-send-config"))(e))?;
        self.spans.push(("config sent", proto::mono_ns()));
        Ok(())
    }

    /// Starts the threads that read the init's messages and reap it.
    fn watch(&self, status: OwnedFd, events: Sender<SandboxEvent>) {
        let tx = events.clone();
        // The init's messages come before the news of its end: the reaper waits for the
        // reader to reach the end of the init's pipe (at most a moment: the pipe closes
        // with the init) before it sends `InitExited`. Without this the reaper could win:
        // an init that ran `/bin/true` was reported as "ended during setup" before its
        // `Ready` was read (1 run in ~400 of `limitlab exec -- /bin/true` on a loaded host).
        let (read_all, all_read) = std::sync::mpsc::channel::<()>();
        let _ = thread::Builder::new()
            .name("init-status".into())
            .spawn(move || {
                let _read_all = read_all;
                for line in BufReader::new(File::from(status)).lines() {
                    let Ok(line) = line else { break };
                    let ev = match serde_json::from_str::<InitMsg>(&line) {
                        Ok(msg) => SandboxEvent::Msg(msg),
                        Err(_) => SandboxEvent::Garbled(line.chars().take(200).collect()),
                    };
                    if tx.send(ev).is_err() {
                        break;
                    }
                }
            });
        let (pid, exit) = (self.init, self.exit.clone());
        let _ = thread::Builder::new().name("reaper".into()).spawn(move || {
            let status = loop {
                match waitpid(pid, None) {
                    Err(nix::errno::Errno::EINTR) => continue,
                    Ok(s) => break s,
                    Err(_) => break WaitStatus::StillAlive,
                }
            };
            if let Ok(mut s) = exit.status.lock() {
                *s = Some(status);
            }
            exit.cv.notify_all();
            // Disconnected when the reader is done; a workload that kept the pipe open
            // (it should not have it) delays the news by at most this bound.
            let _ = all_read.recv_timeout(Duration::from_secs(2));
            let _ = events.send(SandboxEvent::InitExited(status));
        });
    }

    /// The sandbox init's pid.
    pub fn init_pid(&self) -> i32 {
        self.init.as_raw()
    }

    /// The uid the workloads run as: the plan's, or the one leased for this run.
    pub fn uid(&self) -> u32 {
        self.uid
    }

    pub fn cgroup(&self) -> Arc<dyn Cgroup> {
        self.cgroup.clone()
    }

    /// Lets the init start the workloads.
    pub fn release(&mut self) -> std::io::Result<()> {
        let mut sync = self
            .sync
            .take()
            .ok_or_else(|| std::io::Error::other(crate::t!("sandbox-already-released")))?;
        sync.write_all(&[proto::GO])
    }

    /// Whether the init has ended.
    pub fn init_exited(&self) -> bool {
        self.exit.status.lock().map(|s| s.is_some()).unwrap_or(true)
    }

    fn wait_init(&self, timeout: Duration) -> bool {
        let Ok(guard) = self.exit.status.lock() else {
            return false;
        };
        self.exit
            .cv
            .wait_timeout_while(guard, timeout, |s| s.is_none())
            .map(|(s, _)| s.is_some())
            .unwrap_or(false)
    }

    /// Teardown, first half: kill everything in the cgroups and wait until they are empty
    /// and the init is reaped (see [`cgroup::teardown`]).
    pub fn kill(&mut self) -> KillOutcome {
        // An init still held on its pipe (setup failed half-way) exits when the pipe closes.
        self.sync = None;
        let start = Instant::now();
        let dirs = self.cgroup.dirs();
        // Without a pids controller of its own (beneath a container's populated cgroup on
        // v2), the processes listed are what there is to count.
        let processes = self
            .cgroup
            .pids_current()
            .unwrap_or_else(|| teardown::listed(&dirs).len() as u64);
        if self.nested && !self.init_exited() {
            self.kill_nested_pid1();
        }
        let cg = &*self.cgroup;
        let empty = || cg.is_empty();
        let method = teardown::kill_everything(&dirs, cg.at_once().as_ref(), &empty, || {
            self.wait_init(SETTLE_PATIENCE);
            teardown::wait_until_empty(&dirs, &empty, SETTLE_PATIENCE)
        });
        self.killed = true;
        KillOutcome {
            method: method.name(),
            processes,
            kill_ms: start.elapsed().as_secs_f64() * 1000.0,
            leaked_processes: teardown::listed(&dirs).len() as u64,
        }
    }

    /// PID 1 of the attack's namespace goes first: the kernel then kills and reaps
    /// everything in that namespace, and the init (its parent) reaps it and ends. Killed all
    /// at once instead, the init could die first, and that PID 1's zombie would wait for
    /// whoever reaps the harness's orphans (here: 1.5 s, against 20 ms).
    fn kill_nested_pid1(&self) {
        let children = format!("/proc/{0}/task/{0}/children", self.init);
        let children = std::fs::read_to_string(children).unwrap_or_default();
        // Read while the init was not reaped yet: they are its children, not those of a
        // process that took its pid since.
        let children = if self.init_exited() {
            String::new()
        } else {
            children
        };
        for pid in children.split_whitespace().filter_map(|p| p.parse().ok()) {
            let _ = nix::sys::signal::kill(Pid::from_raw(pid), nix::sys::signal::SIGKILL);
        }
        self.wait_init(Duration::from_secs(2));
    }

    /// Teardown, second half: remove the cgroups. Returns the ones that stayed, with why.
    pub fn remove(&mut self) -> Vec<String> {
        self.removed = true;
        let stuck = self.cgroup.remove();
        if let Some(s) = &self.supervisor {
            s.forget(&self.cgroup.dirs());
        }
        stuck
            .into_iter()
            .map(|(p, e)| format!("{}: {e}", p.display()))
            .collect()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if !self.killed {
            self.kill();
        }
        if !self.removed {
            self.remove();
        }
    }
}

/// A uid of the run's own when the plan asks for one (`private_uid`). Not in a user
/// namespace of its own (rootless: only the harness's uid is mapped, and it is what
/// `RLIMIT_NPROC` counts) nor in a target's namespaces (the container's user namespace may
/// not map it): there the plan's uid stays, and the report says what the limit counted.
fn private_uid(plan: &RunPlan, mapped: bool) -> Result<Option<uid::Lease>, StartError> {
    if !plan.sandbox.private_uid || mapped {
        return Ok(None);
    }
    uid::lease().map(Some).map_err(|e| {
        StartError::Spawn(crate::t!(
            "sandbox-lease-uid",
            dir = uid::LEASE_DIR,
            error = e
        ))
    })
}

/// How long teardown waits, after the first kill, for the init to be reaped and then for the
/// cgroups to be empty (without progress: see [`teardown::Progress`]), before the kill loop.
const SETTLE_PATIENCE: Duration = Duration::from_secs(5);
