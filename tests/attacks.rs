//! The attack catalog on the real kernel: each attack is held by its limit, measured by its
//! own numbers, and leaves nothing behind; the host probe sees the host while it runs.

mod common;

use common::*;

/// Values of one column of samples.csv, skipping empty cells.
fn column(samples: &str, name: &str) -> Vec<f64> {
    let mut rdr = csv::Reader::from_reader(samples.as_bytes());
    let col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap();
    rdr.records()
        .filter_map(|r| r.unwrap().get(col).and_then(|v| v.parse().ok()))
        .collect()
}

#[test]
fn a_thread_bomb_is_held_by_pids_max() {
    let Some(_lock) = exclusive("a_thread_bomb_is_held_by_pids_max") else {
        return;
    };
    let ran = run_text(
        "threads",
        "duration = \"1500ms\"\n[limits]\npids = 64\nmemory = \"256MiB\"\n[[workload]]\nkind = \"threadbomb\"\n",
    );
    ran.expect_exit(0);
    assert_eq!(
        ran.metric("pids.peak"),
        Some(64.0),
        "threads count as tasks"
    );
    assert!(ran.metric("pids.limit_hits").unwrap() >= 1.0);
    assert!(
        ran.metric("workload.forks_failed").unwrap() >= 1.0,
        "refused spawns are counted"
    );
    // Small stacks: memory is not what stops it.
    assert_eq!(ran.metric("memory.oom_kills"), Some(0.0));
    assert_eq!(ran.metric("memory.limit_hits"), Some(0.0));
    assert_nothing_left();
}

#[test]
fn a_memory_hog_is_oom_killed_at_memory_max() {
    let Some(_lock) = exclusive("a_memory_hog_is_oom_killed_at_memory_max") else {
        return;
    };
    let ran = run_file(&root().join("scenarios/memhog.toml"));
    ran.expect_exit(0);
    assert!(ran.metric("memory.oom_kills").unwrap() >= 1.0);
    let limit = 128.0 * 1024.0 * 1024.0;
    assert!(ran.metric("memory.peak_bytes").unwrap() <= limit);
    let reached = ran.metric("workload.bytes_reached").unwrap();
    assert!(
        reached > limit / 2.0 && reached <= limit,
        "the hog got close to the limit: {reached}"
    );
    let events = ran.read("events.csv");
    assert!(events.contains("oom_kill,"), "{events}");
    assert!(events.contains("workload 0: killed by SIGKILL"), "{events}");
    // The OOM killer fires when a charge hits the limit, so the limit was hit: never 0.
    // cgroup v2 counts it (memory.events max); on v1 with swap = "0B" the refusals would be
    // counted by memory.memsw.failcnt (memory+swap is charged first), and both failcnt are
    // read, but this machine's kernel keeps every failcnt at 0 through an OOM kill: then the
    // value is unknown and the report says why.
    let hits = ran.metric("memory.limit_hits");
    let v1 = ran.summary()["host"]["cgroup_mode"]
        .as_str()
        .is_some_and(|m| m != "v2");
    match hits {
        Some(h) => assert!(h >= 1.0, "memory.limit_hits = {h}"),
        None => {
            assert!(v1, "memory.limit_hits unknown on cgroup v2");
            let report = ran.read("report.md");
            assert!(
                report.contains("memory.limit_hits cannot be known"),
                "{report}"
            );
        }
    }
    // The hog is killed long before the scenario's 5 s: What ran says both.
    let ran_ms = ran.metric("run.duration_ms").unwrap();
    let report = ran.read("report.md");
    let row = report
        .lines()
        .find(|l| l.starts_with("| duration |"))
        .unwrap_or_else(|| panic!("{report}"));
    if ran_ms < 4000.0 {
        assert!(row.starts_with("| duration | 5.0 s planned, ran "), "{row}");
    } else {
        assert_eq!(row, "| duration | 5.0 s |");
    }
    assert_nothing_left();
}

#[test]
fn a_tmpfs_hog_is_charged_and_held() {
    let Some(_lock) = exclusive("a_tmpfs_hog_is_charged_and_held") else {
        return;
    };
    let ran = run_text(
        "shm",
        "duration = \"3s\"\n[limits]\npids = 20\nmemory = \"48MiB\"\nswap = \"0B\"\n[[workload]]\nkind = \"memhog\"\nsize = \"512MiB\"\nbacking = \"shm\"\n",
    );
    ran.expect_exit(0);
    let limit = 48.0 * 1024.0 * 1024.0;
    let peak = ran.metric("memory.peak_bytes").unwrap();
    assert!(
        peak <= limit && peak > limit * 0.75,
        "page cache is charged to the sandbox: {peak}"
    );
    assert!(ran.metric("workload.bytes_reached").unwrap() < limit);
    assert!(ran.metric("memory.oom_kills").unwrap() >= 1.0);
    assert_nothing_left();
}

#[test]
fn a_spinner_gets_its_quota_and_shows_the_throttling() {
    let Some(_lock) = exclusive("a_spinner_gets_its_quota_and_shows_the_throttling") else {
        return;
    };
    // Half a core for two spinners: the quota, not the machine's other work, decides.
    let quota = 0.5;
    let ran = run_text(
        "spin",
        &format!(
            "duration = \"3s\"\n[limits]\ncpu = {quota}\n[[workload]]\nkind = \"cpuspin\"\nthreads = 2\n"
        ),
    );
    ran.expect_exit(0);
    let used = ran.metric("cpu.usage_cores").unwrap();
    assert!(
        (used - quota).abs() <= quota * 0.1,
        "quota {quota}: used {used}"
    );
    // Throttled in most periods; other work on a loaded machine can leave some periods
    // where the sandbox did not even reach its quota.
    let throttled = ran.metric("cpu.throttled_ratio").unwrap();
    assert!(throttled > 0.3, "{throttled}");
    assert!(ran.metric("workload.spins_per_s").unwrap() > 0.0);
    // A quarter duty cycle, no quota: at most about half a core from two threads.
    let ran = run_text(
        "duty",
        "duration = \"3s\"\n[[workload]]\nkind = \"cpuspin\"\nthreads = 2\nduty = 0.25\n",
    );
    ran.expect_exit(0);
    let used = ran.metric("cpu.usage_cores").unwrap();
    // Duty is wall-clock busy time, so CPU taken by other work on the machine lowers it; the
    // upper bound is the part that cannot drift.
    assert!(
        (0.1..=0.6).contains(&used),
        "duty 0.25 on 2 threads: {used}"
    );
    assert_nothing_left();
}

#[test]
fn workloads_run_together_and_start_when_asked() {
    let Some(_lock) = exclusive("workloads_run_together_and_start_when_asked") else {
        return;
    };
    let ran = run_text(
        "together",
        "duration = \"2s\"\n[limits]\npids = 40\n[[workload]]\nkind = \"cpuspin\"\nthreads = 1\n[[workload]]\nkind = \"forkbomb\"\nstart_after = \"500ms\"\n",
    );
    ran.expect_exit(0);
    let samples = ran.read("samples.csv");
    let spins = column(&samples, "spins");
    let forks = column(&samples, "forks_ok");
    assert!(
        spins.last().unwrap() > &0.0 && forks.last().unwrap() > &0.0,
        "both show in the samples"
    );
    let events = ran.read("events.csv");
    let started = |w: &str| {
        events
            .lines()
            .find(|l| l.contains("workload_start") && l.contains(w))
            .and_then(|l| l.split(',').next())
            .and_then(|t| t.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no start of {w} in {events}"))
    };
    // Ordering, not timing: the delayed one never starts before its delay, the other one
    // does not wait for it.
    let first = started("workload 0");
    let bomb = started("workload 1");
    assert!(
        bomb >= 500.0 && first < bomb,
        "start_after = 500ms: started at {bomb} ms, the other one at {first} ms"
    );
    assert_nothing_left();
}

#[test]
fn the_host_probe_keeps_working_under_a_capped_bomb() {
    let Some(_lock) = exclusive("the_host_probe_keeps_working_under_a_capped_bomb") else {
        return;
    };
    let ran = run_text(
        "probe",
        "duration = \"2s\"\n[limits]\npids = 500\n[[workload]]\nkind = \"forkbomb\"\n",
    );
    ran.expect_exit(0);
    let samples = ran.read("samples.csv");
    let forks = column(&samples, "host_fork_ms");
    assert!(
        forks.len() >= 10,
        "a probe every 100 ms over 2 s: {}",
        forks.len()
    );
    assert!(forks.iter().all(|&ms| ms > 0.0));
    assert_eq!(
        ran.metric("host.fork_failures"),
        Some(0.0),
        "the host can still fork"
    );
    assert!(ran.metric("host.fork_p99_ms").is_some());
    assert!(ran.metric("host.wakeup_late_p99_ms").is_some());
    assert!(
        !column(&samples, "host_psi_cpu_some_us").is_empty(),
        "system-wide PSI beside the sandbox's"
    );
    assert_nothing_left();
}

#[test]
fn a_hog_without_a_memory_limit_meets_the_memory_ceiling() {
    let Some(_lock) = exclusive("a_hog_without_a_memory_limit_meets_the_memory_ceiling") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "ceiling",
        "duration = \"3s\"\n[[workload]]\nkind = \"memhog\"\nsize = \"1GiB\"\n",
    );
    let out = tmp.path().join("out");
    let o = limitlab()
        .args(["run", "--quiet", "--memory-ceiling", "96MiB", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let s = summary(&out);
    let peak = metric(&s, "memory.peak_bytes").unwrap();
    assert!(peak <= 96.0 * 1024.0 * 1024.0, "{peak}");
    assert!(metric(&s, "memory.oom_kills").unwrap() >= 1.0);
    let notes = s["notes"].to_string();
    assert!(
        notes.contains("memory ceiling (96.0 MiB) applied and was reached"),
        "{notes}"
    );
    assert_nothing_left();
}

/// `RLIMIT_NPROC` counts every process of the workload's uid on the machine. With processes
/// of nobody (the default uid) already running beside it, a bomb under `nproc = 6` could
/// not fork once (the soak's coursework cell failed so beside other runs); the run's own
/// leased uid counts only the sandbox.
#[test]
fn rlimit_nproc_counts_only_the_sandbox_beside_other_processes_of_nobody() {
    let test = "rlimit_nproc_counts_only_the_sandbox_beside_other_processes_of_nobody";
    let Some(_lock) = exclusive(test) else {
        return;
    };
    let mut nobodies: Vec<std::process::Child> = (0..6)
        .map(|_| {
            std::process::Command::new("setpriv")
                .args([
                    "--reuid=65534",
                    "--regid=65534",
                    "--clear-groups",
                    "sleep",
                    "60",
                ])
                .spawn()
                .expect("setpriv (util-linux) starts a process of nobody")
        })
        .collect();
    let ran = run_text(
        "nproc",
        "duration = \"1s\"\n[limits]\npids = 64\n[sandbox]\nrlimits = { nproc = 6 }\n[[workload]]\nkind = \"forkbomb\"\nstyle = \"classic\"\n",
    );
    for n in &mut nobodies {
        let _ = n.kill();
        let _ = n.wait();
    }
    ran.expect_exit(0);
    let summary = ran.summary();
    let uid = summary["scenario"]["sandbox"]["uid"].as_u64().unwrap();
    let leased = limitlab::sandbox::uid::PRIVATE_UIDS;
    assert!(
        (u64::from(leased.start)..u64::from(leased.end)).contains(&uid),
        "the workload ran as a uid of the run's own, not {uid}"
    );
    let peak = ran.metric("pids.peak").unwrap();
    assert!(
        (5.0..=7.0).contains(&peak),
        "the bomb forked up to its own RLIMIT_NPROC = 6 (the init and 5 more), not {peak}"
    );
    assert!(ran.metric("workload.forks_failed").unwrap() >= 1.0);
    let notes = summary["notes"].to_string();
    assert!(
        notes.contains(&format!("uid {uid}, leased for this run alone")),
        "{notes}"
    );
    assert_nothing_left();
}
