//! `limitlab workload KIND`: a built-in workload run by hand. Before it runs, the check that
//! something caps it (a bomb or a hog that nothing caps is refused).

use crate::sandbox::cgroup::Layout;
use crate::t;
use crate::units;
use crate::workloads::{self, Builtin};

/// Runs a built-in workload in this process. Started by hand (not by the sandbox's init,
/// which hands it its counters), it must still be capped.
pub fn run(builtin: Builtin) -> anyhow::Result<u8> {
    if builtin.io().counters_fd.is_none() {
        standalone_guard(&builtin)?;
    }
    workloads::main(builtin)
}

/// A built-in run by hand (not by the sandbox init) must still be capped.
fn standalone_guard(builtin: &Builtin) -> anyhow::Result<()> {
    let refuse = |what: String, how: String| {
        crate::coded(
            crate::Exit::BadInput,
            t!("workload-refuse", what = what, how = how),
        )
    };
    match builtin {
        Builtin::Forkbomb { .. } | Builtin::Threadbomb { .. } => {
            let cap = pids_cap().ok_or_else(|| {
                refuse(t!("workload-refuse-bomb"), t!("workload-refuse-bomb-why"))
            })?;
            eprintln!("{}", t!("workload-capped-by", cap = cap));
        }
        Builtin::Memhog { .. } => {
            let cap = memory_cap().ok_or_else(|| {
                refuse(
                    t!("workload-refuse-memhog"),
                    t!("workload-refuse-memhog-why"),
                )
            })?;
            eprintln!("{}", t!("workload-capped-by", cap = cap));
        }
        Builtin::Cpuspin { .. } | Builtin::Escape { .. } => {}
    }
    Ok(())
}

/// What caps the number of tasks this process may create, if anything: a `pids.max` on its
/// cgroup or an ancestor, or `RLIMIT_NPROC` for a non-root user.
pub fn pids_cap() -> Option<String> {
    use nix::sys::resource::{RLIM_INFINITY, Resource, getrlimit};
    if let Ok((soft, _)) = getrlimit(Resource::RLIMIT_NPROC)
        && soft != RLIM_INFINITY
        && !nix::unistd::geteuid().is_root()
    {
        return Some(format!("RLIMIT_NPROC = {soft}"));
    }
    let (dir, max) = Layout::detect().ok()?.pids_cap()?;
    Some(t!("workload-pids-cap", max = max, dir = dir.display()))
}

/// What caps the memory this process may use, if anything: a memory limit on its cgroup or
/// an ancestor, or `RLIMIT_AS`.
pub fn memory_cap() -> Option<String> {
    use nix::sys::resource::{RLIM_INFINITY, Resource, getrlimit};
    if let Ok((soft, _)) = getrlimit(Resource::RLIMIT_AS)
        && soft != RLIM_INFINITY
    {
        return Some(format!("RLIMIT_AS = {}", units::format_size(soft)));
    }
    let (dir, max) = Layout::detect().ok()?.memory_cap()?;
    Some(t!(
        "workload-memory-cap",
        size = units::format_size(max),
        dir = dir.display()
    ))
}
