//! The built-in hostile workload: it tries, one by one, to leave or loosen its cgroups and to
//! see or touch the host, and reports each attempt's outcome (a line in workload.log and the
//! `workload.escapes` / `workload.escape_attempts` counters). Its exit code is the number of
//! attempts that got through, so a scenario can gate on `workload.exit_code = "== 0"`.
//!
//! This file holds the list of attempts and the runner; the attempts themselves live by
//! what they go after: `cgroup`, `process`, `filesystem` and `network`.
//!
//! Each line says what the attempt tried and what happened in the run's language (the
//! harness hands it down in `LIMITLAB_LANG`; the messages are `escape-…` in
//! i18n/*/catalogue.ftl). The English lines read as they always did: the tests look for
//! `attempt NAME (`, `): blocked: ` and `ESCAPED`. What the kernel said (an errno's text) and
//! the paths, names and lists it saw are quoted as they are.

mod cgroup;
mod filesystem;
mod network;
mod process;

use std::io::{self, Write};

use super::WorkloadIo;
use super::catalogue::{KindDef, OptionDef, START_AFTER};
use super::counters::{Counter, Counters};
use crate::i18n::{self, Count, Lang};
use crate::sys::SingleThreaded;
use crate::t;

/// The catalogue's entry.
pub const KIND: KindDef = KindDef {
    name: "escape",
    help: "a hostile workload: tries to leave or loosen its cgroups and to see or touch the host, and reports each attempt (workload.escapes, workload.escape_attempts, exit code = escapes)",
    options: &[
        OptionDef {
            name: "tries",
            help: "which attempts, e.g. [\"cgroup-move\", \"network\"]; `limitlab list` names them all",
            default: Some("all of them"),
        },
        START_AFTER,
    ],
};

/// `limitlab __workload escape`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// An attempt to make (repeatable; default: all)
    #[arg(long = "try", value_name = "ATTEMPT")]
    pub tries: Vec<String>,
    #[command(flatten)]
    pub io: WorkloadIo,
}

/// The `__workload` options that make these attempts (the inverse of [`Args`]).
pub(super) fn options(tries: &[String]) -> Vec<(&'static str, String)> {
    tries.iter().map(|t| ("try", t.clone())).collect()
}

/// `escape (every attempt)`, `escape (network, setuid)`.
pub(super) fn describe(tries: &[String]) -> String {
    if tries.is_empty() {
        crate::t!("child-escape-every")
    } else {
        format!("escape ({})", tries.join(", "))
    }
}

/// Every attempt, in the order they run, with what it tries (in English, as docs and the
/// tests read it; [`attempt_text`] says it in the current language).
pub const ATTEMPTS: &[(&str, &str)] = &[
    (
        "cgroup-move",
        "write its own pid into every cgroup.procs it can see (ancestors included)",
    ),
    (
        "cgroup-limit",
        "write \"max\" into every pids, memory and cpu limit file it can see",
    ),
    (
        "cgroupfs-remount",
        "remount cgroupfs read-write, or mount a fresh cgroup2",
    ),
    (
        "cgroup-namespace",
        "unshare a new cgroup namespace, with and without a user namespace",
    ),
    (
        "kill-host",
        "signal any process outside the sandbox (every pid up to pid_max)",
    ),
    ("host-proc", "see host processes in /proc"),
    (
        "network",
        "reach any address outside lo (public, private and link-local)",
    ),
    ("mount-root", "mount over /"),
    (
        "ptrace",
        "ptrace the sandbox init and pids outside the sandbox",
    ),
    ("rlimit-raise", "raise its own hard RLIMIT_NOFILE"),
    (
        "setuid",
        "become root: setuid(0), and exec a setuid-root binary",
    ),
    (
        "write-host",
        "create a file outside the private mounts (/, /etc, /usr, /var, /home, every other mount)",
    ),
    (
        "block-device",
        "open a host block device (each disk and partition the kernel lists)",
    ),
    (
        "proc-kcore",
        "read /proc/kcore and the other /proc and /sys paths runc masks",
    ),
    (
        "host-interfaces",
        "list network interfaces besides lo via /sys/class/net, /proc/net/dev and netlink",
    ),
    (
        "mknod",
        "create a device node (a disk's and /dev/null's numbers) in every writable mount",
    ),
    ("mount", "mount a tmpfs, a procfs, and a bind of / in /tmp"),
    (
        "remount-root",
        "remount / read-write (mount and mount_setattr), then write there",
    ),
    (
        "proc-sys-write",
        "write /proc/sys (each value written back unchanged)",
    ),
    (
        "abstract-unix",
        "connect to the host's abstract unix sockets (well-known names and the tests' probe)",
    ),
];

/// What the attempt `name` tries, in the current language (`escape-attempt-NAME`).
pub fn attempt_text(name: &str) -> String {
    i18n::tr(&format!("escape-attempt-{name}"), &[])
}

/// A number of things an attempt tried, for its line: plain digits in English (as the lines
/// always read), grouped in Spanish (`4.194.302`), with its plural in both.
fn number(n: usize) -> Count {
    let n = i18n::count(n);
    if i18n::current() == Lang::En {
        n.ungrouped()
    } else {
        n
    }
}

/// An abstract unix socket name the tests listen on, on the host, for `abstract-unix` to
/// try.
pub const PROBE_SOCKET: &str = "limitlab-escape-probe";

/// What one attempt came to, and how.
enum Outcome {
    Blocked(String),
    Escaped(String),
}

use Outcome::{Blocked, Escaped};

/// Runs the attempts named in `tries` (all when empty); returns the number that got through.
pub fn run(
    tries: &[String],
    counters: Option<Counters>,
    slot: usize,
    proof: &SingleThreaded,
) -> u8 {
    let mut escapes = 0u64;
    let out = io::stdout();
    for (name, _) in ATTEMPTS {
        if !tries.is_empty() && !tries.iter().any(|t| t == name) {
            continue;
        }
        let outcome = attempt(name, proof);
        if let Some(c) = &counters {
            c.add(slot, Counter::EscapeAttempts, 1);
        }
        if let Escaped(_) = &outcome {
            escapes += 1;
            if let Some(c) = &counters {
                c.add(slot, Counter::Escapes, 1);
            }
        }
        let _ = writeln!(out.lock(), "{}", line(name, &outcome));
    }
    escapes.min(255) as u8
}

/// The line of one attempt in workload.log.
fn line(name: &str, outcome: &Outcome) -> String {
    let what = attempt_text(name);
    match outcome {
        Blocked(how) => t!("escape-line-blocked", name = name, what = what, how = how),
        Escaped(how) => t!("escape-line-escaped", name = name, what = what, how = how),
    }
}

/// Makes the attempt called `name`.
fn attempt(name: &str, proof: &SingleThreaded) -> Outcome {
    match name {
        "cgroup-move" => cgroup::move_self(),
        "cgroup-limit" => cgroup::raise_limits(),
        "cgroupfs-remount" => cgroup::remount_cgroupfs(),
        "cgroup-namespace" => cgroup::unshare_namespace(proof),
        "kill-host" => process::kill_host(),
        "host-proc" => process::host_proc(),
        "network" => network::reach_outside(),
        "mount-root" => filesystem::mount_root(),
        "ptrace" => process::ptrace(),
        "rlimit-raise" => process::rlimit_raise(),
        "setuid" => process::setuid(proof),
        "write-host" => filesystem::write_host(),
        "block-device" => filesystem::block_device(),
        "proc-kcore" => filesystem::proc_kcore(),
        "host-interfaces" => network::host_interfaces(),
        "mknod" => filesystem::mknod(),
        "mount" => filesystem::mount_any(),
        "remount-root" => filesystem::remount_root(),
        "proc-sys-write" => filesystem::proc_sys_write(),
        "abstract-unix" => network::abstract_unix(),
        other => Blocked(t!("escape-unknown-attempt", name = other)),
    }
}

/// Counts errors by their text, for a "blocked" line.
fn tally(errors: &[String]) -> String {
    let mut count = std::collections::BTreeMap::<&str, usize>::new();
    for e in errors {
        *count.entry(e.as_str()).or_default() += 1;
    }
    count
        .iter()
        .map(|(e, n)| format!("{n}× {e}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::with;

    #[test]
    fn every_attempt_says_what_it_tries_in_both_languages() {
        for (name, what) in ATTEMPTS {
            let id = format!("escape-attempt-{name}");
            let en = i18n::message(Lang::En, &id, &[]);
            assert_eq!(en.as_deref(), Some(*what), "{id} is not ATTEMPTS' English");
            let es = i18n::message(Lang::Es, &id, &[]).unwrap_or_else(|| panic!("{id}"));
            assert_ne!(es, *what, "{id} is not translated");
        }
    }

    #[test]
    fn an_attempt_line_reads_in_the_language_of_the_run() {
        let blocked = Blocked("mount over /: EPERM: Operation not permitted".into());
        let escaped = Escaped("setuid(0) succeeded".into());
        with(Lang::En, || {
            assert_eq!(
                line("mount-root", &blocked),
                "attempt mount-root (mount over /): blocked: mount over /: EPERM: Operation not permitted"
            );
            assert_eq!(
                line("setuid", &escaped),
                "attempt setuid (become root: setuid(0), and exec a setuid-root binary): ESCAPED: setuid(0) succeeded"
            );
        });
        with(Lang::Es, || {
            assert_eq!(
                line("mount-root", &blocked),
                "intento mount-root (montar algo sobre /): bloqueado: mount over /: EPERM: Operation not permitted"
            );
            assert!(line("setuid", &escaped).starts_with("intento setuid (volverse root: "));
            assert!(line("setuid", &escaped).contains("): ESCAPÓ: "));
        });
    }

    #[test]
    fn counts_are_plain_in_english_and_grouped_with_plurals_in_spanish() {
        let refused = |n| t!("escape-files-refused", n = number(n), errors = "…");
        with(Lang::En, || {
            assert_eq!(refused(1), "1 files refused: …");
            assert_eq!(refused(1500), "1500 files refused: …");
        });
        with(Lang::Es, || {
            assert_eq!(refused(1), "1 archivo lo rechazó: …");
            assert_eq!(refused(1500), "1.500 archivos lo rechazaron: …");
            assert_eq!(
                t!("escape-no-pid-exists", n = number(4_194_302)),
                "ninguno de los 4.194.302 pids fuera del sandbox existe en su espacio de nombres pid (ESRCH)"
            );
        });
    }
}
