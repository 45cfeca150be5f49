//! Runs without root: the sandbox gets a user namespace, and its cgroups go beneath a cgroup
//! subtree delegated to the user (systemd's `Delegate=yes` on cgroup v2, or on v1 a cgroup an
//! administrator made and chowned). This module says whether that is possible here, piece by
//! piece, with what to do about each missing one; and it writes the id maps.
//!
//! Two user namespaces make it work. The harness clones the init into the first, which maps
//! only the harness's own uid and gid, to root: the init keeps its capabilities across exec
//! and can mount `/proc`, name the host and bring up `lo` in the namespaces it owns. Just
//! before it drops its privileges it makes a second one inside, where it is the scenario's
//! unprivileged uid (65534 by default); that is what the workloads are.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use nix::sched::CloneFlags;
use nix::unistd::{AccessFlags, access};

use super::cgroup::{Layout, Mode};
use crate::plan::LimitsPlan;
use crate::sys;

/// Runs happen without root (the effective uid is not 0).
pub fn active() -> bool {
    !nix::unistd::geteuid().is_root()
}

/// One piece a rootless run needs, and whether this host has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub what: String,
    pub ok: bool,
    pub detail: String,
}

fn piece(what: impl Into<String>, ok: bool, detail: impl Into<String>) -> Piece {
    Piece {
        what: what.into(),
        ok,
        detail: detail.into(),
    }
}

/// Every piece a rootless run of plans with these limits needs, present or not.
pub fn check(layout: &Layout, limits: &[&LimitsPlan]) -> Vec<Piece> {
    let mut out = vec![user_namespaces()];
    out.extend(delegation(layout, limits));
    out
}

/// Why a rootless run cannot happen here, every missing piece in one message; `None` when
/// nothing is missing.
pub fn problems(layout: &Layout, limits: &[&LimitsPlan]) -> Option<String> {
    let missing: Vec<String> = check(layout, limits)
        .into_iter()
        .filter(|p| !p.ok)
        .map(|p| format!("{}: {}", p.what, p.detail))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "not root, and a run without root is not possible here:\n  - {}\n(`limitlab doctor` shows every check; or run limitlab as root)",
            missing.join("\n  - ")
        )
    })
}

/// The namespaces a sandbox is made with, user namespace included.
fn sandbox_namespaces() -> CloneFlags {
    CloneFlags::CLONE_NEWUSER
        | CloneFlags::CLONE_NEWPID
        | CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWNET
        | CloneFlags::CLONE_NEWUTS
        | CloneFlags::CLONE_NEWIPC
        | CloneFlags::CLONE_NEWCGROUP
}

fn user_namespaces() -> Piece {
    match sys::spawn_tiny_child_in_namespaces(sandbox_namespaces()) {
        Ok(()) => piece(
            "user namespaces",
            true,
            "this user can make a user namespace with the sandbox's others",
        ),
        Err(e) => piece(
            "user namespaces",
            false,
            explain_user_namespace_error(&e, |name| {
                std::fs::read_to_string(Path::new("/proc/sys").join(name))
                    .ok()
                    .map(|v| v.trim().to_string())
            }),
        ),
    }
}

/// What to check when making a user namespace failed; `sysctl` reads `/proc/sys/<name>`.
pub fn explain_user_namespace_error(
    err: &io::Error,
    sysctl: impl Fn(&str) -> Option<String>,
) -> String {
    let mut why = Vec::new();
    if sysctl("kernel/unprivileged_userns_clone").as_deref() == Some("0") {
        why.push(
            "kernel.unprivileged_userns_clone = 0 turns them off for users (`sysctl -w kernel.unprivileged_userns_clone=1`)".to_string(),
        );
    }
    match sysctl("user/max_user_namespaces") {
        Some(n) if n == "0" => why.push(
            "user.max_user_namespaces = 0 turns them off (`sysctl -w user.max_user_namespaces=15000`)"
                .to_string(),
        ),
        Some(n) if err.raw_os_error() == Some(libc::ENOSPC) => why.push(format!(
            "user.max_user_namespaces = {n} are in use already"
        )),
        _ => {}
    }
    if sysctl("kernel/apparmor_restrict_unprivileged_userns").as_deref() == Some("1") {
        why.push(
            "kernel.apparmor_restrict_unprivileged_userns = 1: AppArmor allows them only to programs whose profile says `userns,` (give limitlab one, or set it to 0)".to_string(),
        );
    }
    if why.is_empty() {
        why.push(
            "check the sysctls kernel.unprivileged_userns_clone (Debian), user.max_user_namespaces and kernel.apparmor_restrict_unprivileged_userns (Ubuntu), and any seccomp filter this shell runs under".to_string(),
        );
    }
    format!(
        "this user cannot make a user namespace ({err}): {}",
        why.join("; ")
    )
}

/// A cgroup directory the sandboxes are made beneath, and which controllers it carries.
struct Place {
    controllers: Vec<&'static str>,
    dir: PathBuf,
}

/// The directories a run writes beneath: one per v1 hierarchy it uses, and the cgroup2 tree.
fn places(layout: &Layout, limits: &[&LimitsPlan]) -> Vec<Place> {
    let mut out: Vec<Place> = Vec::new();
    if layout.mode != Mode::V2 {
        let mut wanted = vec!["pids", "memory", "cpu", "cpuacct"];
        if limits.iter().any(|l| l.cpuset.is_some()) {
            wanted.push("cpuset");
        }
        if layout.mode == Mode::V1 {
            wanted.push("freezer");
        }
        for c in wanted {
            let Some(h) = layout.v1.get(c) else { continue };
            // Co-mounted controllers (cpu,cpuacct) may be reached by more than one path.
            let dir = h.own_dir().canonicalize().unwrap_or_else(|_| h.own_dir());
            match out.iter_mut().find(|p| p.dir == dir) {
                Some(p) => p.controllers.push(c),
                None => out.push(Place {
                    controllers: vec![c],
                    dir,
                }),
            }
        }
    }
    if let Some(h) = &layout.unified {
        out.push(Place {
            controllers: Vec::new(),
            dir: h.own_dir(),
        });
    }
    out
}

/// Whether this user may make cgroups beneath `dir` and move processes into them.
fn writable(dir: &Path, files: &[&str]) -> Result<(), String> {
    let owner = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| format!("owned by uid {}", m.uid()))
            .unwrap_or_else(|e| e.to_string())
    };
    if access(dir, AccessFlags::W_OK | AccessFlags::X_OK).is_err() {
        return Err(format!("{} is not yours ({})", dir.display(), owner(dir)));
    }
    for f in files {
        let p = dir.join(f);
        if p.exists() && access(&p, AccessFlags::W_OK).is_err() {
            return Err(format!("{} is not yours ({})", p.display(), owner(&p)));
        }
    }
    Ok(())
}

fn delegation(layout: &Layout, limits: &[&LimitsPlan]) -> Vec<Piece> {
    let places = places(layout, limits);
    let v1_files = ["cgroup.procs", "tasks"];
    let v2_files = ["cgroup.procs", "cgroup.subtree_control"];
    let results: Vec<(&Place, Result<(), String>)> = places
        .iter()
        .map(|p| {
            let files: &[&str] = if p.controllers.is_empty() {
                &v2_files
            } else {
                &v1_files
            };
            (p, writable(&p.dir, files))
        })
        .collect();
    let unified_name = if layout.mode == Mode::V2 {
        "cgroup2 tree"
    } else {
        "cgroup2 tree (unified)"
    };
    let how = match layout.mode {
        Mode::V2 => {
            "where systemd runs, limitlab asks the user manager for a delegated scope by itself (is the user manager running? `loginctl enable-linger` or a login session starts it); elsewhere run limitlab in a delegated cgroup of its own, e.g. `systemd-run --user --scope -p Delegate=yes limitlab run ...`"
        }
        _ => {
            "cgroup v1 has no delegation of its own: an administrator makes a cgroup for you in each hierarchy listed, chowns it and its cgroup.procs and tasks (cgroup.procs and cgroup.subtree_control on cgroup2) to you, and moves your shell into it (README: Running without root)"
        }
    };
    if results.iter().all(|(_, r)| r.is_err()) {
        let dirs: Vec<String> = results
            .iter()
            .map(|(_, r)| r.clone().unwrap_err())
            .collect();
        return vec![piece(
            "cgroup delegation",
            false,
            format!(
                "no cgroup here is delegated to you: {}; {how}",
                dirs.join(", ")
            ),
        )];
    }
    let mut out = Vec::new();
    for (place, result) in &results {
        let what = if place.controllers.is_empty() {
            unified_name.to_string()
        } else {
            format!("{} delegated", place.controllers.join(","))
        };
        out.push(match result {
            Ok(()) => piece(
                what,
                true,
                format!("sandboxes go beneath {}", place.dir.display()),
            ),
            Err(e) => piece(what, false, format!("{e}; {how}")),
        });
    }
    if layout.mode == Mode::V2
        && let Some(place) = places.first()
        && results.first().is_some_and(|(_, r)| r.is_ok())
    {
        out.extend(v2_controllers(&place.dir, limits));
    }
    out
}

/// The drop-in that makes systemd's user manager delegate every controller limitlab uses.
pub const DELEGATE_DROPIN: &str = "/etc/systemd/system/user@.service.d/delegate.conf";

/// On cgroup v2 a delegated cgroup offers its sandboxes only the controllers its parent
/// enabled for it.
fn v2_controllers(dir: &Path, limits: &[&LimitsPlan]) -> Vec<Piece> {
    let available = std::fs::read_to_string(dir.join("cgroup.controllers")).unwrap_or_default();
    let mut wanted = vec![(
        "pids",
        "every run needs it (limits.pids, and the safety ceiling: a fork bomb cannot be capped without it)",
    )];
    if limits.iter().any(|l| l.memory.is_some()) {
        wanted.push(("memory", "the scenario key limits.memory needs it"));
    } else if limits.iter().any(|l| l.memory_max().is_some()) {
        wanted.push((
            "memory",
            "the memory ceiling (--memory-ceiling, half the host's memory by default) needs it",
        ));
    }
    if limits.iter().any(|l| l.cpu.is_some()) {
        wanted.push(("cpu", "the scenario key limits.cpu needs it"));
    }
    if limits.iter().any(|l| l.cpuset.is_some()) {
        wanted.push(("cpuset", "the scenario key limits.cpuset needs it"));
    }
    wanted
        .into_iter()
        .map(|(c, why)| {
            if available.split_whitespace().any(|a| a == c) {
                piece(format!("{c} controller"), true, "delegated")
            } else {
                piece(
                    format!("{c} controller"),
                    false,
                    format!(
                        "not delegated to {} (its cgroup.controllers: {:?}), and {why}; systemd's user manager delegates to users only the controllers user@.service names (pids and memory everywhere, cpu since systemd 252): as root, create {DELEGATE_DROPIN} with the two lines `[Service]` and `Delegate=pids memory cpu cpuset io`, run `systemctl daemon-reload`, and log in again",
                        dir.display(),
                        available.trim()
                    ),
                )
            }
        })
        .collect()
}

/// Maps one uid and one gid of the parent user namespace into the user namespace of `pid`
/// (`"self"` for this process's own): `inner` ids inside are `outer` ids outside. Without
/// privilege over the parent, only one's own ids can be mapped, and only with `setgroups`
/// denied first.
pub fn write_maps(pid: &str, uid: (u32, u32), gid: (u32, u32)) -> io::Result<()> {
    let proc = Path::new("/proc").join(pid);
    let write = |file: &str, text: String| {
        std::fs::write(proc.join(file), &text).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("write {:?} to /proc/{pid}/{file}: {e}", text.trim_end()),
            )
        })
    };
    write("setgroups", "deny".into())?;
    write("uid_map", format!("{} {} 1\n", uid.0, uid.1))?;
    write("gid_map", format!("{} {} 1\n", gid.0, gid.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_userns_switch_is_named_with_its_fix() {
        let err = io::Error::from_raw_os_error(libc::EPERM);
        let off = |name: &str| match name {
            "kernel/unprivileged_userns_clone" => Some("0".to_string()),
            "user/max_user_namespaces" => Some("0".to_string()),
            "kernel/apparmor_restrict_unprivileged_userns" => Some("1".to_string()),
            _ => None,
        };
        let text = explain_user_namespace_error(&err, off);
        assert!(
            text.contains("kernel.unprivileged_userns_clone = 0"),
            "{text}"
        );
        assert!(text.contains("user.max_user_namespaces = 0"), "{text}");
        assert!(
            text.contains("apparmor_restrict_unprivileged_userns = 1"),
            "{text}"
        );

        let full = io::Error::from_raw_os_error(libc::ENOSPC);
        let text = explain_user_namespace_error(&full, |n| {
            (n == "user/max_user_namespaces").then(|| "10".to_string())
        });
        assert!(text.contains("= 10 are in use"), "{text}");

        let text = explain_user_namespace_error(&err, |_| None);
        assert!(text.contains("check the sysctls"), "{text}");
    }
}
