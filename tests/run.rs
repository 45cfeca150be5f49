//! Real runs on the real kernel: real cgroups, real namespaces, real fork bombs, always
//! under a pids cap. Each test checks that nothing is left behind.

mod common;

use common::*;

fn shipped() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_scenario_holds() {
    if !privileged("every_shipped_scenario_holds") {
        return;
    }
    let _serial = serial();
    for file in shipped() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let o = run(&file, &out);
        assert_eq!(o.status.code(), Some(0), "{}: {}", file.display(), text(&o));
        let s = summary(&out);
        assert_eq!(s["verdict"], "held", "{}", file.display());
        assert!(
            s["expectations"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["held"] == true)
        );
        assert_eq!(metric(&s, "teardown.leaked"), Some(0.0));
        for f in ["samples.csv", "events.csv", "workload.log"] {
            assert!(out.join(f).exists(), "{f}");
        }
        assert_nothing_left();
    }
}

#[test]
fn every_forkbomb_style_stays_under_its_cap() {
    if !privileged("every_forkbomb_style_stays_under_its_cap") {
        return;
    }
    let _serial = serial();
    for style in ["classic", "binary", "churn"] {
        let tmp = tempfile::tempdir().unwrap();
        let file = scenario(
            tmp.path(),
            style,
            &format!(
                "duration = \"1500ms\"\n[limits]\npids = 50\n[[workload]]\nkind = \"forkbomb\"\nstyle = \"{style}\"\n[sampling]\ninterval = \"2ms\"\n"
            ),
        );
        let out = tmp.path().join("out");
        let o = run(&file, &out);
        assert_eq!(o.status.code(), Some(0), "{style}: {}", text(&o));
        let s = summary(&out);
        let peak = metric(&s, "pids.peak").unwrap();
        assert!(peak <= 50.0, "{style}: peak {peak}");
        let ok = metric(&s, "workload.forks_ok").unwrap();
        assert!(ok >= 48.0, "{style}: only {ok} forks");
        if style != "churn" {
            // Classic and binary bombs fill the cap; churn keeps at most two processes.
            assert_eq!(peak, 50.0, "{style} reaches its cap");
            assert!(metric(&s, "pids.limit_hits").unwrap() >= 1.0, "{style}");
            assert!(
                metric(&s, "workload.forks_failed").unwrap() >= 1.0,
                "{style}"
            );
        } else {
            assert!(peak <= 3.0, "churn: peak {peak}");
        }
        // The samples show the cap from outside, too. A sampled pids.current may read up to
        // one above the limit per CPU for an instant: the kernel charges each fork, compares
        // with pids.max and reverts the charge of a refused one.
        let csv = std::fs::read_to_string(out.join("samples.csv")).unwrap();
        let mut rdr = csv::Reader::from_reader(csv.as_bytes());
        let col = rdr
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "pids_current")
            .unwrap();
        let max = rdr
            .records()
            .filter_map(|r| r.unwrap().get(col).and_then(|v| v.parse::<u64>().ok()))
            .max()
            .unwrap();
        let cpus = std::thread::available_parallelism().unwrap().get() as u64;
        assert!(max <= 50 + cpus, "{style}: sampled {max}");
        assert_nothing_left();
    }
}

#[test]
fn a_command_workload_runs_and_reports_its_exit() {
    if !privileged("a_command_workload_runs_and_reports_its_exit") {
        return;
    }
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "cmd",
        "duration = \"5s\"\n[limits]\npids = 10\n[[workload]]\nkind = \"command\"\nargv = [\"sh\", \"-c\", \"echo hello from the sandbox; exit 7\"]\n[expect]\n\"workload.exit_code\" = \"== 7\"\n",
    );
    let out = tmp.path().join("out");
    let started = std::time::Instant::now();
    let o = run(&file, &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "the run ends when its workload does"
    );
    let log = std::fs::read_to_string(out.join("workload.log")).unwrap();
    assert_eq!(log, "hello from the sandbox\n");
    let events = std::fs::read_to_string(out.join("events.csv")).unwrap();
    assert!(
        events.contains("workload_exit,workload 0: exited 7"),
        "{events}"
    );
    assert_nothing_left();
}

#[test]
fn a_failed_expectation_exits_1() {
    if !privileged("a_failed_expectation_exits_1") {
        return;
    }
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "fail",
        "duration = \"300ms\"\n[limits]\npids = 20\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"pids.peak\" = \"< 5\"\n",
    );
    let out = tmp.path().join("out");
    let o = run(&file, &out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("FAIL pids.peak = 20"), "{stdout}");
    assert_eq!(summary(&out)["verdict"], "failed");
    assert_nothing_left();
}

/// What the workload sees and can do, reported by a shell script inside the sandbox.
const PROBE: &str = r#"
echo "UID $(id -u) GID $(id -g)"
echo "HOSTNAME $(hostname)"
echo "PROCS $(ls /proc | grep -cE '^[0-9]+$')"
echo "PID1 $(tr '\0' ' ' < /proc/1/cmdline)"
echo "IFACES $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"
echo "WRITABLE $(find /sys/fs/cgroup -type f -writable 2>/dev/null | wc -l)"
moved=0
for f in $(find /sys/fs/cgroup -name cgroup.procs 2>/dev/null); do
  (echo $$ > "$f") 2>/dev/null && moved=$((moved + 1))
done
echo "MOVED $moved"
(echo max > /sys/fs/cgroup/pids/pids.max) 2>/dev/null && echo "RAISED" || echo "NOT-RAISED"
echo "CGROUP $(grep -c ':/$' /proc/self/cgroup) of $(wc -l < /proc/self/cgroup)"
grep CapEff /proc/self/status
grep NoNewPrivs /proc/self/status
"#;

#[test]
fn the_workload_is_isolated_and_cannot_touch_its_cgroups() {
    if !privileged("the_workload_is_isolated_and_cannot_touch_its_cgroups") {
        return;
    }
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let argv = serde_json::to_string(&["sh", "-c", PROBE]).unwrap();
    let file = scenario(
        tmp.path(),
        "probe",
        &format!(
            "duration = \"10s\"\n[limits]\npids = 20\n[[workload]]\nkind = \"command\"\nargv = {argv}\n"
        ),
    );
    let out = tmp.path().join("out");
    let o = run(&file, &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let log = std::fs::read_to_string(out.join("workload.log")).unwrap();
    let line = |key: &str| {
        log.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {key} in {log}"))
    };
    assert_eq!(line("UID "), "65534 GID 65534");
    assert_eq!(line("HOSTNAME "), "limitlab");
    let procs: u32 = line("PROCS ").parse().unwrap();
    assert!(
        procs <= 6,
        "sees only its own processes (init, sh, a few helpers): {procs}\n{log}"
    );
    assert_eq!(line("PID1 "), "limitlab __init");
    assert_eq!(line("IFACES "), "lo");
    assert_eq!(line("WRITABLE "), "0", "{log}");
    assert_eq!(line("MOVED "), "0", "{log}");
    assert!(log.contains("NOT-RAISED"), "{log}");
    let cg = line("CGROUP ");
    let (at_root, total) = cg.split_once(" of ").unwrap();
    assert_eq!(
        at_root, total,
        "every hierarchy shows the sandbox's cgroup as its root: {cg}"
    );
    assert_eq!(line("CapEff:"), "0000000000000000");
    assert_eq!(line("NoNewPrivs:"), "1");
    assert_nothing_left();
}

#[test]
fn default_results_folder_is_results_name_timestamp() {
    if !privileged("default_results_folder_is_results_name_timestamp") {
        return;
    }
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "tiny",
        "duration = \"200ms\"\n[limits]\npids = 5\n[[workload]]\nkind = \"command\"\nargv = [\"true\"]\n",
    );
    let o = limitlab()
        .current_dir(tmp.path())
        .args(["run", "--quiet"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let runs: Vec<_> = std::fs::read_dir(tmp.path().join("results/tiny"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(runs.len(), 1);
    assert!(runs[0].path().join("summary.json").exists());
    let o = limitlab()
        .current_dir(tmp.path())
        .args(["run", "--quiet", "--out", "results/tiny"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "an empty-of-results parent is fine: {}",
        text(&o)
    );
    let o = limitlab()
        .current_dir(tmp.path())
        .args(["run", "--quiet", "--out"])
        .arg(runs[0].path())
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "never overwrites a run: {}",
        text(&o)
    );
    assert_nothing_left();
}

#[test]
fn not_root_exits_3_with_the_reason() {
    if !privileged("not_root_exits_3_with_the_reason") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "x",
        "duration = \"1s\"\n[limits]\npids = 5\n[[workload]]\nkind = \"forkbomb\"\n",
    );
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    // A copy the unprivileged user can reach wherever the checkout lives (e.g. under /root).
    let bin = tmp.path().join("limitlab");
    std::fs::copy(BIN, &bin).unwrap();
    let o = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .arg("run")
        .arg(&file)
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("needs root"),
        "{}",
        text(&o)
    );
}

#[test]
fn doctor_reports_the_cgroup_mode() {
    if !privileged("doctor_reports_the_cgroup_mode") {
        return;
    }
    let _serial = serial();
    let o = limitlab().arg("doctor").output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{s}");
    assert!(
        s.contains("cgroup mode") && s.contains("pids controller"),
        "{s}"
    );
    assert!(
        leftover_cgroups().is_empty(),
        "doctor's probe cgroup is removed"
    );
}

#[test]
fn rlimits_apply_inside_the_sandbox() {
    if !privileged("rlimits_apply_inside_the_sandbox") {
        return;
    }
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "rl",
        "duration = \"5s\"\n[sandbox]\nrlimits = { nproc = 77, nofile = 64, as = \"512MiB\" }\n[limits]\npids = 20\n[[workload]]\nkind = \"command\"\nargv = [\"bash\", \"-c\", \"echo nproc $(ulimit -u) nofile $(ulimit -n) as $(ulimit -v)\"]\n",
    );
    let out = tmp.path().join("out");
    let o = run(&file, &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let log = std::fs::read_to_string(out.join("workload.log")).unwrap();
    assert_eq!(log.trim(), format!("nproc 77 nofile 64 as {}", 512 * 1024));
    assert_nothing_left();
}

#[test]
fn pure_v1_teardown_freezes_kills_and_thaws() {
    if !privileged("pure_v1_teardown_freezes_kills_and_thaws") {
        return;
    }
    let layout = limitlab::sandbox::cgroup::Layout::detect().unwrap();
    if layout.mode != limitlab::sandbox::cgroup::Mode::Hybrid || !layout.v1.contains_key("freezer")
    {
        eprintln!(
            "SKIPPED pure_v1_teardown_freezes_kills_and_thaws: needs a hybrid host with the v1 freezer to pose as pure v1"
        );
        return;
    }
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "v1",
        "duration = \"1s\"\n[limits]\npids = 200\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"pids.peak\" = \"<= 200\"\n\"teardown.leaked\" = \"== 0\"\n",
    );
    let out = tmp.path().join("out");
    let o = limitlab()
        .env(limitlab::sandbox::cgroup::FORCE_V1_ENV, "1")
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let s = summary(&out);
    assert_eq!(s["host"]["cgroup_mode"], "v1");
    assert_eq!(s["teardown"]["method"], "freeze + SIGKILL each + thaw");
    assert_eq!(s["teardown"]["processes_killed"], 200);
    let samples = std::fs::read_to_string(out.join("samples.csv")).unwrap();
    assert!(
        samples.lines().nth(1).unwrap().contains(",system,"),
        "PSI is system-wide on pure v1"
    );
    assert_nothing_left();
}

#[test]
fn a_limit_the_host_cannot_give_exits_3_and_leaves_nothing() {
    if !privileged("a_limit_the_host_cannot_give_exits_3_and_leaves_nothing") {
        return;
    }
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "cpuset",
        "duration = \"1s\"\n[limits]\npids = 20\ncpuset = \"4000\"\n[[workload]]\nkind = \"forkbomb\"\n",
    );
    let o = limitlab()
        .current_dir(tmp.path())
        .args(["run", "--quiet"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("CPU 4000"),
        "{}",
        text(&o)
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path().join("results/cpuset"))
        .unwrap()
        .flatten()
        .collect();
    assert!(left.is_empty(), "no husk of a results folder: {left:?}");
    assert_nothing_left();
}
