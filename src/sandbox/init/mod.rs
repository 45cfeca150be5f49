//! The sandbox init (`limitlab __init`): pid 1 of the sandbox's pid namespace.
//!
//! It runs only after the harness put it into every cgroup. In order, each step saying why:
//! own session, cgroup namespace, the view ([`mounts`]: private mounts, read-only host
//! root, fresh `/proc`, private tmpfs, minimal `/dev`, fresh sysfs, read-only cgroupfs, host
//! paths bound in, runc's masked and read-only paths; a target run gets the target's own,
//! in a pid namespace of its own, [`nest`]), `lo`, hostname, rlimits, then it drops to the
//! unprivileged ids with no capabilities and `no_new_privs`, reports ready with the view it
//! built, waits for the go, starts the workloads ([`workloads`]), and reaps every process
//! until none is left. This file holds those steps in order; the syscall filter it installs
//! last is [`seccomp`]'s.

mod mounts;
mod nest;
mod seccomp;
mod workloads;

use std::fs::File;
use std::io::{self, Read};

use nix::errno::Errno;
use nix::sched::CloneFlags;
use nix::sys::resource::{Resource, setrlimit};
use nix::sys::signal::Signal;
use nix::unistd::{Gid, Uid};

use super::proto::{self, FD_COUNTERS, FD_EXE, FD_STATUS, FD_SYNC, GO, InitConfig, InitMsg};
use super::view::{ViewReport, words};
use crate::data::Namespace;
use crate::sys;

/// The descriptors the harness placed at fixed numbers for the init (see [`proto`]).
struct Inherited {
    /// The harness's instructions: the config, then the go byte.
    sync: File,
    /// The init's messages to the harness.
    status: File,
    counters: Option<std::os::fd::OwnedFd>,
    exe: Option<std::os::fd::OwnedFd>,
}

impl Inherited {
    /// `None` when the init was not started by a run (no sync or status descriptor).
    fn take() -> Option<Inherited> {
        let (Some(sync), Some(status)) =
            (sys::take_inherited(FD_SYNC), sys::take_inherited(FD_STATUS))
        else {
            return None;
        };
        Some(Inherited {
            counters: sys::take_inherited(FD_COUNTERS),
            exe: sys::take_inherited(FD_EXE),
            sync: File::from(sync),
            status: File::from(status),
        })
    }
}

/// Runs the init (`limitlab __init`, exec'd by the clone); returns its exit code.
pub fn main() -> i32 {
    run("init running")
}

/// Runs the init in the clone itself, where the harness had one thread and the clone did
/// not exec (`sys::InitSpawn::here`); returns its exit code.
pub fn main_in_clone() -> i32 {
    run("init running in its clone")
}

fn run(running: &'static str) -> i32 {
    let Some(Inherited {
        mut sync,
        mut status,
        counters,
        exe,
    }) = Inherited::take()
    else {
        eprintln!("{}", crate::t!("child-init-by-hand"));
        return 2;
    };
    span(running);
    let cfg = match proto::read_config(&mut sync) {
        Ok(c) => c,
        Err(e) => return fail(&mut status, "read config", e.to_string()),
    };
    span("read config");
    // The init never starts a thread; the proof is taken now, while /proc is still the
    // host's (inside a joined container /proc/self would not be this process).
    let Some(proof) = sys::SingleThreaded::check() else {
        return fail(&mut status, "start", crate::t!("child-init-threads"));
    };
    if let Some(join) = cfg.join
        && let Some(code) = nest::join_target(join, &proof, &mut status)
    {
        return code;
    }
    // While still privileged (setup drops privileges).
    let nice = favour_init();
    let view = match setup(&cfg) {
        Ok(v) => v,
        Err((step, e)) => return fail(&mut status, step, e),
    };
    report_ready(&mut status, view);
    if !released(&mut sync) {
        return 3;
    }
    let launcher = workloads::Launcher {
        counters: counters.as_ref(),
        exe: exe.as_ref(),
        proof: &proof,
        nice,
    };
    if let Err(code) = workloads::run(&cfg.workloads, &launcher, &mut status) {
        return code;
    }
    // fd 3 (the sync pipe) stays open for the init's whole life, so no descriptor made while
    // starting workloads takes it: that is where a built-in workload's counter page goes.
    drop(sync);
    let _ = proto::send(
        &mut status,
        &InitMsg::Idle {
            mono_ns: proto::mono_ns(),
        },
    );
    0
}

/// Puts the init ahead of its own workloads in the cgroup they share: nice -20. A saturated
/// bomb of 1,000 tasks at nice 0 otherwise leaves the init a thousandth of the sandbox's CPU,
/// too little to see a workload's exec and say it started before the run ends (seen in the
/// coursework sweep). CPU weights are per cgroup, so this gives the init nothing against the
/// host. Returns the nice value each workload gets back before its exec (the init's own
/// before this); `None` where the kernel refuses (no CAP_SYS_NICE: rootless), and nothing
/// changed.
fn favour_init() -> Option<i32> {
    let old = sys::nice().ok()?;
    sys::set_nice(-20).ok()?;
    span("favour the init");
    Some(old)
}

/// Tells the harness that setup is done: the view built, and when each step ended.
fn report_ready(status: &mut File, view: ViewReport) {
    let spans = SPANS.with_borrow_mut(std::mem::take);
    let _ = proto::send(
        status,
        &InitMsg::Ready {
            mono_ns: proto::mono_ns(),
            view: Some(Box::new(view)),
            spans: spans.into_iter().map(|(n, t)| (n.to_string(), t)).collect(),
        },
    );
}

/// Waits for the harness's go byte; `false` when the pipe ended (or brought another byte).
fn released(sync: &mut File) -> bool {
    let mut go = [0u8; 1];
    sync.read_exact(&mut go).is_ok() && go[0] == GO
}

/// Tells the harness which setup step failed (named in the run's language), and why;
/// returns the init's exit code.
fn fail(status: &mut File, step: &str, error: String) -> i32 {
    let _ = proto::send(
        status,
        &InitMsg::SetupFailed {
            step: step_words(step),
            error,
        },
    );
    1
}

/// A setup step as a failure and `exec --time` name it, in the run's language: the name
/// its span has, or the system call it is named by, which stays as it is.
pub fn step_words(step: &str) -> String {
    use crate::t;
    match step {
        "init running" => t!("init-step-running"),
        "init running in its clone" => t!("init-step-running-in-clone"),
        "favour the init" => t!("init-step-favour"),
        "read config" => t!("init-step-read-config"),
        "start" => t!("init-step-start"),
        "join the target" => t!("init-step-join-target"),
        "join the target's namespaces" => t!("init-step-join-target-namespaces"),
        "pid namespace of the attack" => t!("init-step-attack-pid-namespace"),
        "cgroup namespace" => t!("init-step-cgroup-namespace"),
        "bring up lo" => t!("init-step-bring-up-lo"),
        "user namespace for the workloads" => t!("init-step-user-namespace"),
        "syscall filter" => t!("init-step-syscall-filter"),
        "drop capability bounding set" => t!("init-step-drop-bounding-set"),
        "clear capabilities" => t!("init-step-clear-capabilities"),
        "parent-death signal" => t!("init-step-parent-death-signal"),
        "make mounts private" => t!("init-step-make-mounts-private"),
        "read-only root" => t!("init-step-read-only-root"),
        "mount /proc" => t!("init-step-mount-proc"),
        "minimal /dev" => t!("init-step-minimal-dev"),
        "read-only cgroupfs" => t!("init-step-read-only-cgroupfs"),
        "bind a host path" => t!("init-step-bind-host-path"),
        "masked and read-only paths" => t!("init-step-masked-paths"),
        "open the host's /dev" => t!("init-step-open-host-dev"),
        "open a bind source" => t!("init-step-open-bind-source"),
        "mount a private tmpfs" => t!("init-step-private-tmpfs"),
        "mount a fresh sysfs" => t!("init-step-fresh-sysfs"),
        "bind the cgroupfs into the fresh sysfs" => t!("init-step-bind-cgroupfs"),
        "own copy of the target's mount namespace" => t!("init-step-target-mount-namespace"),
        syscall => syscall.to_string(),
    }
}

/// A failed setup step: its name and the error.
type Step = (&'static str, String);

/// Names a setup step's result and marks when the step ended.
fn step<T, E: std::fmt::Display>(name: &'static str, r: Result<T, E>) -> Result<T, Step> {
    let r = r.map_err(|e| (name, e.to_string()));
    span(name);
    r
}

thread_local! {
    /// When each setup step ended (the init is single-threaded), sent with `Ready`.
    static SPANS: std::cell::RefCell<Vec<(&'static str, u64)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Marks that the step `name` ended now.
fn span(name: &'static str) {
    SPANS.with_borrow_mut(|s| s.push((name, proto::mono_ns())));
}

/// Every step between the config and `Ready`, in order; returns the view it built.
fn setup(cfg: &InitConfig) -> Result<ViewReport, Step> {
    let has = |ns| cfg.namespaces.contains(&ns);
    // Own session: a bomb here is not in the harness's session or autogroup.
    step("setsid", nix::unistd::setsid())?;
    // Orphans come to us even without a pid namespace, so nothing becomes the host's zombie.
    step("subreaper", nix::sys::prctl::set_child_subreaper(true))?;
    // The cgroup namespace is rooted at the cgroups we were just put into.
    if has(Namespace::Cgroup) {
        step(
            "cgroup namespace",
            nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWCGROUP),
        )?;
    }
    let view = view(cfg)?;
    if has(Namespace::Net) {
        // A new network namespace has only `lo`, and it starts down.
        step("bring up lo", sys::loopback_up())?;
    }
    if has(Namespace::Uts) {
        step("sethostname", nix::unistd::sethostname(&cfg.hostname))?;
    }
    set_rlimits(cfg)?;
    if cfg.user_namespace {
        step(
            "user namespace for the workloads",
            unprivileged_user_namespace(cfg.uid, cfg.gid),
        )?;
    }
    drop_privileges(cfg.uid, cfg.gid, !cfg.user_namespace)?;
    if cfg.seccomp {
        // Last: from here on nothing in the sandbox makes a namespace, mounts, or uses keyrings.
        step("syscall filter", seccomp::install())?;
    }
    step("chdir /", nix::unistd::chdir("/"))?;
    Ok(view)
}

/// The workload's view of the filesystems: tight in a mount namespace of our own, the
/// target's own one (masked) when joining a target, the host's as it is otherwise.
fn view(cfg: &InitConfig) -> Result<ViewReport, Step> {
    let has = |ns| cfg.namespaces.contains(&ns);
    if has(Namespace::Mount) {
        return mounts::build_view(cfg, has(Namespace::Pid), has(Namespace::Net));
    }
    if cfg.join.is_some() {
        return mounts::target_view();
    }
    Ok(ViewReport {
        root: words::ROOT_HOST.into(),
        dev: words::HOST.into(),
        proc: words::HOST.into(),
        sys: words::HOST.into(),
        ..ViewReport::default()
    })
}

/// Limits are set while still privileged, so a hard limit may be raised as well as lowered.
fn set_rlimits(cfg: &InitConfig) -> Result<(), Step> {
    let rl = &cfg.rlimits;
    for (res, v) in [
        (Resource::RLIMIT_NPROC, rl.nproc),
        (Resource::RLIMIT_NOFILE, rl.nofile),
        (Resource::RLIMIT_AS, rl.address_space),
    ] {
        if let Some(v) = v {
            match setrlimit(res, v, v) {
                // Root of a user namespace has no say over limits set outside it.
                Err(Errno::EPERM) if cfg.user_namespace => {
                    let hard = nix::sys::resource::getrlimit(res)
                        .map(|(_, h)| h)
                        .unwrap_or(0);
                    return Err((
                        "setrlimit",
                        crate::t!(
                            "child-rlimit-above-hard",
                            resource = format!("{res:?}"),
                            value = v,
                            hard = hard
                        ),
                    ));
                }
                r => step("setrlimit", r)?,
            }
        }
    }
    Ok(())
}

/// Rootless: a user namespace inside the first, where this process is `uid`/`gid` (mapped to
/// its root there); the workloads it starts are that unprivileged id.
fn unprivileged_user_namespace(uid: u32, gid: u32) -> io::Result<()> {
    nix::sched::unshare(CloneFlags::CLONE_NEWUSER)?;
    super::rootless::write_maps("self", (uid, 0), (gid, 0))
}

/// `groups`: clear the supplementary groups (a user namespace made without root has them
/// fixed: `setgroups` is denied there).
fn drop_privileges(uid: u32, gid: u32, groups: bool) -> Result<(), Step> {
    // The bounding set needs CAP_SETPCAP to shrink, so it goes first.
    step("drop capability bounding set", sys::drop_bounding_set())?;
    if groups {
        step("setgroups", nix::unistd::setgroups(&[]))?;
    }
    let (u, g) = (Uid::from_raw(uid), Gid::from_raw(gid));
    step("setresgid", nix::unistd::setresgid(g, g, g))?;
    step("setresuid", nix::unistd::setresuid(u, u, u))?;
    // setuid to non-root already cleared them; this also covers uid 0.
    step("clear capabilities", sys::clear_capabilities())?;
    // No setuid binary or file capability can give anything back.
    step("no_new_privs", nix::sys::prctl::set_no_new_privs())?;
    // The workload (same uid) cannot ptrace or read the init.
    step("dumpable", nix::sys::prctl::set_dumpable(false))?;
    // Changing the effective ids cleared the parent-death signal set at clone (the kernel
    // does so on every credential change), so it is set again. A harness that died before
    // this line is noticed at the go byte: its end of the sync pipe is closed.
    step(
        "parent-death signal",
        nix::sys::prctl::set_pdeathsig(Signal::SIGKILL),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, with};

    #[test]
    fn a_failed_step_is_named_in_the_run_language() {
        assert_eq!(
            with(Lang::En, || super::step_words("read-only root")),
            "read-only root"
        );
        assert_eq!(
            with(Lang::Es, || super::step_words("read-only root")),
            "raíz de solo lectura"
        );
        assert_eq!(
            with(Lang::Es, || super::step_words("mount a fresh sysfs")),
            "montar un sysfs nuevo"
        );
        // A step named by its system call keeps that name.
        assert_eq!(
            with(Lang::Es, || super::step_words("setresuid")),
            "setresuid"
        );
    }

    #[test]
    fn the_init_takes_its_language_from_the_harness() {
        // `limitlab __init` sets its language as every command does, from `--lang` or the
        // environment, where LIMITLAB_LANG (what the harness hands it) comes first.
        let env = |k: &str| match k {
            crate::i18n::LANG_ENV => Some("es".to_string()),
            "LANG" => Some("en_US.UTF-8".to_string()),
            _ => None,
        };
        assert_eq!(Lang::from_vars(env), Lang::Es);
    }
}
