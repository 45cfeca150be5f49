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
use crate::t;

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
            "{}\n  - {}\n{}",
            t!("rootless-cannot-head"),
            missing.join("\n  - "),
            t!("rootless-cannot-tail")
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
        Ok(()) => piece(t!("check-user-namespaces"), true, t!("rootless-userns-ok")),
        Err(e) => piece(
            t!("check-user-namespaces"),
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
        why.push(t!("rootless-userns-clone-off"));
    }
    match sysctl("user/max_user_namespaces") {
        Some(n) if n == "0" => why.push(t!("rootless-max-userns-off")),
        Some(n) if err.raw_os_error() == Some(libc::ENOSPC) => {
            why.push(t!("rootless-max-userns-used", max = n));
        }
        _ => {}
    }
    if sysctl("kernel/apparmor_restrict_unprivileged_userns").as_deref() == Some("1") {
        why.push(t!("rootless-apparmor"));
    }
    if why.is_empty() {
        why.push(t!("rootless-userns-what-to-check"));
    }
    t!("rootless-userns-failed", error = err, why = why.join("; "))
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
            .map(|m| t!("rootless-owned-by", uid = m.uid()))
            .unwrap_or_else(|e| e.to_string())
    };
    if access(dir, AccessFlags::W_OK | AccessFlags::X_OK).is_err() {
        return Err(t!(
            "rootless-not-yours",
            path = dir.display(),
            owner = owner(dir)
        ));
    }
    for f in files {
        let p = dir.join(f);
        if p.exists() && access(&p, AccessFlags::W_OK).is_err() {
            return Err(t!(
                "rootless-not-yours",
                path = p.display(),
                owner = owner(&p)
            ));
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
        t!("check-cgroup2-tree")
    } else {
        t!("check-cgroup2-tree-unified")
    };
    let how = match layout.mode {
        Mode::V2 => t!("rootless-how-v2"),
        _ => t!("rootless-how-v1"),
    };
    if results.iter().all(|(_, r)| r.is_err()) {
        let dirs: Vec<String> = results
            .iter()
            .map(|(_, r)| r.clone().unwrap_err())
            .collect();
        return vec![piece(
            t!("check-cgroup-delegation"),
            false,
            t!("rootless-none-delegated", dirs = dirs.join(", "), how = how),
        )];
    }
    let mut out = Vec::new();
    for (place, result) in &results {
        let what = if place.controllers.is_empty() {
            unified_name.clone()
        } else {
            t!("check-delegated", controllers = place.controllers.join(","))
        };
        out.push(match result {
            Ok(()) => piece(
                what,
                true,
                t!("rootless-sandboxes-beneath", dir = place.dir.display()),
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
    let key_needs = |key: &str| t!("rootless-key-needs", key = key);
    let mut wanted = vec![("pids", t!("rootless-pids-needed"))];
    if limits.iter().any(|l| l.memory.is_some()) {
        wanted.push(("memory", key_needs("limits.memory")));
    } else if limits.iter().any(|l| l.memory_max().is_some()) {
        wanted.push(("memory", t!("rootless-ceiling-needs")));
    }
    if limits.iter().any(|l| l.cpu.is_some()) {
        wanted.push(("cpu", key_needs("limits.cpu")));
    }
    if limits.iter().any(|l| l.cpuset.is_some()) {
        wanted.push(("cpuset", key_needs("limits.cpuset")));
    }
    wanted
        .into_iter()
        .map(|(c, why)| {
            let what = t!("check-controller", controller = c);
            if available.split_whitespace().any(|a| a == c) {
                piece(what, true, t!("rootless-delegated"))
            } else {
                piece(
                    what,
                    false,
                    t!(
                        "rootless-not-delegated",
                        dir = dir.display(),
                        available = format!("{:?}", available.trim()),
                        why = why,
                        dropin = DELEGATE_DROPIN
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
                t!(
                    "rootless-write-map",
                    text = format!("{:?}", text.trim_end()),
                    pid = pid,
                    file = file,
                    error = e
                ),
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

    #[test]
    fn why_userns_fails_is_said_in_spanish() {
        let es = |f: &dyn Fn() -> String| crate::i18n::with(crate::i18n::Lang::Es, f);
        let err = io::Error::from_raw_os_error(libc::ENOSPC);
        let sysctl = |n: &str| match n {
            "kernel/unprivileged_userns_clone" => Some("0".to_string()),
            "user/max_user_namespaces" => Some("10".to_string()),
            _ => None,
        };
        let english = format!(
            "this user cannot make a user namespace ({err}): kernel.unprivileged_userns_clone = 0 turns them off for users (`sysctl -w kernel.unprivileged_userns_clone=1`); user.max_user_namespaces = 10 are in use already"
        );
        assert_eq!(explain_user_namespace_error(&err, sysctl), english);
        assert_eq!(
            es(&|| explain_user_namespace_error(&err, sysctl)),
            format!(
                "este usuario no puede crear un espacio de nombres de usuario ({err}): kernel.unprivileged_userns_clone = 0 los desactiva para los usuarios (`sysctl -w kernel.unprivileged_userns_clone=1`); user.max_user_namespaces = 10: ya están todos en uso"
            )
        );
        let text = es(&|| explain_user_namespace_error(&err, |_| None));
        assert!(
            text.contains(": revisa los sysctl kernel.unprivileged_userns_clone"),
            "{text}"
        );
        let text = es(&|| {
            explain_user_namespace_error(&err, |n| {
                (n == "kernel/apparmor_restrict_unprivileged_userns").then(|| "1".to_string())
            })
        });
        assert!(
            text.contains("AppArmor los permite solo a los programas"),
            "{text}"
        );
    }

    #[test]
    fn delegation_is_said_in_either_language() {
        use crate::plan::{PidsLimit, PidsSource};
        use crate::sandbox::cgroup::Hierarchy;
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("cg")).unwrap();
        for (f, text) in [
            ("cgroup.controllers", "pids cpu\n"),
            ("cgroup.procs", ""),
            ("cgroup.subtree_control", ""),
        ] {
            std::fs::write(tmp.path().join("cg").join(f), text).unwrap();
        }
        let v2 = |mount: &Path| Layout {
            mode: Mode::V2,
            v1: Default::default(),
            unified: Some(Hierarchy {
                mount: mount.to_path_buf(),
                own: "/cg".into(),
            }),
        };
        let typical = LimitsPlan {
            pids: PidsLimit {
                max: 100,
                source: PidsSource::Scenario,
            },
            memory: None,
            memory_ceiling: Some(1 << 30),
            swap: None,
            cpu: None,
            cpuset: None,
        };
        let said = |layout: &Layout, lang| {
            crate::i18n::with(lang, || delegation(layout, &[&typical]))
                .into_iter()
                .map(|p| format!("{} {}: {}", p.ok, p.what, p.detail))
                .collect::<Vec<_>>()
        };
        let dir = tmp.path().join("cg");
        let dir = dir.display();
        let en = said(&v2(tmp.path()), crate::i18n::Lang::En);
        assert_eq!(
            en[0],
            format!("true cgroup2 tree: sandboxes go beneath {dir}")
        );
        assert_eq!(en[1], "true pids controller: delegated");
        assert!(en[2].starts_with(&format!("false memory controller: not delegated to {dir} (its cgroup.controllers: \"pids cpu\"), and the memory ceiling (--memory-ceiling, half the host's memory by default) needs it; systemd's user manager")), "{}", en[2]);
        let es = said(&v2(tmp.path()), crate::i18n::Lang::Es);
        assert_eq!(
            es[0],
            format!("true árbol cgroup2: los sandboxes van bajo {dir}")
        );
        assert_eq!(es[1], "true controlador pids: delegado");
        assert!(es[2].starts_with(&format!("false controlador memory: no delegado a {dir} (su cgroup.controllers: \"pids cpu\"), y el techo de memoria (--memory-ceiling, por omisión la mitad de la memoria de la máquina) lo necesita; el gestor de usuario de systemd")), "{}", es[2]);

        let nowhere = v2(&tmp.path().join("cg/gone"));
        let en = said(&nowhere, crate::i18n::Lang::En);
        assert!(en[0].starts_with(&format!("false cgroup delegation: no cgroup here is delegated to you: {dir}/gone/cg is not yours (")), "{}", en[0]);
        assert!(
            en[0].contains("; where systemd runs, limitlab asks the user manager"),
            "{}",
            en[0]
        );
        let es = said(&nowhere, crate::i18n::Lang::Es);
        assert!(es[0].starts_with(&format!("false delegación de cgroups: aquí no hay ningún cgroup delegado a ti: {dir}/gone/cg no es tuyo (")), "{}", es[0]);
        assert!(
            es[0]
                .contains("; donde corre systemd, limitlab le pide por sí mismo un scope delegado"),
            "{}",
            es[0]
        );
    }
}
