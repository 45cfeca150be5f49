//! The sandbox: cgroups with limits, an init in new namespaces held until it is inside them,
//! and a teardown that never depends on the workload cooperating.
//!
//! Start order (the one that makes a limit real):
//! 1. create the cgroups and write the limits;
//! 2. clone the init into new namespaces (straight into the cgroup2 node where the kernel
//!    can); it blocks on a pipe before it can run anything;
//! 3. write its pid into the cgroup2 `cgroup.procs` (unless it was cloned there), then
//!    release it: it writes itself into each v1 `tasks` file and only then execs
//!    `limitlab __init`, which sets up the inside ([`init`]) and waits for the go.

pub mod cgroup;
pub mod init;
pub mod lxd;
pub mod proto;
pub mod rootless;
pub mod supervisor;
pub mod target;
pub mod view;

use std::ffi::CString;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::sched::CloneFlags;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;

use crate::data::Namespace;

use crate::plan::RunPlan;
use crate::sandbox::supervisor::Supervisor;
use crate::sys;
use cgroup::{Cgroup, CgroupError, KillMethod, Layout};
use proto::{InitConfig, InitMsg, JoinSpec, Launch};

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
    #[error("cannot start the sandbox init: {0}")]
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
    /// child (see `init::nest_pid_namespace`).
    nested: bool,
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
        let cgroup: Arc<dyn Cgroup> = Arc::from(layout.create_sandbox(&plan.limits)?);
        spans.push(("cgroups made, limits written", proto::mono_ns()));
        let spawn_err = |what: &str, e: std::io::Error| StartError::Spawn(format!("{what}: {e}"));
        let supervisor = io.supervisor.clone();
        if let Some(s) = &supervisor {
            s.watch(&cgroup.dirs())
                .map_err(|e| spawn_err("tell the supervisor", e))?;
        }

        let cloexec = nix::fcntl::OFlag::O_CLOEXEC;
        let (sync_r, sync_w) =
            nix::unistd::pipe2(cloexec).map_err(|e| spawn_err("pipe", e.into()))?;
        let (status_r, status_w) =
            nix::unistd::pipe2(cloexec).map_err(|e| spawn_err("pipe", e.into()))?;
        let exe = File::open("/proc/self/exe").map_err(|e| spawn_err("open /proc/self/exe", e))?;
        // Page cache is charged to whoever reads a page first. Reading the binary here charges
        // it to the harness, so the sandbox's memory figures hold only the workload's own.
        let _ = nix::fcntl::posix_fadvise(
            &exe,
            0,
            0,
            nix::fcntl::PosixFadviseAdvice::POSIX_FADV_WILLNEED,
        );
        let devnull = File::open("/dev/null").map_err(|e| spawn_err("open /dev/null", e))?;
        let into_dir = match cgroup.clone_into_dir() {
            Some(dir) => Some(
                std::fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_DIRECTORY)
                    .open(dir)
                    .map_err(|e| spawn_err("open cgroup directory", e))?,
            ),
            None => None,
        };

        // The child's descriptors 0..=6, as high close-on-exec duplicates so that placing
        // one never overwrites another.
        let counters = io
            .counters
            .as_ref()
            .map(|c| c.as_fd())
            .unwrap_or(devnull.as_fd());
        let mut sources = vec![
            io.stdin
                .as_ref()
                .map(|f| f.as_fd())
                .unwrap_or(devnull.as_fd()),
            io.log.as_fd(),
            io.stderr
                .as_ref()
                .map(|f| f.as_fd())
                .unwrap_or(io.log.as_fd()),
            sync_r.as_fd(),
            status_w.as_fd(),
            counters,
            exe.as_fd(),
        ];
        // A target's pidfd, for the init to join its namespaces.
        let joins = io.target.is_some();
        if let Some(t) = &io.target {
            sources.push(t.pidfd.as_fd());
        }
        let join_user = io.target.as_ref().is_some_and(|t| t.user);
        let high: Vec<OwnedFd> = sources
            .iter()
            .map(|fd| sys::dup_high(*fd, 100))
            .collect::<Result<_, _>>()
            .map_err(|e| spawn_err("dup", e))?;
        let high_fds: Vec<_> = high.iter().map(|f| f.as_fd()).collect();
        let argv = [CString::from(c"limitlab"), CString::from(c"__init")];
        // Without root, the namespaces come with a user namespace of their own.
        let user_namespace = !joins && rootless::active();
        // Every v1 directory is joined by the child itself, through its `tasks` file (see
        // `sys::spawn_init`); the cgroup2 directory (the one it can be cloned into) by
        // CLONE_INTO_CGROUP, or by the harness.
        let cgroup2 = cgroup.clone_into_dir().map(Path::to_path_buf);
        let join: Vec<CString> = cgroup
            .dirs()
            .into_iter()
            .filter(|d| Some(d) != cgroup2.as_ref())
            .map(|d| CString::new(d.join("tasks").as_os_str().as_bytes()))
            .collect::<Result<_, _>>()
            .map_err(|_| spawn_err("cgroup path", std::io::Error::other("contains a NUL byte")))?;

        // Joining a target's namespaces, the init makes none of its own.
        let mut flags = if joins {
            CloneFlags::empty()
        } else {
            clone_flags(plan)
        };
        flags.set(CloneFlags::CLONE_NEWUSER, user_namespace);
        let (init, into) = sys::spawn_init(&sys::InitSpawn {
            flags,
            cgroup: into_dir.as_ref().map(|d| d.as_fd()),
            exe: exe.as_fd(),
            argv: &argv,
            env: &[],
            fds: &high_fds,
            exe_at: proto::FD_EXE,
            join: &join,
        })
        .map_err(|e| spawn_err("clone", e))?;
        spans.push(("init cloned", proto::mono_ns()));
        drop((high, sync_r, status_w, devnull, io));

        let mut sandbox = Sandbox {
            cgroup,
            init,
            sync: Some(File::from(sync_w)),
            exit: Arc::new(InitExit::default()),
            cloned_into_cgroup: into,
            setup_started,
            spans,
            supervisor,
            nested: joins,
            killed: false,
            removed: false,
        };
        sandbox.watch(status_r, events);
        if user_namespace {
            // The held init becomes root of its user namespace: the harness's ids, mapped.
            rootless::write_maps(
                &init.to_string(),
                (0, nix::unistd::geteuid().as_raw()),
                (0, nix::unistd::getegid().as_raw()),
            )
            .map_err(|e| spawn_err("map the user namespace's ids", e))?;
        }

        // The init waits on its pipe and moves itself into the v1 cgroups once released,
        // before it execs anything (or exits with `sys::JOIN_FAILED`). A cgroup2 directory
        // it was not cloned into is written here; that move takes the kernel's cgroup
        // threadgroup lock, whose first taking costs an RCU grace period.
        if let Some(dir) = cgroup2.filter(|_| !into) {
            cgroup::write(&dir.join("cgroup.procs"), &init.to_string())?;
        }
        let view = view::config_for(plan).map_err(StartError::Spawn)?;
        let config = InitConfig {
            view,
            namespaces: if joins {
                Vec::new()
            } else {
                plan.sandbox.namespaces.clone()
            },
            join: joins.then_some(JoinSpec { user: join_user }),
            user_namespace,
            hostname: plan.sandbox.hostname.clone(),
            uid: plan.sandbox.uid,
            gid: plan.sandbox.gid,
            rlimits: plan.sandbox.rlimits.clone(),
            seccomp: plan.sandbox.seccomp,
            workloads: plan
                .workloads
                .iter()
                .enumerate()
                .map(|(i, w)| Launch {
                    argv: w.spec.argv(i),
                    builtin: w.spec.is_builtin(),
                    start_after_ms: w.start_after.as_millis() as u64,
                })
                .collect(),
        };
        let sync = sandbox.sync.as_mut().expect("just set");
        sync.write_all(&[sys::JOINED])
            .and_then(|_| proto::write_config(sync, &config))
            .map_err(|e| spawn_err("send config to the init", e))?;
        sandbox.spans.push(("config sent", proto::mono_ns()));
        Ok(sandbox)
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

    pub fn cgroup(&self) -> Arc<dyn Cgroup> {
        self.cgroup.clone()
    }

    /// Lets the init start the workloads.
    pub fn release(&mut self) -> std::io::Result<()> {
        let mut sync = self
            .sync
            .take()
            .ok_or_else(|| std::io::Error::other("already released"))?;
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
    /// and the init is reaped.
    pub fn kill(&mut self) -> KillOutcome {
        // An init still held on its pipe (setup failed half-way) exits when the pipe closes.
        self.sync = None;
        let start = Instant::now();
        // Without a pids controller of its own (beneath a container's populated cgroup on
        // v2), the processes listed are what there is to count.
        let processes = self
            .cgroup
            .pids_current()
            .unwrap_or_else(|| listed(&*self.cgroup).len() as u64);
        if self.nested && !self.init_exited() {
            // PID 1 of the attack's namespace goes first: the kernel then kills and reaps
            // everything in that namespace, and the init (its parent) reaps it and ends. Killed
            // all at once instead, the init could die first, and that PID 1's zombie would
            // wait for whoever reaps the harness's orphans (here: 1.5 s, against 20 ms).
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
        let mut method = match self.cgroup.kill_all() {
            Ok(m) => m,
            Err(_) => KillMethod::KillLoop,
        };
        let empty = |cg: &dyn Cgroup, patience: Duration| {
            let until = Instant::now() + patience;
            while !cg.is_empty() && Instant::now() < until {
                thread::sleep(Duration::from_micros(500));
            }
            cg.is_empty()
        };
        self.wait_init(Duration::from_secs(5));
        if !empty(&*self.cgroup, Duration::from_secs(5)) {
            // Whatever survived the first method: kill each listed pid until none is left.
            method = KillMethod::KillLoop;
            let until = Instant::now() + Duration::from_secs(5);
            while !self.cgroup.is_empty() && Instant::now() < until {
                cgroup::kill_listed(&self.cgroup.dirs());
                thread::sleep(Duration::from_millis(1));
            }
        }
        self.killed = true;
        let left = listed(&*self.cgroup);
        KillOutcome {
            method: method.name(),
            processes,
            kill_ms: start.elapsed().as_secs_f64() * 1000.0,
            leaked_processes: left.len() as u64,
        }
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

fn clone_flags(plan: &RunPlan) -> CloneFlags {
    let mut flags = CloneFlags::empty();
    for ns in &plan.sandbox.namespaces {
        flags |= match ns {
            Namespace::Pid => CloneFlags::CLONE_NEWPID,
            Namespace::Mount => CloneFlags::CLONE_NEWNS,
            Namespace::Net => CloneFlags::CLONE_NEWNET,
            Namespace::Uts => CloneFlags::CLONE_NEWUTS,
            Namespace::Ipc => CloneFlags::CLONE_NEWIPC,
            // Unshared by the init once it is inside its cgroups, so the namespace is rooted
            // there and not at the harness's cgroup.
            Namespace::Cgroup => CloneFlags::empty(),
        };
    }
    flags
}

/// Every process listed in a sandbox's cgroups, each once (the hierarchies list the same
/// processes).
fn listed(cg: &dyn Cgroup) -> Vec<i32> {
    let mut pids: Vec<i32> = cg.dirs().iter().flat_map(|d| cgroup::procs(d)).collect();
    pids.sort_unstable();
    pids.dedup();
    pids
}
