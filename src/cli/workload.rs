//! `limitlab workload KIND`: a built-in workload run by hand. Before it runs, the check that
//! something caps it (a bomb or a hog that nothing caps is refused).

use crate::sandbox::cgroup::Layout;
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
    let refuse = |what: &str, how: &str| {
        crate::coded(
            crate::Exit::BadInput,
            format!(
                "refusing to start {what} that nothing caps: {how}. Run it through `limitlab run`, or under a cap such as `systemd-run --scope -p TasksMax=100 -p MemoryMax=256M ...`"
            ),
        )
    };
    match builtin {
        Builtin::Forkbomb { .. } | Builtin::Threadbomb { .. } => {
            let cap = pids_cap().ok_or_else(|| {
                refuse("a bomb", "no pids cgroup limit applies to this process and RLIMIT_NPROC is unlimited (or you are root)")
            })?;
            eprintln!("limitlab: capped by {cap}");
        }
        Builtin::Memhog { .. } => {
            let cap = memory_cap().ok_or_else(|| {
                refuse(
                    "a memory hog",
                    "no memory cgroup limit applies to this process and RLIMIT_AS is unlimited",
                )
            })?;
            eprintln!("limitlab: capped by {cap}");
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
    Some(format!("pids.max = {max} in {}", dir.display()))
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
    Some(format!(
        "a memory limit of {} in {}",
        units::format_size(max),
        dir.display()
    ))
}
