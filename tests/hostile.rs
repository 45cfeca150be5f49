//! Hostile workloads: every shipped scenario under scenarios/hostile/ holds, every escape
//! attempt is reported and blocked, and teardown wins the race against a churning bomb on
//! every teardown path.

mod common;

use common::*;

fn hostile() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("scenarios/hostile"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_hostile_scenario_holds() {
    let Some(_lock) = exclusive("every_hostile_scenario_holds") else {
        return;
    };
    let files = hostile();
    assert!(files.len() >= 4);
    for file in files {
        let ran = run_file(&file);
        ran.expect_exit(0);
        assert_eq!(ran.summary()["verdict"], "held", "{}", file.display());
        let log = ran.read("workload.log");
        assert!(!log.contains("ESCAPED"), "{}: {log}", file.display());
        assert_nothing_left();
    }
}

#[test]
fn every_escape_attempt_is_reported_and_blocked() {
    let Some(_lock) = exclusive("every_escape_attempt_is_reported_and_blocked") else {
        return;
    };
    let ran = run_text(
        "escape",
        "duration = \"30s\"\n[limits]\npids = 20\n[[workload]]\nkind = \"escape\"\n",
    );
    ran.expect_exit(0);
    let log = ran.read("workload.log");
    for (name, _) in limitlab::workloads::escape::ATTEMPTS {
        let line = log
            .lines()
            .find(|l| l.starts_with(&format!("attempt {name} ")))
            .unwrap_or_else(|| panic!("no report of {name} in {log}"));
        assert!(line.contains("): blocked: "), "{line}");
    }
    assert_eq!(ran.metric("workload.escapes"), Some(0.0));
    assert_eq!(
        ran.metric("workload.escape_attempts"),
        Some(limitlab::workloads::escape::ATTEMPTS.len() as f64)
    );
    assert_nothing_left();
}

#[test]
fn a_spanish_escape_run_says_each_attempt_in_spanish() {
    let Some(_lock) = exclusive("a_spanish_escape_run_says_each_attempt_in_spanish") else {
        return;
    };
    // `--lang es`, with no language from the environment: the harness hands it to the
    // workload (LIMITLAB_LANG), whose lines say what each attempt tried and what happened.
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "escape-es",
        "duration = \"20s\"\n[limits]\npids = 20\n[[workload]]\nkind = \"escape\"\ntries = [\"cgroup-limit\", \"host-proc\", \"mount-root\", \"rlimit-raise\"]\n",
    );
    let out = tmp.path().join("out");
    let output = limitlab()
        .env_remove("LIMITLAB_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .args(["--lang", "es", "run", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .expect("limitlab runs");
    let ran = Ran { tmp, out, output };
    ran.expect_exit(0);
    let log = ran.read("workload.log");
    let line = |name: &str| {
        let what = limitlab::i18n::with(limitlab::i18n::Lang::Es, || {
            limitlab::workloads::escape::attempt_text(name)
        });
        let start = format!("intento {name} ({what}): bloqueado: ");
        log.lines()
            .find(|l| l.starts_with(&start))
            .unwrap_or_else(|| panic!("no {start:?} in {log}"))
            .to_string()
    };
    let limits = line("cgroup-limit");
    assert!(
        limits.ends_with("no se ve ningún archivo así") || limits.contains(" lo rechaz"),
        "{limits}"
    );
    assert!(
        line("host-proc").ends_with(", y el pid 1 es el init del sandbox"),
        "{log}"
    );
    assert!(
        line("mount-root").contains("(montar algo sobre /): bloqueado: montaje sobre /: "),
        "{log}"
    );
    assert!(
        line("rlimit-raise").contains("bloqueado: RLIMIT_NOFILE duro "),
        "{log}"
    );
    for english in ["attempt ", "blocked", "ESCAPED", "refused", "/proc shows"] {
        assert!(!log.contains(english), "{english:?} in {log}");
    }
    assert_eq!(ran.metric("workload.escapes"), Some(0.0));
    assert_eq!(ran.metric("workload.escape_attempts"), Some(4.0));
    assert_nothing_left();
}

#[test]
fn without_the_syscall_filter_a_user_namespace_is_possible_and_reported() {
    let Some(_lock) =
        exclusive("without_the_syscall_filter_a_user_namespace_is_possible_and_reported")
    else {
        return;
    };
    if std::fs::read_to_string("/proc/sys/user/max_user_namespaces").is_ok_and(|v| v.trim() == "0")
    {
        eprintln!(
            "SKIPPED without_the_syscall_filter...: user namespaces are disabled on this host"
        );
        return;
    }
    // The report is honest both ways: with the filter off, unsharing a user + cgroup
    // namespace works here, and the workload says so (and fails its run).
    let ran = run_text(
        "nofilter",
        "duration = \"10s\"\n[sandbox]\nseccomp = false\n[limits]\npids = 20\n[[workload]]\nkind = \"escape\"\ntries = [\"cgroup-namespace\"]\n[expect]\n\"workload.escapes\" = \"== 0\"\n",
    );
    ran.expect_exit(1);
    assert!(
        ran.read("workload.log")
            .contains("ESCAPED: unshared a user and a cgroup namespace")
    );
    assert_nothing_left();
}

#[test]
fn teardown_wins_against_a_churning_bomb_on_pure_v1_too() {
    if !privileged("teardown_wins_against_a_churning_bomb_on_pure_v1_too") {
        return;
    }
    let layout = limitlab::sandbox::cgroup::Layout::detect().unwrap();
    if layout.mode != limitlab::sandbox::cgroup::Mode::Hybrid {
        eprintln!(
            "SKIPPED teardown_wins_against_a_churning_bomb_on_pure_v1_too: needs a hybrid host to pose as pure v1"
        );
        return;
    }
    let _lock = serial();
    let text =
        std::fs::read_to_string(root().join("scenarios/hostile/teardown-race.toml")).unwrap();
    let ran = run_text_with(
        "race",
        &text,
        &[(limitlab::sandbox::cgroup::FORCE_V1_ENV, "1")],
    );
    ran.expect_exit(0);
    assert_eq!(
        ran.summary()["teardown"]["method"],
        "freeze + SIGKILL each + thaw"
    );
    assert_nothing_left();
}

#[test]
fn the_view_attempts_are_blocked_even_with_a_host_socket_listening() {
    let Some(_lock) = exclusive("the_view_attempts_are_blocked_even_with_a_host_socket_listening")
    else {
        return;
    };
    // A host abstract socket the workload knows the name of: the host itself can reach it.
    let listener = host_probe_socket();
    let ran = run_file(&root().join("scenarios/hostile/escape-view.toml"));
    ran.expect_exit(0);
    let log = ran.read("workload.log");
    let line = log
        .lines()
        .find(|l| l.starts_with("attempt abstract-unix "))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("): blocked: "), "{line}");
    assert_eq!(ran.metric("workload.escapes"), Some(0.0));
    assert_eq!(ran.metric("workload.escape_attempts"), Some(9.0));
    drop(listener);
    assert_nothing_left();
}

#[test]
fn the_view_attempts_see_a_sandbox_without_its_own_view() {
    let Some(_lock) = exclusive("the_view_attempts_see_a_sandbox_without_its_own_view") else {
        return;
    };
    // The attempts can fail: without mount and net namespaces the host's abstract sockets,
    // interfaces and /proc are there to be seen, and each attempt says so.
    let listener = host_probe_socket();
    let ran = run_text(
        "loose",
        "duration = \"20s\"\n[sandbox]\nnamespaces = [\"pid\", \"cgroup\"]\n[limits]\npids = 20\n[[workload]]\nkind = \"escape\"\ntries = [\"abstract-unix\", \"host-interfaces\", \"proc-kcore\"]\n",
    );
    ran.expect_exit(0);
    let log = ran.read("workload.log");
    assert!(
        log.contains(&format!(
            "ESCAPED: connected to the abstract socket @{}",
            limitlab::workloads::escape::PROBE_SOCKET
        )),
        "{log}"
    );
    let others_escaped = ["host-interfaces", "proc-kcore"]
        .iter()
        .filter(|a| {
            log.lines()
                .any(|l| l.starts_with(&format!("attempt {a} ")) && l.contains("ESCAPED"))
        })
        .count();
    // The host has interfaces besides lo, and a /proc/timer_list anyone may read.
    let host_has_more = std::fs::read_dir("/sys/class/net")
        .unwrap()
        .flatten()
        .any(|e| e.file_name() != "lo");
    if host_has_more {
        assert!(others_escaped >= 1, "{log}");
    }
    assert!(ran.metric("workload.escapes").unwrap() >= 1.0);
    drop(listener);
    assert_nothing_left();
}

/// Listens on the escape workload's probe name in the host's network namespace; connecting
/// from the host works.
fn host_probe_socket() -> std::os::fd::OwnedFd {
    use nix::sys::socket::{
        AddressFamily, SockFlag, SockType, UnixAddr, bind, connect, listen, socket,
    };
    use std::os::fd::AsRawFd;
    let addr =
        UnixAddr::new_abstract(limitlab::workloads::escape::PROBE_SOCKET.as_bytes()).unwrap();
    let fd = socket(
        AddressFamily::Unix,
        SockType::Stream,
        SockFlag::SOCK_CLOEXEC,
        None,
    )
    .unwrap();
    bind(fd.as_raw_fd(), &addr).unwrap();
    listen(&fd, nix::sys::socket::Backlog::new(16).unwrap()).unwrap();
    let client = socket(
        AddressFamily::Unix,
        SockType::Stream,
        SockFlag::SOCK_CLOEXEC,
        None,
    )
    .unwrap();
    connect(client.as_raw_fd(), &addr).expect("the host reaches its own probe socket");
    fd
}
