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

/// The words the init describes a view in (`ViewReport`'s `root`, `dev`, `proc` and `sys`),
/// as summary.json keeps them: in English, as data. The report says them in its own
/// language ([`words`]).
pub mod words {
    pub const ROOT_HOST_READ_ONLY: &str = "the host's root, read-only";
    pub const ROOT_TARGET: &str = "the target's own root";
    pub const ROOT_HOST: &str = "the host's root as it is (no mount namespace)";
    pub const DEV_MINIMAL: &str = "minimal, as bubblewrap's --dev (private devpts and shm)";
    /// The target's own `/dev` or `/sys`.
    pub const TARGET_OWN: &str = "the target's own";
    /// The host's `/dev`, `/proc` or `/sys`, as they are.
    pub const HOST: &str = "the host's";
    pub const PROC_FRESH: &str = "fresh, of the sandbox's pid namespace";
    pub const PROC_HOST_READ_ONLY: &str = "the host's, read-only (no pid namespace)";
    pub const PROC_NESTED: &str =
        "fresh, of the attack's own pid namespace (nested in the target's)";
    pub const PROC_TARGET: &str =
        "the target's (its pid namespace; another proc mount was refused)";
    pub const SYS_FRESH: &str = "fresh, read-only, of the sandbox's network namespace";
    pub const SYS_HOST_READ_ONLY: &str = "the host's, read-only (no network namespace)";

    /// Every one of them.
    pub const ALL: [&str; 12] = [
        ROOT_HOST_READ_ONLY,
        ROOT_TARGET,
        ROOT_HOST,
        DEV_MINIMAL,
        TARGET_OWN,
        HOST,
        PROC_FRESH,
        PROC_HOST_READ_ONLY,
        PROC_NESTED,
        PROC_TARGET,
        SYS_FRESH,
        SYS_HOST_READ_ONLY,
    ];
}

/// One of [`words`] in the current language; any other text (a record of another
/// version) as it is.
pub fn said(english: &str) -> String {
    use crate::t;
    match english {
        words::ROOT_HOST_READ_ONLY => t!("view-root-host-read-only"),
        words::ROOT_TARGET => t!("view-root-target"),
        words::ROOT_HOST => t!("view-root-host"),
        words::DEV_MINIMAL => t!("view-dev-minimal"),
        words::TARGET_OWN => t!("view-target-own"),
        words::HOST => t!("view-host"),
        words::PROC_FRESH => t!("view-proc-fresh"),
        words::PROC_HOST_READ_ONLY => t!("view-proc-host-read-only"),
        words::PROC_NESTED => t!("view-proc-nested"),
        words::PROC_TARGET => t!("view-proc-target"),
        words::SYS_FRESH => t!("view-sys-fresh"),
        words::SYS_HOST_READ_ONLY => t!("view-sys-host-read-only"),
        other => other.to_string(),
    }
}

/// Why a command workload's program is bound in, as summary.json keeps it.
fn program_bind_why(index: usize) -> String {
    format!("workload[{index}]'s program")
}

/// A bind's `why` in the current language: a program's bind is translated, a scenario's
/// (`[sandbox] bind`, its keys) stays as it is.
fn bind_why(why: &str) -> String {
    why.strip_prefix("workload[")
        .and_then(|rest| rest.strip_suffix("]'s program"))
        .filter(|i| i.parse::<usize>().is_ok())
        .map(|i| crate::t!("view-bind-program", index = i))
        .unwrap_or_else(|| why.to_string())
}

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
                    bind_why(&b.why)
                )
            })
            .collect();
        crate::t!(
            "view-sentence",
            root = said(&self.root),
            writable = list_or_none(&writable),
            binds = list_or_none(&binds),
            dev = said(&self.dev),
            devices = list_or_none(&self.devices),
            proc = said(&self.proc),
            sys = said(&self.sys),
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
    use crate::t;
    let tmpfs: Vec<String> = PRIVATE_TMPFS
        .iter()
        .map(|p| p.to_string())
        .chain(["/dev/shm".to_string()])
        .collect();
    let links: Vec<&str> = DEV_LINKS.iter().map(|(n, _)| *n).collect();
    vec![
        t!("view-describe-default", tmpfs = tmpfs.join(", ")),
        t!(
            "view-describe-dev",
            devices = DEVICES.join(", "),
            links = links.join(", ")
        ),
        t!(
            "view-describe-masked",
            masked = MASKED.join(", "),
            read_only = READ_ONLY.join(", ")
        ),
        t!("view-describe-command"),
        t!("view-describe-target"),
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
        missing.push(crate::t!("view-support-no-mount-setattr"));
    }
    for fs in ["tmpfs", "devpts", "sysfs", "proc"] {
        if !has_fs(fs) {
            missing.push(crate::t!("view-support-no-fs", fs = fs));
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
    let detail = crate::t!(
        "view-support",
        missing = if missing.is_empty() {
            String::new()
        } else {
            crate::t!("view-support-missing", missing = missing.join(", "))
        },
        tmpfs = tmpfs.join(", "),
        nodes = nodes.join(" "),
        masks = masks.join(", "),
        read_only = ro.join(", "),
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
pub fn describe_mount(mount: &str) -> String {
    match mount {
        "/dev" => crate::t!("view-mount-dev"),
        "/proc" | "/sys" => crate::t!("view-mount-proc-sys"),
        _ => crate::t!("view-mount-tmpfs"),
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
            return Err(crate::t!(
                "view-bind-source-missing",
                why = b.why,
                path = b.source.display()
            ));
        }
    }
    for d in &cfg.devices {
        use std::os::unix::fs::FileTypeExt;
        let kind = std::fs::metadata(d).map(|m| m.file_type());
        if !kind.is_ok_and(|t| t.is_char_device() || t.is_block_device()) {
            return Err(crate::t!("view-not-a-device", path = d.display()));
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
        let refuse = |why: String| {
            crate::t!(
                "view-program-hidden",
                index = i,
                program = program.display(),
                mount = mount,
                what = describe_mount(mount),
                why = why
            )
        };
        if matches!(mount, "/dev" | "/proc" | "/sys") {
            return Err(refuse(crate::t!("view-program-outside")));
        }
        if !program.is_file() {
            return Err(refuse(crate::t!("view-program-no-file")));
        }
        cfg.binds.push(Bind {
            source: program.clone(),
            target: program,
            writable: false,
            why: program_bind_why(i),
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

    /// A default view as the init reports it, with a program bound in.
    fn default_view() -> ViewReport {
        ViewReport {
            root: words::ROOT_HOST_READ_ONLY.into(),
            root_read_only: true,
            writable: vec![WritableMount {
                path: "/tmp".into(),
                kind: "tmpfs".into(),
                size_cap: None,
            }],
            binds: vec![Bind {
                source: "/tmp/x/prog".into(),
                target: "/tmp/x/prog".into(),
                writable: false,
                why: program_bind_why(0),
            }],
            dev: words::DEV_MINIMAL.into(),
            devices: vec!["null".into()],
            proc: words::PROC_FRESH.into(),
            sys: words::SYS_FRESH.into(),
            masked: vec!["/proc/kcore".into()],
            read_only: vec!["/proc/sys".into()],
        }
    }

    #[test]
    fn the_sentence_is_in_the_report_language_and_english_is_unchanged() {
        use crate::i18n::{Lang, with};
        let r = default_view();
        assert_eq!(
            with(Lang::En, || r.sentence()),
            "The sandbox saw the host's root, read-only; writable: private tmpfs at /tmp (no cap of their own: the memory limit holds them); bound from the host: /tmp/x/prog ro (workload[0]'s program); /dev: minimal, as bubblewrap's --dev (private devpts and shm) (null); /proc: fresh, of the sandbox's pid namespace; /sys: fresh, read-only, of the sandbox's network namespace; masked: /proc/kcore; read-only: /proc/sys."
        );
        assert_eq!(
            with(Lang::Es, || r.sentence()),
            "El sandbox vio la raíz de la máquina, de solo lectura; con escritura: tmpfs privados en /tmp (sin tope propio: los contiene el límite de memoria); montado desde la máquina: /tmp/x/prog ro (el programa de workload[0]); /dev: mínimo, como el --dev de bubblewrap (devpts y shm privados) (null); /proc: nuevo, del espacio de nombres pid del sandbox; /sys: nuevo, de solo lectura, del espacio de nombres de red del sandbox; enmascarado: /proc/kcore; de solo lectura: /proc/sys."
        );
        // summary.json keeps the view's words as data, in English, whatever the language.
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["root"], "the host's root, read-only");
        assert_eq!(json["binds"][0]["why"], "workload[0]'s program");
    }

    #[test]
    fn every_word_of_a_view_has_its_spanish() {
        use crate::i18n::{Lang, with};
        for w in words::ALL {
            assert_eq!(with(Lang::En, || said(w)), w);
            let es = with(Lang::Es, || said(w));
            assert!(es != w && !es.is_empty(), "{w}: {es}");
        }
        // A text of another version passes through; a scenario's own bind keeps its key.
        assert_eq!(with(Lang::Es, || said("something else")), "something else");
        assert_eq!(
            with(Lang::Es, || bind_why("[sandbox] bind")),
            "[sandbox] bind"
        );
        assert_eq!(
            with(Lang::Es, || bind_why("workload[x]'s program")),
            "workload[x]'s program"
        );
    }

    #[test]
    fn what_the_view_is_said_in_both_languages() {
        use crate::i18n::{Lang, with};
        assert_eq!(with(Lang::Es, || describe_mount("/dev")), "un /dev mínimo");
        assert_eq!(
            with(Lang::Es, || describe_mount("/proc")),
            "un procfs o sysfs propio"
        );
        let en = with(Lang::En, describe);
        assert!(
            en[0].starts_with(
                "By default (with the mount namespace) the sandbox's view is as tight as `bwrap"
            ),
            "{}",
            en[0]
        );
        assert!(en[0].contains("private tmpfs mounts at /tmp, /var/tmp, /run, /dev/shm (those"));
        assert!(en[1].contains(
            "A minimal /dev: null, zero, full, random, urandom, tty bound from the host"
        ));
        let es = with(Lang::Es, describe);
        assert_eq!(es.len(), en.len());
        assert!(
            es[0].starts_with("Por defecto (con el espacio de nombres mount)"),
            "{}",
            es[0]
        );
        assert!(es[0].contains("tmpfs privados en /tmp, /var/tmp, /run, /dev/shm (los que"));
        assert!(es[2].contains("/proc/kcore"), "{}", es[2]);
        let (_, en) = with(Lang::En, || host_support((6, 1)));
        assert!(
            en.contains("host root read-only; private tmpfs at "),
            "{en}"
        );
        let (_, es) = with(Lang::Es, || host_support((5, 4)));
        assert!(
            es.starts_with("falta: mount_setattr (Linux 5.12) para la raíz de solo lectura; raíz de la máquina de solo lectura; tmpfs privados en "),
            "{es}"
        );
    }
}
