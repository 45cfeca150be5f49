//! The steps of [`Sandbox::start`](super::Sandbox::start) that come before the sandbox
//! exists: the cgroups made and watched, the files the init is given, the init cloned and
//! held on its pipe, its ids mapped, its config.

use std::ffi::CString;
use std::fs::File;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Arc;

use nix::sched::CloneFlags;
use nix::unistd::Pid;

use super::cgroup::{Cgroup, Layout};
use super::proto::{self, InitConfig, JoinSpec, Launch};
use super::supervisor::Supervisor;
use super::{SandboxIo, StartError, rootless, view};
use crate::data::Namespace;
use crate::plan::RunPlan;
use crate::sys;

/// A start step's failure. Callers build `what` (in the run's language) inside `map_err`'s
/// closure, so a start that succeeds formats no message.
pub(super) fn spawn_err(what: &str) -> impl FnOnce(std::io::Error) -> StartError + '_ {
    move |e| StartError::Spawn(format!("{what}: {e}"))
}

/// Creates the sandbox's cgroups with their limits, and tells the supervisor about them
/// before anything runs in them.
pub(super) fn make_cgroups(
    plan: &RunPlan,
    layout: &Layout,
    supervisor: Option<&Supervisor>,
) -> Result<Arc<dyn Cgroup>, StartError> {
    let cgroup: Arc<dyn Cgroup> = Arc::from(layout.create_sandbox(&plan.limits)?);
    if let Some(s) = supervisor {
        s.watch(&cgroup.dirs())
            .map_err(|e| spawn_err(&crate::t!("sandbox-step-tell-supervisor"))(e))?;
    }
    Ok(cgroup)
}

/// The init, cloned and held on its pipe.
pub(super) struct HeldInit {
    pub init: Pid,
    /// `CLONE_INTO_CGROUP` placed it.
    pub cloned_into_cgroup: bool,
    /// The harness's end of the pipe the init waits on.
    pub sync: OwnedFd,
    /// The harness's end of the pipe the init reports on.
    pub status: OwnedFd,
}

/// What the harness opens for the init before cloning it.
struct InitFiles {
    sync_r: OwnedFd,
    sync_w: OwnedFd,
    status_r: OwnedFd,
    status_w: OwnedFd,
    exe: File,
    devnull: File,
    /// The cgroup2 directory to clone the init into, where there is one.
    into_dir: Option<File>,
}

impl InitFiles {
    /// `image_inside`: a workload runs limitlab's own image (a built-in one).
    fn open(cgroup: &dyn Cgroup, image_inside: bool) -> Result<InitFiles, StartError> {
        let cloexec = nix::fcntl::OFlag::O_CLOEXEC;
        let pipe = || nix::unistd::pipe2(cloexec).map_err(|e| spawn_err("pipe")(e.into()));
        let (sync_r, sync_w) = pipe()?;
        let (status_r, status_w) = pipe()?;
        let open = |path| crate::t!("sandbox-step-open", path = path);
        let exe =
            File::open("/proc/self/exe").map_err(|e| spawn_err(&open("/proc/self/exe"))(e))?;
        // Page cache is charged to whoever reads a page first. Reading the binary here charges
        // it to the harness, so the sandbox's memory figures hold only the workload's own.
        // Only where a workload runs it: the advice walks the whole file, 66 MB with its line
        // tables (0.06 ms of each start); an init that runs in its clone maps none of it, and
        // an exec'd one mostly the pages the harness itself already read.
        if image_inside {
            let _ = nix::fcntl::posix_fadvise(
                &exe,
                0,
                0,
                nix::fcntl::PosixFadviseAdvice::POSIX_FADV_WILLNEED,
            );
        }
        let devnull = File::open("/dev/null").map_err(|e| spawn_err(&open("/dev/null"))(e))?;
        let into_dir = match cgroup.clone_into_dir() {
            Some(dir) => Some(
                std::fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_DIRECTORY)
                    .open(dir)
                    .map_err(|e| spawn_err(&crate::t!("sandbox-step-open-cgroup-dir"))(e))?,
            ),
            None => None,
        };
        Ok(InitFiles {
            sync_r,
            sync_w,
            status_r,
            status_w,
            exe,
            devnull,
            into_dir,
        })
    }

    /// The child's descriptors 0..=6 (and a target's pidfd, for the init to join its
    /// namespaces), as high close-on-exec duplicates so that placing one never overwrites
    /// another.
    fn child_fds(&self, io: &SandboxIo) -> Result<Vec<OwnedFd>, StartError> {
        let devnull = self.devnull.as_fd();
        let mut sources = vec![
            io.stdin.as_ref().map(|f| f.as_fd()).unwrap_or(devnull),
            io.log.as_fd(),
            io.stderr
                .as_ref()
                .map(|f| f.as_fd())
                .unwrap_or(io.log.as_fd()),
            self.sync_r.as_fd(),
            self.status_w.as_fd(),
            io.counters.as_ref().map(|c| c.as_fd()).unwrap_or(devnull),
            self.exe.as_fd(),
        ];
        if let Some(t) = &io.target {
            sources.push(t.pidfd.as_fd());
        }
        sources
            .iter()
            .map(|fd| sys::dup_high(*fd, 100))
            .collect::<Result<_, _>>()
            .map_err(spawn_err("dup"))
    }
}

/// The `tasks` files of every v1 directory: the child joins those itself (see
/// `sys::spawn_init`); the cgroup2 directory (the one it can be cloned into) is joined by
/// `CLONE_INTO_CGROUP`, or by the harness.
fn v1_tasks_files(cgroup: &dyn Cgroup) -> Result<Vec<CString>, StartError> {
    let cgroup2 = cgroup.clone_into_dir().map(Path::to_path_buf);
    cgroup
        .dirs()
        .into_iter()
        .filter(|d| Some(d) != cgroup2.as_ref())
        .map(|d| CString::new(d.join("tasks").as_os_str().as_bytes()))
        .collect::<Result<_, _>>()
        .map_err(|_| {
            spawn_err(&crate::t!("sandbox-step-cgroup-path"))(std::io::Error::other(crate::t!(
                "sandbox-nul-byte"
            )))
        })
}

/// Clones the init into new namespaces (or, for a target, into none: it joins the
/// target's), straight into the cgroup2 directory where the kernel can. It blocks on its
/// pipe before it can run anything.
pub(super) fn clone_init(
    plan: &RunPlan,
    cgroup: &dyn Cgroup,
    io: SandboxIo,
    user_namespace: bool,
) -> Result<HeldInit, StartError> {
    let files = InitFiles::open(cgroup, plan.runs_builtin())?;
    let high = files.child_fds(&io)?;
    let high_fds: Vec<_> = high.iter().map(|f| f.as_fd()).collect();
    let argv = [CString::from(c"limitlab"), CString::from(c"__init")];
    let env = init_env();
    let join = v1_tasks_files(cgroup)?;
    // Joining a target's namespaces, the init makes none of its own.
    let mut flags = if io.target.is_some() {
        CloneFlags::empty()
    } else {
        clone_flags(plan)
    };
    flags.set(CloneFlags::CLONE_NEWUSER, user_namespace);
    let (init, cloned_into_cgroup) = sys::spawn_init(&sys::InitSpawn {
        flags,
        cgroup: files.into_dir.as_ref().map(|d| d.as_fd()),
        exe: files.exe.as_fd(),
        argv: &argv,
        env: &env,
        fds: &high_fds,
        exe_at: proto::FD_EXE,
        join: &join,
        here: Some(super::init::main_in_clone),
    })
    .map_err(spawn_err("clone"))?;
    drop((high, files.sync_r, files.status_w, files.devnull, io));
    Ok(HeldInit {
        init,
        cloned_into_cgroup,
        sync: files.sync_w,
        status: files.status_r,
    })
}

/// The init's whole environment: the run's language ([`crate::i18n::LANG_ENV`]), so that
/// what the init and the workloads it starts say (they read it first, and the init hands
/// it on) follows `--lang` and not only the locale.
fn init_env() -> Vec<CString> {
    let lang = format!(
        "{}={}",
        crate::i18n::LANG_ENV,
        crate::i18n::current().code()
    );
    vec![CString::new(lang).expect("no NUL byte")]
}

/// The held init becomes root of its user namespace: the harness's ids, mapped.
pub(super) fn map_ids(init: Pid) -> Result<(), StartError> {
    rootless::write_maps(
        &init.to_string(),
        (0, nix::unistd::geteuid().as_raw()),
        (0, nix::unistd::getegid().as_raw()),
    )
    .map_err(|e| spawn_err(&crate::t!("sandbox-step-map-ids"))(e))
}

/// What the init is told to set up and run. Joining a target (`join`), it makes no
/// namespaces of its own.
pub(super) fn init_config(
    plan: &RunPlan,
    join: Option<JoinSpec>,
    user_namespace: bool,
    uid: u32,
) -> Result<InitConfig, StartError> {
    Ok(InitConfig {
        view: view::config_for(plan).map_err(StartError::Spawn)?,
        namespaces: if join.is_some() {
            Vec::new()
        } else {
            plan.sandbox.namespaces.clone()
        },
        join,
        user_namespace,
        hostname: plan.sandbox.hostname.clone(),
        uid,
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
    })
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

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, with};

    #[test]
    fn a_start_error_is_said_in_the_run_language() {
        let err = |lang| {
            with(lang, || {
                super::spawn_err(&crate::t!("sandbox-step-tell-supervisor"))(std::io::Error::other(
                    "EPIPE",
                ))
                .to_string()
            })
        };
        assert_eq!(
            err(Lang::En),
            "cannot start the sandbox init: tell the supervisor: EPIPE"
        );
        assert_eq!(
            err(Lang::Es),
            "no se puede arrancar el init del sandbox: avisar al supervisor: EPIPE"
        );
    }

    #[test]
    fn the_init_is_handed_the_run_language() {
        assert_eq!(with(Lang::Es, super::init_env), [c"LIMITLAB_LANG=es"]);
        assert_eq!(with(Lang::En, super::init_env), [c"LIMITLAB_LANG=en"]);
    }
}
