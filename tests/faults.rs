//! Faults: the harness killed at any moment, stopped by a signal, and leftovers cleaned.

mod common;

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;
use nix::sys::signal::Signal;

const BOMB: &str = "duration = \"20s\"\n[limits]\npids = 500\n[[workload]]\nkind = \"forkbomb\"\n";

/// The sandbox cgroup directories of harness `pid`.
fn sandbox_dirs(pid: u32) -> Vec<PathBuf> {
    let prefix = format!("limitlab.{pid}.");
    leftover_cgroups()
        .into_iter()
        .filter(|d| {
            d.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&prefix)
        })
        .collect()
}

fn tasks(dirs: &[PathBuf]) -> usize {
    dirs.iter()
        .map(|d| {
            std::fs::read_to_string(d.join("cgroup.procs"))
                .map(|s| s.lines().count())
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0)
}

fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(2));
    }
    start.elapsed()
}

/// Starts `limitlab run` of `toml` (results in `tmp/out`), stalled at `stall` if given.
fn start_run(tmp: &tempfile::TempDir, toml: &str, stall: Option<&str>) -> Child {
    let file = scenario(tmp.path(), "bomb", toml);
    let mut cmd = limitlab();
    if let Some(point) = stall {
        cmd.env("LIMITLAB_TEST_STALL_AT", point);
    }
    cmd.args(["run", "--quiet", "--out"])
        .arg(tmp.path().join("out"))
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn start_bomb(tmp: &tempfile::TempDir, stall: Option<&str>) -> Child {
    start_run(tmp, BOMB, stall)
}

/// Waits until the run's events say teardown has begun.
fn wait_teardown(tmp: &tempfile::TempDir) {
    let events = tmp.path().join("out/events.csv");
    wait_for("teardown begins", Duration::from_secs(20), || {
        std::fs::read_to_string(&events).is_ok_and(|e| e.contains("teardown_start"))
    });
}

/// Kills harness `pid` with `signal`, one it does not handle (SIGKILL, SIGUSR2), and waits, at
/// most `limit`, until its sandbox cgroups `dirs` hold no task; says how long that took.
fn kill_and_wait_empty(
    test: &str,
    signal: Signal,
    pid: u32,
    dirs: &[PathBuf],
    limit: Duration,
) -> Duration {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal).unwrap();
    let took = wait_for(
        &format!("{test}: sandbox empty after {signal}"),
        limit,
        || tasks(dirs) == 0,
    );
    eprintln!("{test}: sandbox empty {took:?} after the harness's {signal}");
    took
}

/// A directory named `name` in each of this process's own cgroups (one per hierarchy).
fn make_in_every_parent(name: &str) -> Vec<PathBuf> {
    let layout = limitlab::sandbox::cgroup::Layout::detect().unwrap();
    let made: Vec<PathBuf> = layout.parents().iter().map(|p| p.join(name)).collect();
    for d in &made {
        std::fs::create_dir(d).unwrap();
    }
    made
}

/// Kills the harness with `signal` once `ready` says so; the sandbox must be empty within 1 s
/// and its cgroups gone soon after. What `outlive` makes of the harness's pid just before the
/// kill is kept until then.
fn kill_when<K>(
    test: &str,
    signal: Signal,
    stall: Option<&str>,
    ready: impl Fn(&[PathBuf]) -> bool,
    outlive: impl FnOnce(u32) -> K,
) {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = start_bomb(&tmp, stall);
    let pid = child.id();
    wait_for(
        &format!("{test}: the moment to kill"),
        Duration::from_secs(20),
        || {
            let dirs = sandbox_dirs(pid);
            !dirs.is_empty() && ready(&dirs)
        },
    );
    let dirs = sandbox_dirs(pid);
    let kept = outlive(pid);
    kill_and_wait_empty(test, signal, pid, &dirs, Duration::from_secs(1));
    wait_for(
        &format!("{test}: cgroups removed"),
        Duration::from_secs(10),
        || dirs.iter().all(|d| !d.exists()),
    );
    drop(kept);
    let _ = child.wait();
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("limitlab supervisor: the harness died"),
        "{err}"
    );
    assert_nothing_left();
}

#[test]
fn sigkill_during_setup_leaves_nothing() {
    let Some(_lock) = exclusive("sigkill_during_setup_leaves_nothing") else {
        return;
    };
    // Stalled after the init set the sandbox up, before the workload was released.
    kill_when(
        "setup",
        Signal::SIGKILL,
        Some("setup"),
        |dirs| tasks(dirs) == 1,
        |_| (),
    );
}

#[test]
fn sigkill_at_bomb_saturation_leaves_nothing() {
    let Some(_lock) = exclusive("sigkill_at_bomb_saturation_leaves_nothing") else {
        return;
    };
    kill_when(
        "saturation",
        Signal::SIGKILL,
        None,
        |dirs| tasks(dirs) >= 490,
        |_| (),
    );
}

/// The pid of harness `pid`'s supervisor (its child running `limitlab __supervise`).
fn supervisor_of(pid: u32) -> u32 {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|c| {
            c.split_whitespace()
                .filter_map(|p| p.parse::<u32>().ok())
                .collect::<Vec<_>>()
        })
        .find(|c| {
            std::fs::read(format!("/proc/{c}/cmdline"))
                .is_ok_and(|cmd| String::from_utf8_lossy(&cmd).contains("__supervise"))
        })
        .expect("the harness has a supervisor")
}

#[test]
fn a_fatal_signal_while_the_harness_pipe_outlives_it_leaves_nothing() {
    let test = "a_fatal_signal_while_the_harness_pipe_outlives_it_leaves_nothing";
    let Some(_lock) = exclusive(test) else {
        return;
    };
    // A dead harness's descriptors close when no copy of them is left: a child it had just
    // forked holds copies until it exits or execs. Here this test keeps the supervisor's pipe
    // open for writing, as such a copy would, and the harness dies of a signal it does not
    // handle (SIGUSR2, so no SIGKILL is pending and no core is dumped): only its exit can
    // tell, and the supervisor must see it all the same.
    kill_when(
        "pipe kept open",
        Signal::SIGUSR2,
        None,
        |dirs| tasks(dirs) >= 490,
        |pid| {
            let pipe = format!("/proc/{}/fd/0", supervisor_of(pid));
            std::fs::OpenOptions::new().write(true).open(&pipe).unwrap()
        },
    );
}

/// Harness `pid` frozen in a v1 freezer cgroup of its own (beneath this process's), thawed
/// and removed when dropped: the kernel holds every thread of a frozen process asleep, and a
/// SIGKILL stays pending until the thaw.
struct Frozen {
    cell: PathBuf,
}

impl Frozen {
    fn harness(freezer: &std::path::Path, pid: u32) -> Frozen {
        let cell = freezer.join(format!("frozen-harness.{pid}"));
        std::fs::create_dir(&cell).unwrap();
        let frozen = Frozen { cell };
        std::fs::write(frozen.cell.join("cgroup.procs"), pid.to_string()).unwrap();
        std::fs::write(frozen.cell.join("freezer.state"), "FROZEN").unwrap();
        wait_for("the harness is frozen", Duration::from_secs(5), || {
            std::fs::read_to_string(frozen.cell.join("freezer.state"))
                .is_ok_and(|s| s.trim() == "FROZEN")
        });
        frozen
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        let _ = std::fs::write(self.cell.join("freezer.state"), "THAWED");
        let start = Instant::now();
        while std::fs::remove_dir(&self.cell).is_err() && start.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

#[test]
fn sigkill_of_a_harness_the_kernel_holds_still_empties_its_sandbox() {
    let test = "sigkill_of_a_harness_the_kernel_holds_still_empties_its_sandbox";
    let Some(_lock) = exclusive(test) else {
        return;
    };
    // A killed harness whose thread the kernel keeps asleep keeps its descriptors, the
    // supervisor's pipe among them, open: the supervisor must see the pending SIGKILL. The
    // v1 freezer is where a test can make that happen; cgroup2's freezer lets a killed task
    // die, so there the case does not arise.
    // The freezer cgroup goes beneath this process's own, never at the hierarchy's root.
    let layout = limitlab::sandbox::cgroup::Layout::detect().unwrap();
    let freezer = match layout.v1.get("freezer") {
        Some(h) if h.own != "/" => h.own_dir(),
        Some(_) => {
            eprintln!(
                "SKIPPED {test}: this process's v1 freezer cgroup is the hierarchy's root, \
                 where no cgroup may be made (run it from a freezer cgroup of its own)"
            );
            return;
        }
        None => {
            eprintln!(
                "SKIPPED {test}: no cgroup v1 freezer here (cgroup2's lets a killed task die)"
            );
            return;
        }
    };
    kill_when(
        "frozen",
        Signal::SIGKILL,
        None,
        |dirs| tasks(dirs) >= 490,
        |pid| Frozen::harness(&freezer, pid),
    );
}

#[test]
fn sigkill_during_teardown_leaves_nothing() {
    let Some(_lock) = exclusive("sigkill_during_teardown_leaves_nothing") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut child = start_run(
        &tmp,
        "duration = \"300ms\"\n[limits]\npids = 500\n[[workload]]\nkind = \"forkbomb\"\n",
        Some("teardown"),
    );
    let pid = child.id();
    // Stalled once teardown has begun: the events file says so.
    wait_teardown(&tmp);
    let dirs = sandbox_dirs(pid);
    assert!(tasks(&dirs) >= 490, "the bomb is still saturated");
    kill_and_wait_empty(
        "teardown",
        Signal::SIGKILL,
        pid,
        &dirs,
        Duration::from_secs(1),
    );
    let _ = child.wait();
    wait_for("cgroups removed", Duration::from_secs(10), || {
        dirs.iter().all(|d| !d.exists())
    });
    assert_nothing_left();
}

fn stop_with(sig: nix::sys::signal::Signal, twice: bool) -> (Option<i32>, serde_json::Value) {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = start_bomb(&tmp, None);
    let pid = child.id();
    wait_for("the bomb saturates", Duration::from_secs(20), || {
        let d = sandbox_dirs(pid);
        !d.is_empty() && tasks(&d) >= 490
    });
    let p = nix::unistd::Pid::from_raw(pid as i32);
    nix::sys::signal::kill(p, sig).unwrap();
    if twice {
        std::thread::sleep(Duration::from_millis(2));
        let _ = nix::sys::signal::kill(p, sig);
    }
    let status = child.wait().unwrap();
    let s = summary(&tmp.path().join("out"));
    assert_nothing_left();
    (status.code(), s)
}

#[test]
fn sigint_tears_down_and_writes_an_aborted_summary() {
    let Some(_lock) = exclusive("sigint_tears_down_and_writes_an_aborted_summary") else {
        return;
    };
    let (code, s) = stop_with(nix::sys::signal::Signal::SIGINT, true);
    assert_eq!(code, Some(130));
    assert_eq!(s["aborted"], true);
    assert_eq!(s["abort_reason"], "stopped by SIGINT");
    assert_eq!(s["metrics"]["teardown.leaked"], 0.0);
    assert!(
        s["metrics"]["sampling.samples"].as_f64().unwrap() > 0.0,
        "the samples taken are kept"
    );
}

#[test]
fn sigterm_tears_down_and_exits_143() {
    let Some(_lock) = exclusive("sigterm_tears_down_and_exits_143") else {
        return;
    };
    let (code, s) = stop_with(nix::sys::signal::Signal::SIGTERM, false);
    assert_eq!(code, Some(143));
    assert_eq!(s["abort_reason"], "stopped by SIGTERM");
}

#[test]
fn clean_removes_leftovers_and_nothing_else() {
    let Some(_lock) = exclusive("clean_removes_leftovers_and_nothing_else") else {
        return;
    };
    let layout = limitlab::sandbox::cgroup::Layout::detect().unwrap();
    // A leftover of a harness that cannot exist (a pid above pid_max), with a live process in
    // its pids cgroup, and a directory that only looks similar.
    let dead = "limitlab.2147483647.7";
    let mut made = make_in_every_parent(dead);
    made.extend(make_in_every_parent("limitlabish.1.0"));
    let mut sleeper = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let pids_dir = layout
        .v1
        .get("pids")
        .or(layout.unified.as_ref())
        .unwrap()
        .own_dir()
        .join(dead);
    std::fs::write(pids_dir.join("cgroup.procs"), sleeper.id().to_string()).unwrap();

    let o = limitlab().arg("clean").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("removed {dead}")) && out.contains("1 process killed, "),
        "{out}"
    );
    assert!(
        sleeper.wait().unwrap().code().is_none(),
        "the leftover's process was killed"
    );
    for d in &made {
        let ours = d.file_name().unwrap() == dead;
        assert_eq!(d.exists(), !ours, "{}", d.display());
        if !ours {
            std::fs::remove_dir(d).unwrap();
        }
    }
    let o = limitlab().arg("clean").output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing to clean"));
    assert_nothing_left();
}

#[test]
fn a_full_results_filesystem_is_reported_and_leaves_nothing() {
    let Some(_lock) = exclusive("a_full_results_filesystem_is_reported_and_leaves_nothing") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "full",
        "duration = \"2s\"\n[limits]\npids = 50\n[[workload]]\nkind = \"forkbomb\"\n[sampling]\ninterval = \"1ms\"\n",
    );
    let disk = tmp.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    // A 32 KiB tmpfs, mounted in a mount namespace of the run's own, fills up mid-run.
    let o = std::process::Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg("mount -t tmpfs -o size=32k tmpfs \"$1\" && exec \"$2\" run --quiet --out \"$1/out\" \"$3\"")
        .arg("sh")
        .arg(&disk)
        .arg(BIN)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains("teardown left nothing behind"), "{err}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("full: HELD"),
        "the verdict is still shown"
    );
    assert_nothing_left();
}

#[test]
fn a_run_stuck_past_its_deadline_is_given_up_and_leaves_nothing() {
    let Some(_lock) = exclusive("a_run_stuck_past_its_deadline_is_given_up_and_leaves_nothing")
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // The harness stalls (60 s) once teardown has begun: the watchdog kills the sandbox at
    // the deadline (duration + 15 s grace), and 10 s later gives the run up.
    let child = start_run(
        &tmp,
        "duration = \"300ms\"\n[limits]\npids = 200\n[[workload]]\nkind = \"forkbomb\"\n",
        Some("teardown"),
    );
    let pid = child.id();
    wait_teardown(&tmp);
    let events = tmp.path().join("out/events.csv");
    let dirs = sandbox_dirs(pid);
    assert!(!dirs.is_empty());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("giving up"), "{stderr}");
    assert!(
        std::fs::read_to_string(&events)
            .unwrap()
            .contains("deadline"),
        "the watchdog recorded the deadline"
    );
    // Removed by the harness itself before it ended, not later by the supervisor.
    assert!(
        dirs.iter().all(|d| !d.exists()),
        "cgroups left at exit: {dirs:?}"
    );
    assert_nothing_left();
}

/// `limitlab exec` has no supervisor: the sandbox init dies with the harness through its
/// parent-death signal, which must survive the init's drop to the sandbox's uid (the kernel
/// clears it on every credential change), and the pid namespace takes the command with it.
#[test]
fn sigkill_of_an_exec_harness_takes_its_sandbox_down() {
    let test = "sigkill_of_an_exec_harness_takes_its_sandbox_down";
    let Some(_lock) = exclusive(test) else {
        return;
    };
    let mut child = limitlab()
        .args(["exec", "--pids", "20", "--", "sleep", "600"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    // The init and the command are both in the sandbox.
    wait_for(
        &format!("{test}: the command runs"),
        Duration::from_secs(20),
        || tasks(&sandbox_dirs(pid)) >= 2,
    );
    let dirs = sandbox_dirs(pid);
    kill_and_wait_empty(test, Signal::SIGKILL, pid, &dirs, Duration::from_secs(10));
    let _ = child.wait();
    // Its empty cgroups are what `limitlab clean` is for.
    let o = limitlab().arg("clean").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(dirs.iter().all(|d| !d.exists()), "{}", text(&o));
    assert_nothing_left();
}

#[test]
fn a_run_removes_what_a_killed_harness_left_first() {
    let Some(_lock) = exclusive("a_run_removes_what_a_killed_harness_left_first") else {
        return;
    };
    // Empty cgroups of a harness that cannot exist (a pid above pid_max), as a harness and
    // its supervisor killed together leave them.
    let dead = "limitlab.2147483646.3";
    let made = make_in_every_parent(dead);
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "quick",
        "duration = \"200ms\"\n[limits]\npids = 10\n[[workload]]\nkind = \"command\"\nargv = [\"true\"]\n",
    );
    let o = run(&file, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&format!("removed {dead}")),
        "{}",
        text(&o)
    );
    for d in &made {
        assert!(!d.exists(), "{} is left", d.display());
    }
    assert_nothing_left();
}
