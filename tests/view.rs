//! The sandbox's view: as tight as bubblewrap's by default, widened only by what a
//! scenario's [sandbox] asks for, and said in summary.json. A program the view hides is bound
//! in or refused before anything starts; a workload that cannot start is its own error.

mod common;

use common::*;

/// A shell command scenario; the shell's output is workload.log.
fn shell(name: &str, extra: &str, script: &str) -> Ran {
    let script = script.replace('\\', "\\\\").replace('"', "\\\"");
    run_text(
        name,
        &format!(
            "duration = \"20s\"\n{extra}\n[limits]\npids = 50\n[[workload]]\nkind = \"command\"\nargv = [\"sh\", \"-c\", \"{script}\"]\n[expect]\n\"workload.exit_code\" = \"== 0\"\n"
        ),
    )
}

#[test]
fn the_default_view_is_tight() {
    let Some(_lock) = exclusive("the_default_view_is_tight") else {
        return;
    };
    let marker = format!("limitlab-view-test-{}", std::process::id());
    let ran = shell(
        "view",
        "",
        &format!(
            "touch /var/tmp/{marker} /tmp/{marker} /dev/shm/{marker} && echo PRIVATE-OK; touch /{marker} /etc/{marker} 2>&1 | sed 's/^/ROOT: /'; \
             echo DEV: $(ls /dev); echo NET: $(ls /sys/class/net); \
             echo TIMER: $(wc -c < /proc/timer_list); echo FIRMWARE: $(ls /sys/firmware | wc -l); \
             grep -q ' / / ro' /proc/self/mountinfo && echo ROOT-RO; \
             (echo x > /proc/sys/kernel/hostname) 2>&1 | sed 's/^/SYS: /'; exit 0"
        ),
    );
    ran.expect_exit(0);
    let log = ran.read("workload.log");
    assert!(
        log.contains("ROOT-RO") && log.contains("PRIVATE-OK"),
        "{log}"
    );
    for line in log.lines().filter(|l| l.starts_with("ROOT: ")) {
        assert!(line.contains("Read-only file system"), "{log}");
    }
    assert_eq!(log.matches("ROOT: ").count(), 2, "{log}");
    let dev = log.lines().find(|l| l.starts_with("DEV: ")).unwrap();
    assert_eq!(
        dev, "DEV: fd full null ptmx pts random shm stderr stdin stdout tty urandom zero",
        "{log}"
    );
    assert!(log.contains("NET: lo\n"), "{log}");
    assert!(log.contains("TIMER: 0\n"), "{log}");
    assert!(log.contains("FIRMWARE: 0\n"), "{log}");
    assert!(
        log.lines()
            .any(|l| l.starts_with("SYS: ") && l.contains("Read-only file system")),
        "{log}"
    );
    // Nothing the workload wrote outlives the run on the host.
    for dir in ["/var/tmp", "/tmp", "/", "/etc"] {
        assert!(
            !std::path::Path::new(dir).join(&marker).exists(),
            "{dir}/{marker} was left on the host"
        );
    }
    let view = &ran.summary()["view"];
    assert_eq!(view["root_read_only"], true, "{view}");
    let writable: Vec<&str> = view["writable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["path"].as_str().unwrap())
        .collect();
    for p in ["/tmp", "/var/tmp", "/run", "/dev/shm"] {
        assert!(writable.contains(&p), "{view}");
    }
    let has = |key: &str, item: &str| {
        view[key]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v.as_str() == Some(item))
    };
    assert!(has("masked", "/sys/firmware"), "{view}");
    assert!(has("read_only", "/proc/sys"), "{view}");
    assert!(
        has("devices", "null") && has("devices", "pts/ptmx"),
        "{view}"
    );
    assert!(
        ran.read("report.md")
            .contains("The sandbox saw the host's root, read-only"),
        "the report says what the view was"
    );
    assert_nothing_left();
}

#[test]
fn a_program_under_tmp_is_bound_read_only_at_its_path() {
    let Some(_lock) = exclusive("a_program_under_tmp_is_bound_read_only_at_its_path") else {
        return;
    };
    // A copy of limitlab in a folder under the host's /tmp, which the sandbox's private /tmp
    // hides: as with `cargo test` from a checkout in /tmp.
    let dir = tempfile::Builder::new()
        .prefix("limitlab-prog")
        .tempdir_in("/tmp")
        .unwrap();
    let prog = dir.path().join("limitlab");
    std::fs::copy(BIN, &prog).unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let ran = run_text(
        "prog",
        &format!(
            "duration = \"20s\"\n[limits]\npids = 50\n[[workload]]\nkind = \"command\"\nargv = [\"{}\", \"--version\"]\n[expect]\n\"workload.exit_code\" = \"== 0\"\n",
            prog.display()
        ),
    );
    ran.expect_exit(0);
    assert!(ran.read("workload.log").contains("limitlab"));
    let binds = ran.summary()["view"]["binds"].clone();
    assert_eq!(binds[0]["target"], prog.display().to_string(), "{binds}");
    assert_eq!(binds[0]["writable"], false, "{binds}");
    assert_nothing_left();
}

#[test]
fn a_missing_program_under_a_hidden_path_is_refused_before_start() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "missing",
        "duration = \"5s\"\n[[workload]]\nkind = \"command\"\nargv = [\"/tmp/limitlab-no-such-dir/prog\"]\n",
    );
    let o = run(&file, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("/tmp/limitlab-no-such-dir/prog is under /tmp, which is a private tmpfs"),
        "{err}"
    );
    assert!(!tmp.path().join("out").join("summary.json").exists());
}

#[test]
fn a_workload_that_cannot_start_is_an_error_of_its_own() {
    let Some(_lock) = exclusive("a_workload_that_cannot_start_is_an_error_of_its_own") else {
        return;
    };
    // It exists (preflight lets it through) but is no program: the exec fails inside.
    let ran = run_text(
        "nostart",
        "duration = \"10s\"\n[limits]\npids = 20\n[[workload]]\nkind = \"command\"\nargv = [\"/etc/hostname\"]\n[expect]\n\"workload.exit_code\" = \"== 0\"\n",
    );
    let s = ran.summary();
    assert_eq!(s["verdict"], "error", "{s}");
    let reason = s["abort_reason"].as_str().unwrap();
    assert!(
        reason.starts_with("workload 0 (command) could not start: exec /etc/hostname:"),
        "{reason}"
    );
    let report = ran.read("report.md");
    assert!(report.contains("could not start"), "{report}");
    assert!(!report.contains("not available"), "{report}");
    let junit = limitlab().arg("report").arg(&ran.out).output().unwrap();
    let said = String::from_utf8_lossy(&junit.stdout).into_owned()
        + &String::from_utf8_lossy(&junit.stderr);
    assert!(!said.contains("not available"), "{said}");
    assert_ne!(ran.output.status.code(), Some(0));
    assert_nothing_left();
    // In Spanish the reason is said in Spanish; the workload's status stays as the record
    // keeps it.
    let ran = run_text_with(
        "nostart",
        "duration = \"10s\"\n[limits]\npids = 20\n[[workload]]\nkind = \"command\"\nargv = [\"/etc/hostname\"]\n",
        &[("LANG", "es_CO.UTF-8")],
    );
    let s = ran.summary();
    let reason = s["abort_reason"].as_str().unwrap();
    assert!(
        reason.starts_with("la carga 0 (command) no pudo arrancar: exec /etc/hostname:"),
        "{reason}"
    );
    let status = s["exits"][0]["status"].as_str().unwrap();
    assert!(
        status.starts_with("did not start: exec /etc/hostname:"),
        "{status}"
    );
    assert_nothing_left();
}

#[test]
fn a_scenario_widens_the_view_only_as_it_says() {
    let Some(_lock) = exclusive("a_scenario_widens_the_view_only_as_it_says") else {
        return;
    };
    // Both folders are under the host's /tmp, which the sandbox's own /tmp hides.
    let dir = tempfile::Builder::new()
        .prefix("limitlab-widen")
        .tempdir_in("/tmp")
        .unwrap();
    let (w, data) = (dir.path().join("w"), dir.path().join("data"));
    std::fs::create_dir(&w).unwrap();
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("in.txt"), "from the host\n").unwrap();
    for d in [dir.path(), &w, &data] {
        std::fs::set_permissions(d, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    }
    let device = ["/dev/fuse", "/dev/net/tun", "/dev/kmsg"]
        .into_iter()
        .find(|d| std::path::Path::new(d).exists());
    let devices = device
        .map(|d| format!("devices = [\"{d}\"]\n"))
        .unwrap_or_default();
    let extra = format!(
        "[sandbox]\nwritable = [\"{}\"]\nbind = [{{ source = \"{}\", target = \"/tmp/data\" }}]\n{devices}",
        w.display(),
        data.display()
    );
    let ran = shell(
        "widen",
        &extra,
        &format!(
            "echo out > {}/out.txt && echo WROTE; cat /tmp/data/in.txt; touch /tmp/data/x 2>&1 | sed 's/^/RO: /'; ls {}; exit 0",
            w.display(),
            device.unwrap_or("/dev/null")
        ),
    );
    ran.expect_exit(0);
    let log = ran.read("workload.log");
    assert!(
        log.contains("WROTE") && log.contains("from the host"),
        "{log}"
    );
    assert!(log.contains("RO: ") && log.contains("Read-only"), "{log}");
    assert_eq!(std::fs::read_to_string(w.join("out.txt")).unwrap(), "out\n");
    assert!(!data.join("x").exists());
    let view = &ran.summary()["view"];
    if let Some(d) = device {
        let name = d.strip_prefix("/dev/").unwrap();
        assert!(
            view["devices"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v == name),
            "{view}"
        );
    }
    assert!(
        view["writable"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["path"] == w.display().to_string() && m["kind"] == "bind"),
        "{view}"
    );
    assert_nothing_left();
}

#[test]
fn list_and_the_docs_describe_the_view_and_its_keys() {
    let o = limitlab().arg("list").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let list = String::from_utf8_lossy(&o.stdout);
    let docs = std::fs::read_to_string(root().join("docs/scenario.md")).unwrap();
    for key in [
        "sandbox.writable",
        "[[sandbox.bind]]",
        "sandbox.bind.source",
        "sandbox.bind.target",
        "sandbox.bind.writable",
        "sandbox.devices",
    ] {
        assert!(list.contains(key), "limitlab list lacks {key}");
        assert!(
            docs.contains(&format!("`{key}`")),
            "docs/scenario.md lacks {key}"
        );
    }
    for text in ["What the workload sees", "/proc/kcore", "A `[target]` run"] {
        assert!(list.contains(text), "limitlab list lacks {text:?}");
        assert!(docs.contains(text), "docs/scenario.md lacks {text:?}");
    }
}

#[test]
fn doctor_says_which_parts_of_the_view_this_host_gives() {
    let o = limitlab().arg("doctor").output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out
        .lines()
        .find(|l| l.contains("sandbox view"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("host root read-only") && line.contains("devpts"),
        "{line}"
    );
}
