//! The sandbox's view of the host's filesystems, as tight as bubblewrap's by default: the
//! host root read-only, private tmpfs mounts where programs write, a minimal `/dev`, a
//! fresh sysfs of the sandbox's own network namespace, and runc's masked and read-only
//! paths. The init builds it ([`super::init`]); this module holds what it is made of and
//! what the init reports back, as plain data.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::data::Namespace;

use crate::data::{MASKED, READ_ONLY};
use crate::plan::{Bind, RunPlan, ViewConfig};
use crate::workloads::{WorkloadSpec, command};

/// Private tmpfs mounts over the host's directories of the same name, charged to the
/// sandbox's memory cgroup and gone with its mount namespace. `/dev/shm` is one too, made
/// inside the minimal `/dev`.
pub const PRIVATE_TMPFS: &[&str] = &["/tmp", "/var/tmp", "/run"];

/// The device nodes of the minimal `/dev`, bound from the host's (as `bwrap --dev`).
pub const DEVICES: &[&str] = &["null", "zero", "full", "random", "urandom", "tty"];

/// Links of the minimal `/dev`: name and where it points.
pub const DEV_LINKS: &[(&str, &str)] = &[
    ("ptmx", "pts/ptmx"),
    ("fd", "/proc/self/fd"),
    ("stdin", "/proc/self/fd/0"),
    ("stdout", "/proc/self/fd/1"),
    ("stderr", "/proc/self/fd/2"),
];

/// A writable mount of the view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WritableMount {
    pub path: PathBuf,
    /// `tmpfs` or `bind`.
    pub kind: String,
    /// Its own size cap, when it has one; a tmpfs without one is still held by the
    /// sandbox's memory limit.
    pub size_cap: Option<u64>,
}

/// What the workload could see and touch, as the init set it up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewReport {
    /// What `/` is, in words.
    pub root: String,
    pub root_read_only: bool,
    pub writable: Vec<WritableMount>,
    /// Host paths bound in (read-only or writable).
    pub binds: Vec<Bind>,
    /// What `/dev` is, in words.
    pub dev: String,
    /// The device nodes present in `/dev`.
    pub devices: Vec<String>,
    /// What `/proc` and `/sys` are, in words.
    pub proc: String,
    pub sys: String,
    pub masked: Vec<String>,
    pub read_only: Vec<String>,
}

impl ViewReport {
    /// One sentence for the report.
    pub fn sentence(&self) -> String {
        // Private tmpfs mounts without a cap of their own are named once, together: the
        // reason is the same for each.
        let uncapped: Vec<String> = self
            .writable
            .iter()
            .filter(|w| w.size_cap.is_none() && w.kind == "tmpfs")
            .map(|w| w.path.display().to_string())
            .collect();
        let mut writable: Vec<String> = Vec::new();
        if !uncapped.is_empty() {
            writable.push(crate::t!(
                "view-uncapped-tmpfs",
                paths = uncapped.join(", ")
            ));
        }
        writable.extend(
            self.writable
                .iter()
                .filter(|w| w.size_cap.is_some() || w.kind != "tmpfs")
                .map(|w| match w.size_cap {
                    Some(c) => crate::t!(
                        "view-capped",
                        path = w.path.display(),
                        kind = w.kind,
                        cap = crate::units::format_size(c)
                    ),
                    None => format!("{} ({})", w.path.display(), w.kind),
                }),
        );
        let binds: Vec<String> = self
            .binds
            .iter()
            .map(|b| {
                format!(
                    "{} {} ({})",
                    b.target.display(),
                    if b.writable { "rw" } else { "ro" },
                    b.why
                )
            })
            .collect();
        crate::t!(
            "view-sentence",
            root = self.root,
            writable = list_or_none(&writable),
            binds = list_or_none(&binds),
            dev = self.dev,
            devices = list_or_none(&self.devices),
            proc = self.proc,
            sys = self.sys,
            masked = list_or_none(&self.masked),
            read_only = list_or_none(&self.read_only),
        )
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        crate::t!("view-none")
    } else {
        items.join(", ")
    }
}

/// What the workload sees, in paragraphs (for `limitlab list` and docs/scenario.md).
pub fn describe() -> Vec<String> {
    let tmpfs: Vec<String> = PRIVATE_TMPFS
        .iter()
        .map(|p| p.to_string())
        .chain(["/dev/shm".to_string()])
        .collect();
    vec![
        format!(
            "By default (with the mount namespace) the sandbox's view is as tight as `bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp`: the host's root and every mount beneath it read-only; private tmpfs mounts at {} (those that exist on the host), writable, charged to the sandbox's memory cgroup (a tmpfs hog meets the memory limit) and gone with the run.",
            tmpfs.join(", ")
        ),
        format!(
            "A minimal /dev: {} bound from the host, a private devpts (pts/ptmx, with the ptmx link), shm, and the links {}. A fresh /proc of the sandbox's pid namespace, and a fresh read-only sysfs of its network namespace (only lo), with the cgroupfs bound back beneath it read-only.",
            DEVICES.join(", "),
            DEV_LINKS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        ),
        format!(
            "Masked (runc's maskedPaths: /dev/null over a file, an empty read-only tmpfs over a directory): {}. Read-only (runc's readonlyPaths): {}.",
            MASKED.join(", "),
            READ_ONLY.join(", ")
        ),
        "A command workload whose program lies under a path the view hides (a test binary in a checkout under /tmp) is bound read-only at its own path; one that cannot be (missing, or under /dev, /proc or /sys) is refused before anything starts (exit 2). `[sandbox] writable`, `bind` and `devices` add to the view; nothing else does. Without the mount namespace the workload sees the host's filesystems as they are; without the network namespace /sys stays the host's (read-only); without the pid namespace /proc does.".into(),
        "A `[target]` run that joins a container (pid, lxc, docker, podman, lxd, incus) runs in a pid namespace of its own nested inside the target's (limitlab's init is its PID 1 and reaps everything the attack starts, so nothing is left to the target's own init), and sees the target's own root, /dev, /proc and /sys, as the target's processes do, in a copy of its mount namespace where runc's masked and read-only paths are applied wherever the target has not already covered them, and its cgroupfs (where it is a mount of its own) is read-only; nothing changes for the target itself. A `cgroup` target gets the default view. summary.json's `view` and the report say what the run's view was.".into(),
    ]
}

/// Which parts of the view this host can give, for `doctor`: whether all of it can (`false`
/// means a run here fails at setup), and what, in one line.
pub fn host_support(kernel: (u32, u32)) -> (bool, String) {
    let filesystems = std::fs::read_to_string("/proc/filesystems").unwrap_or_default();
    let has_fs = |fs: &str| {
        filesystems
            .lines()
            .any(|l| l.split_whitespace().last() == Some(fs))
    };
    let mut missing = Vec::new();
    if kernel < (5, 12) {
        missing.push("mount_setattr (Linux 5.12) for the read-only root".to_string());
    }
    for fs in ["tmpfs", "devpts", "sysfs", "proc"] {
        if !has_fs(fs) {
            missing.push(format!("{fs} in /proc/filesystems"));
        }
    }
    let exists = |p: &&str| Path::new(p).exists();
    let tmpfs: Vec<&str> = PRIVATE_TMPFS.iter().copied().filter(exists).collect();
    let nodes: Vec<&str> = DEVICES
        .iter()
        .copied()
        .filter(|d| Path::new("/dev").join(d).exists())
        .collect();
    let masks: Vec<&str> = MASKED.iter().copied().filter(exists).collect();
    let ro: Vec<&str> = READ_ONLY.iter().copied().filter(exists).collect();
    let detail = format!(
        "{}host root read-only; private tmpfs at {} and /dev/shm; /dev: {} and a private devpts; a fresh sysfs per network namespace; masks here: {}; read-only here: {} (the other runc paths do not exist on this host)",
        if missing.is_empty() {
            String::new()
        } else {
            format!("missing {}; ", missing.join(", "))
        },
        tmpfs.join(", "),
        nodes.join(" "),
        masks.join(", "),
        ro.join(", "),
    );
    (missing.is_empty(), detail)
}

/// The mount of the default view that hides `path` of the host, if one does (a path under
/// a private tmpfs, the minimal `/dev`, or the fresh `/proc` and `/sys`).
pub fn hidden_by(path: &Path) -> Option<&'static str> {
    PRIVATE_TMPFS
        .iter()
        .chain(&["/dev", "/proc", "/sys"])
        .find(|m| path.starts_with(m))
        .copied()
}

/// What a mount that hides a path is, in words.
pub fn describe_mount(mount: &str) -> &'static str {
    match mount {
        "/dev" => "a minimal /dev",
        "/proc" | "/sys" => "a procfs or sysfs of its own",
        _ => "a private tmpfs",
    }
}

/// What the init adds to the default view for `plan`: the scenario's own binds and devices,
/// and each command workload's program where a mount of the view hides it (bound read-only
/// at its own path, so a test binary under a checkout in /tmp still runs). `Err` names the
/// program and the mount when it cannot be bound.
pub fn config_for(plan: &RunPlan) -> Result<ViewConfig, String> {
    let mut cfg = plan.sandbox.view.clone();
    for b in &cfg.binds {
        if !b.source.exists() {
            return Err(format!(
                "{}: {} does not exist on the host",
                b.why,
                b.source.display()
            ));
        }
    }
    for d in &cfg.devices {
        use std::os::unix::fs::FileTypeExt;
        let kind = std::fs::metadata(d).map(|m| m.file_type());
        if !kind.is_ok_and(|t| t.is_char_device() || t.is_block_device()) {
            return Err(format!(
                "[sandbox] devices: {} is not a device node on this host",
                d.display()
            ));
        }
    }
    let joins = plan.target.as_ref().is_some_and(|t| t.joins_namespaces());
    if joins || !plan.has(Namespace::Mount) {
        return Ok(cfg);
    }
    for (i, w) in plan.workloads.iter().enumerate() {
        let WorkloadSpec::Command { argv } = &w.spec else {
            continue;
        };
        let Ok(program) = command::resolve(&argv[0]) else {
            continue;
        };
        let Some(mount) = hidden_by(&program) else {
            continue;
        };
        if cfg.binds.iter().any(|b| program.starts_with(&b.target)) {
            continue;
        }
        let whose = format!("workload[{i}]'s program");
        let refuse = |why: &str| {
            format!(
                "workload[{i}]: {} is under {mount}, which is {} in the sandbox: {why}",
                program.display(),
                describe_mount(mount)
            )
        };
        if matches!(mount, "/dev" | "/proc" | "/sys") {
            return Err(refuse("name the program by a path outside it"));
        }
        if !program.is_file() {
            return Err(refuse(
                "there is no such file on the host to bind there (give a path that exists)",
            ));
        }
        cfg.binds.push(Bind {
            source: program.clone(),
            target: program,
            writable: false,
            why: whose,
        });
    }
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_mounts_hide_what_is_under_them() {
        assert_eq!(hidden_by(Path::new("/tmp/x/target/bin")), Some("/tmp"));
        assert_eq!(hidden_by(Path::new("/var/tmp/a")), Some("/var/tmp"));
        assert_eq!(hidden_by(Path::new("/dev/shm/p")), Some("/dev"));
        assert_eq!(hidden_by(Path::new("/tmpfoo/x")), None);
        assert_eq!(hidden_by(Path::new("/usr/bin/sh")), None);
        assert_eq!(describe_mount("/tmp"), "a private tmpfs");
    }

    #[test]
    fn the_sentence_names_every_part() {
        let r = ViewReport {
            root: "the host's root, read-only".into(),
            root_read_only: true,
            writable: vec![WritableMount {
                path: "/tmp".into(),
                kind: "tmpfs".into(),
                size_cap: Some(1 << 20),
            }],
            binds: vec![],
            dev: "minimal".into(),
            devices: vec!["null".into()],
            proc: "fresh".into(),
            sys: "fresh".into(),
            masked: vec!["/proc/kcore".into()],
            read_only: vec![],
        };
        let s = r.sentence();
        assert!(s.contains("/tmp (tmpfs, at most 1.0 MiB)"), "{s}");
        let mut open = r.clone();
        open.writable = ["/tmp", "/run"]
            .iter()
            .map(|p| WritableMount {
                path: p.into(),
                kind: "tmpfs".into(),
                size_cap: None,
            })
            .collect();
        let s = open.sentence();
        assert!(
            s.contains("writable: private tmpfs at /tmp, /run (no cap of their own: the memory limit holds them);"),
            "{s}"
        );
        assert!(s.contains("bound from the host: none"), "{s}");
        assert!(s.contains("masked: /proc/kcore"), "{s}");
    }
}
