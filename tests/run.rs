//! Real runs on the real kernel: real cgroups, real namespaces, real fork bombs, always
//! under a pids cap. Each test checks that nothing is left behind.

mod common;

use common::*;
use std::os::unix::process::CommandExt;

fn shipped() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        // A scenario with a [target] needs its container; tests/target.rs runs it.
        .filter(|p| !std::fs::read_to_string(p).unwrap().contains("\n[target]"))
        .collect();
    files.sort();
    files
}

/// The largest value of a column of samples.csv.
fn column_max(samples: &str, column: &str) -> u64 {
    let mut rdr = csv::Reader::from_reader(samples.as_bytes());
    let col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    rdr.records()
        .filter_map(|r| r.unwrap().get(col).and_then(|v| v.parse::<u64>().ok()))
        .max()
        .unwrap_or(0)
}

#[test]
fn every_shipped_scenario_holds() {
    let Some(_lock) = exclusive("every_shipped_scenario_holds") else {
        return;
    };
    for file in shipped() {
        let ran = run_file(&file);
        ran.expect_exit(0);
        // A sweep (coursework.toml) has a folder per cell.
        let runs: Vec<std::path::PathBuf> =
            match std::fs::read_to_string(ran.out.join("sweep.json")) {
                Ok(index) => {
                    let index: serde_json::Value = serde_json::from_str(&index).unwrap();
                    let cells = index["cells"].as_array().unwrap().clone();
                    cells
                        .iter()
                        .map(|c| ran.out.join(c["dir"].as_str().unwrap()))
                        .collect()
                }
                Err(_) => vec![ran.out.clone()],
            };
        for dir in runs {
            let s = summary(&dir);
            assert_eq!(s["verdict"], "held", "{}", dir.display());
            let expectations = s["expectations"].as_array().unwrap();
            assert!(
                expectations.iter().all(|x| x["held"] == true),
                "{}",
                dir.display()
            );
            assert_eq!(metric(&s, "teardown.leaked"), Some(0.0));
            for f in [
                "samples.csv",
                "events.csv",
                "workload.log",
                "report.md",
                "report.html",
            ] {
                assert!(dir.join(f).exists(), "{f} in {}", dir.display());
            }
        }
        assert_nothing_left();
    }
}

#[test]
fn every_forkbomb_style_stays_under_its_cap() {
    let Some(_lock) = exclusive("every_forkbomb_style_stays_under_its_cap") else {
        return;
    };
    for style in ["classic", "binary", "churn"] {
        let ran = run_text(
            style,
            &format!(
                "duration = \"1500ms\"\n[limits]\npids = 50\n[[workload]]\nkind = \"forkbomb\"\nstyle = \"{style}\"\n[sampling]\ninterval = \"2ms\"\n"
            ),
        );
        ran.expect_exit(0);
        let peak = ran.metric("pids.peak").unwrap();
        assert!(peak <= 50.0, "{style}: peak {peak}");
        let ok = ran.metric("workload.forks_ok").unwrap();
        assert!(ok >= 48.0, "{style}: only {ok} forks");
        if style == "churn" {
            // Churn keeps at most a parent and its one child (and the init).
            assert!(peak <= 3.0, "churn: peak {peak}");
        } else {
            assert_eq!(peak, 50.0, "{style} reaches its cap");
            assert!(ran.metric("pids.limit_hits").unwrap() >= 1.0, "{style}");
            assert!(
                ran.metric("workload.forks_failed").unwrap() >= 1.0,
                "{style}"
            );
        }
        // The samples show the cap from outside, too. A sampled pids.current may read up to
        // one above the limit per CPU for an instant: the kernel charges each fork, compares
        // with pids.max and reverts the charge of a refused one.
        let cpus = std::thread::available_parallelism().unwrap().get() as u64;
        let max = column_max(&ran.read("samples.csv"), "pids_current");
        assert!(max <= 50 + cpus, "{style}: sampled {max}");
        assert_nothing_left();
    }
}

#[test]
fn a_command_workload_runs_and_reports_its_exit() {
    let Some(_lock) = exclusive("a_command_workload_runs_and_reports_its_exit") else {
        return;
    };
    let ran = run_text(
        "cmd",
        "duration = \"60s\"\n[limits]\npids = 10\n[[workload]]\nkind = \"command\"\nargv = [\"sh\", \"-c\", \"echo hello from the sandbox; exit 7\"]\n[expect]\n\"workload.exit_code\" = \"== 7\"\n",
    );
    ran.expect_exit(0);
    // The run ends when its workload does, not at its duration.
    let lasted = ran.metric("run.duration_ms").unwrap();
    assert!(lasted < 60_000.0, "the run lasted {lasted} ms");
    assert_eq!(ran.read("workload.log"), "hello from the sandbox\n");
    let events = ran.read("events.csv");
    assert!(
        events.contains("workload_exit,workload 0: exited 7"),
        "{events}"
    );
    assert_nothing_left();
}

#[test]
fn a_run_shorter_than_the_probe_interval_still_has_the_host_probe() {
    let Some(_lock) = exclusive("a_run_shorter_than_the_probe_interval_still_has_the_host_probe")
    else {
        return;
    };
    // The host probe runs every 100 ms, and its first probe at the start: a run that ends
    // after a few milliseconds has the host's fork latency too.
    let ran = run_text(
        "short",
        "duration = \"60s\"\n[limits]\npids = 10\n[[workload]]\nkind = \"command\"\nargv = [\"/bin/true\"]\n",
    );
    ran.expect_exit(0);
    let lasted = ran.metric("run.duration_ms").unwrap();
    let fork = ran.metric("host.fork_p50_ms");
    let late = ran.metric("host.wakeup_late_p50_ms");
    assert!(
        fork.is_some() && late.is_some(),
        "a {lasted} ms run: host.fork_p50_ms = {fork:?}, host.wakeup_late_p50_ms = {late:?}"
    );
    let report = ran.read("report.md");
    assert!(!report.contains("`host.fork_p50_ms`, "), "{report}");
    assert_nothing_left();
}

#[test]
fn a_failed_expectation_exits_1() {
    let Some(_lock) = exclusive("a_failed_expectation_exits_1") else {
        return;
    };
    let ran = run_text(
        "fail",
        "duration = \"300ms\"\n[limits]\npids = 20\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"pids.peak\" = \"< 5\"\n",
    );
    ran.expect_exit(1);
    assert!(
        ran.stdout().contains("FAIL pids.peak = 20"),
        "{}",
        ran.stdout()
    );
    assert_eq!(ran.summary()["verdict"], "failed");
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
    let Some(_lock) = exclusive("the_workload_is_isolated_and_cannot_touch_its_cgroups") else {
        return;
    };
    let argv = serde_json::to_string(&["sh", "-c", PROBE]).unwrap();
    let ran = run_text(
        "probe",
        &format!(
            "duration = \"10s\"\n[limits]\npids = 20\n[[workload]]\nkind = \"command\"\nargv = {argv}\n"
        ),
    );
    ran.expect_exit(0);
    let log = ran.read("workload.log");
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
    let Some(_lock) = exclusive("default_results_folder_is_results_name_timestamp") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "tiny",
        "duration = \"200ms\"\n[limits]\npids = 5\n[[workload]]\nkind = \"command\"\nargv = [\"true\"]\n",
    );
    let run_in = |args: &[&str]| {
        let o = limitlab()
            .current_dir(tmp.path())
            .args(args)
            .arg(&file)
            .output()
            .unwrap();
        (o.status.code(), text(&o))
    };
    let (code, out) = run_in(&["run", "--quiet"]);
    assert_eq!(code, Some(0), "{out}");
    let runs: Vec<_> = std::fs::read_dir(tmp.path().join("results/tiny"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(runs.len(), 1);
    assert!(runs[0].path().join("summary.json").exists());
    let (code, out) = run_in(&["run", "--quiet", "--out", "results/tiny"]);
    assert_eq!(
        code,
        Some(0),
        "a folder without results of its own is fine: {out}"
    );
    let earlier = runs[0].path().to_string_lossy().into_owned();
    let (code, out) = run_in(&["run", "--quiet", "--out", &earlier]);
    assert_eq!(code, Some(2), "never overwrites a run: {out}");
    assert_nothing_left();
}

#[test]
fn not_root_without_a_delegated_cgroup_exits_3_with_the_reason() {
    if !privileged("not_root_without_a_delegated_cgroup_exits_3_with_the_reason") {
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
        String::from_utf8_lossy(&o.stderr).contains("no cgroup here is delegated to you"),
        "{}",
        text(&o)
    );
}

#[test]
fn doctor_reports_the_cgroup_mode() {
    let Some(_lock) = exclusive("doctor_reports_the_cgroup_mode") else {
        return;
    };
    let o = limitlab().arg("doctor").output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{s}");
    assert!(
        s.contains("cgroup mode") && s.contains("pids controller"),
        "{s}"
    );
    assert!(
        dead_cgroups().is_empty(),
        "doctor's probe cgroup is removed"
    );
}

#[test]
fn rlimits_apply_inside_the_sandbox() {
    let Some(_lock) = exclusive("rlimits_apply_inside_the_sandbox") else {
        return;
    };
    let ran = run_text(
        "rl",
        "duration = \"5s\"\n[sandbox]\nrlimits = { nproc = 77, nofile = 64, as = \"512MiB\" }\n[limits]\npids = 20\n[[workload]]\nkind = \"command\"\nargv = [\"bash\", \"-c\", \"echo nproc $(ulimit -u) nofile $(ulimit -n) as $(ulimit -v)\"]\n",
    );
    ran.expect_exit(0);
    assert_eq!(
        ran.read("workload.log").trim(),
        format!("nproc 77 nofile 64 as {}", 512 * 1024)
    );
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
    let _lock = serial();
    let ran = run_text_with(
        "v1",
        "duration = \"1s\"\n[limits]\npids = 200\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"pids.peak\" = \"<= 200\"\n\"teardown.leaked\" = \"== 0\"\n",
        &[(limitlab::sandbox::cgroup::FORCE_V1_ENV, "1")],
    );
    ran.expect_exit(0);
    let s = ran.summary();
    assert_eq!(s["host"]["cgroup_mode"], "v1");
    assert_eq!(s["teardown"]["method"], "freeze + SIGKILL each + thaw");
    assert_eq!(s["teardown"]["processes_killed"], 200);
    let samples = ran.read("samples.csv");
    assert!(
        samples.lines().nth(1).unwrap().contains(",system,"),
        "PSI is system-wide on pure v1"
    );
    assert_nothing_left();
}

#[test]
fn a_limit_the_host_cannot_give_exits_3_and_leaves_nothing() {
    let Some(_lock) = exclusive("a_limit_the_host_cannot_give_exits_3_and_leaves_nothing") else {
        return;
    };
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

#[test]
fn a_sweep_runs_every_cell_and_writes_a_combined_report() {
    let Some(_lock) = exclusive("a_sweep_runs_every_cell_and_writes_a_combined_report") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "sweep",
        "duration = \"500ms\"\n[[workload]]\nkind = \"forkbomb\"\n[matrix]\n\"limits.pids\" = [10, 30]\ninclude = [{ \"limits.pids\" = 20, \"workload[0].style\" = \"binary\" }]\n[expect]\n\"pids.peak\" = \"<= 30\"\n",
    );
    let out = tmp.path().join("out");
    let junit = tmp.path().join("junit.xml");
    let o = limitlab()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg("--junit")
        .arg(&junit)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    let cells = index["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 3);
    let peaks: Vec<f64> = cells
        .iter()
        .map(|c| {
            assert_eq!(c["verdict"], "held");
            let s = summary(&out.join(c["dir"].as_str().unwrap()));
            metric(&s, "pids.peak").unwrap()
        })
        .collect();
    assert_eq!(
        peaks,
        vec![10.0, 30.0, 20.0],
        "each cell ran with its own limit"
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("a sweep of 3 cells") && report.contains("workload[0].style=\"binary\""),
        "{report}"
    );
    assert!(out.join("report.html").exists());
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().attribute("tests"), Some("3"));
    // The sweep re-renders from its folder alone.
    std::fs::remove_file(out.join("report.md")).unwrap();
    let o = limitlab().arg("report").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("report.md")).unwrap(),
        report
    );
    assert_nothing_left();
}

#[test]
fn format_json_prints_each_summary_as_a_line() {
    let Some(_lock) = exclusive("format_json_prints_each_summary_as_a_line") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "json",
        "duration = \"200ms\"\n[limits]\npids = 5\n[[workload]]\nkind = \"command\"\nargv = [\"true\"]\n",
    );
    let o = limitlab()
        .args(["run", "--format", "json", "--out"])
        .arg(tmp.path().join("out"))
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let s: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(s["verdict"], "held");
    assert_eq!(s["scenario"]["name"], "json");
    // Where the cgroups came from is recorded, and said in the report.
    let from = s["host"]["cgroup_source"].as_str().unwrap_or_default();
    if std::path::Path::new("/run/systemd/system").exists() {
        assert!(
            from.starts_with("systemd scope limitlab-") || from.starts_with("own cgroup"),
            "{from}"
        );
    } else {
        assert_eq!(from, "own cgroup");
    }
    let report = std::fs::read_to_string(tmp.path().join("out/report.md")).unwrap();
    assert!(
        report.contains(&format!("| cgroups from | {from} |")),
        "{report}"
    );
    assert_nothing_left();
}

#[test]
fn exec_runs_one_command_under_its_limits_and_passes_its_exit_through() {
    let Some(_lock) =
        exclusive("exec_runs_one_command_under_its_limits_and_passes_its_exit_through")
    else {
        return;
    };
    let exec = |args: &[&str]| {
        limitlab()
            .arg("exec")
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("limitlab exec runs")
    };
    // Output and exit status pass through; the command runs as nobody in the sandbox.
    let o = exec(&[
        "--pids",
        "10",
        "--",
        "sh",
        "-c",
        "echo out; echo err >&2; id -u; hostname; exit 7",
    ]);
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "out\n65534\nlimitlab\n");
    assert_eq!(String::from_utf8_lossy(&o.stderr), "err\n");
    // The pids limit holds from the first instruction: 60 forks against pids.max = 20 (the
    // init and perl count too), and the children still sleeping are killed at the end.
    let o = exec(&[
        "--pids",
        "20",
        "--time",
        "--",
        "perl",
        "-e",
        "my $f = 0; for (1..60) { my $p = fork; if (!defined $p) { $f++ } elsif (!$p) { sleep 30; exit 0 } } print \"refused $f\\n\"",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let refused: u64 = String::from_utf8_lossy(&o.stdout)
        .trim()
        .strip_prefix("refused ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", text(&o)));
    assert!(refused >= 40, "{refused} forks refused: {}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("sandbox start to exec"),
        "{}",
        text(&o)
    );
    // The memory limit holds: the OOM killer ends a hog, and its signal is the exit status.
    let o = exec(&[
        "--memory",
        "64MiB",
        "--",
        "perl",
        "-e",
        "my $x = 'a' x (512 << 20); print qq(survived\\n)",
    ]);
    assert_eq!(o.status.code(), Some(137), "{}", text(&o));
    // A command that outlives --timeout is killed: 124.
    let o = exec(&["--timeout", "300ms", "--", "sleep", "30"]);
    assert_eq!(o.status.code(), Some(124), "{}", text(&o));
    // A program that does not exist is bad input, before anything is created.
    let o = exec(&["--", "no-such-program-limitlab"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_nothing_left();
}

#[test]
fn exec_time_breaks_the_start_path_into_the_sandboxs_own_spans() {
    let Some(_lock) = exclusive("exec_time_breaks_the_start_path_into_the_sandboxs_own_spans")
    else {
        return;
    };
    let o = limitlab()
        .args(["exec", "--time", "--", "/bin/true"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("limitlab exec runs");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    let spans: Vec<(f64, &str)> = err
        .lines()
        .filter_map(|l| l.strip_prefix("limitlab exec: span "))
        .map(|l| {
            let at: f64 = l.split_whitespace().next().unwrap().parse().unwrap();
            (
                at,
                l.rsplit_once(" ms  ").map(|(_, s)| s).unwrap_or_default(),
            )
        })
        .collect();
    // The harness's steps, the init's (each setup step by name) and the exec, in time order.
    for step in [
        "cgroups made, limits written",
        "init cloned",
        // limitlab exec has one thread at the clone: the init runs there, with no exec.
        "init: init running in its clone (no exec)",
        "init: read config",
        "init: no_new_privs",
        "ready read by the harness",
        "workload executing",
    ] {
        assert!(spans.iter().any(|(_, s)| *s == step), "{step}: {err}");
    }
    assert!(spans.windows(2).all(|w| w[0].0 <= w[1].0), "{err}");
    assert_nothing_left();
}

/// PID 1 of the sandbox, as the workload sees it and as the host does, whether the init
/// ran in its clone (the harness had one thread, and room in its command line for the
/// init's) or was exec'd (here: `l exec -- sh`, too short to hold "limitlab\0__init\0").
#[test]
fn the_sandbox_init_holds_nothing_of_the_harness_however_it_started() {
    use std::io::Write;
    let Some(_lock) = exclusive("the_sandbox_init_holds_nothing_of_the_harness_however_it_started")
    else {
        return;
    };
    let script =
        b"od -An -c /proc/1/cmdline | tr -s ' '; cat /proc/1/environ 2>&1 | sed 's/^/ENVIRON: /'; \
                  grep -E '^(SigCgt|Threads)' /proc/1/status; sleep 2\n";
    for (arg0, in_clone) in [("limitlab", true), ("l", false)] {
        let mut child = limitlab()
            .arg0(arg0)
            .args(["exec", "--", "sh"])
            .env("LIMITLAB_TEST_SECRET", "do-not-leak-4242")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("limitlab exec runs");
        child.stdin.take().unwrap().write_all(script).unwrap();
        // The init as the host sees it: the harness's child, once it is the init.
        let init = (0..200)
            .find_map(|_| {
                std::thread::sleep(std::time::Duration::from_millis(10));
                let children =
                    std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", child.id()))
                        .ok()?;
                children.split_whitespace().find_map(|pid| {
                    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
                    cmdline
                        .starts_with(b"limitlab\0__init\0")
                        .then(|| pid.to_string())
                })
            })
            .unwrap_or_else(|| panic!("{arg0}: no sandbox init under the harness"));
        let environ = std::fs::read(format!("/proc/{init}/environ")).unwrap();
        let cmdline = std::fs::read(format!("/proc/{init}/cmdline")).unwrap();
        let o = child.wait_with_output().unwrap();
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        assert_eq!(o.status.code(), Some(0), "{arg0}: {out}{err}");
        // Its command line is the init's. In a clone the harness's was longer ("limitlab
        // exec -- sh"): the rest is zeroed. Its environment is the run's language when
        // exec'd, nothing in a clone: never the harness's.
        if in_clone {
            assert_eq!(cmdline.len(), "limitlab exec -- sh ".len(), "{cmdline:?}");
            assert!(cmdline[16..].iter().all(|&b| b == 0), "{cmdline:?}");
            assert!(environ.iter().all(|&b| b == 0), "{environ:?}");
        } else {
            assert_eq!(cmdline, b"limitlab\0__init\0", "{arg0}");
            assert_eq!(environ, b"LIMITLAB_LANG=en\0", "{arg0}");
        }
        assert!(
            out.starts_with(" l i m i t l a b \\0 _ _ i n i t \\0"),
            "{arg0}: {out}"
        );
        // The workload cannot read it anyway, and the harness's SIGINT and SIGTERM handlers
        // are gone: only Rust's own (SIGBUS, SIGSEGV) are caught, as by an exec'd limitlab.
        assert!(
            out.contains("ENVIRON: cat: /proc/1/environ: Permission denied"),
            "{arg0}: {out}"
        );
        assert!(out.contains("SigCgt:\t0000000000000440\n"), "{arg0}: {out}");
        assert!(out.contains("Threads:\t1\n"), "{arg0}: {out}");
    }
    assert_nothing_left();
}

#[test]
fn exec_speaks_the_language_of_its_command_line() {
    let Some(_lock) = exclusive("exec_speaks_the_language_of_its_command_line") else {
        return;
    };
    let exec = |args: &[&str]| {
        limitlab()
            .args(["--lang", "es", "exec"])
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("limitlab exec runs")
    };
    let o = exec(&["--time", "--", "/bin/true"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    for words in [
        "limitlab exec: cgroups desde ",
        "; del inicio del sandbox al exec ",
        "; desmontaje ",
        "limitlab exec: tramo ",
        " ms  inicio de la preparación\n",
        " ms  cgroups creados, límites escritos\n",
        " ms  init clonado\n",
        " ms  init: no_new_privs\n",
        " ms  Ready leído por el arnés\n",
        " ms  carga en ejecución\n",
    ] {
        assert!(err.contains(words), "{words:?} in\n{err}");
    }
    assert!(
        !err.contains("sandbox start to exec") && !err.contains(": span "),
        "{err}"
    );
    let o = exec(&["--timeout", "300ms", "--", "sleep", "30"]);
    assert_eq!(o.status.code(), Some(124), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(
            "limitlab: el comando seguía en ejecución después de --timeout 300ms; se mató"
        ),
        "{}",
        text(&o)
    );
    assert_nothing_left();
}
