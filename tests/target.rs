//! Attacking a container that already exists: its own limits hold the workload, it
//! survives, and limitlab leaves nothing of its own. The "containers" here are made by the
//! test: a process in new namespaces (unshare) inside a pids-capped cgroup; and, where lxc
//! is installed (CI installs it), a real LXC container.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use limitlab::sandbox::cgroup::{Layout, Mode};

/// A process in its own pid, mount, net, uts and ipc namespaces, in a cgroup of the test's.
struct Container {
    unshare: Child,
    init: i32,
    /// The container's pids cgroup, and its path relative to the hierarchy root.
    dir: PathBuf,
    rel: String,
}

impl Container {
    fn start(pids_max: Option<u64>) -> Option<Container> {
        let layout = Layout::detect().unwrap();
        if layout.mode == Mode::V2 {
            eprintln!(
                "SKIPPED: the test container's cgroup needs the v1 pids hierarchy (hybrid or v1)"
            );
            return None;
        }
        let h = &layout.v1["pids"];
        // Not named limitlab.*: limitlab's clean would take it for a leftover of its own.
        let name = format!("lltarget.{}.{}", std::process::id(), rand_suffix());
        let dir = h.own_dir().join(&name);
        std::fs::create_dir(&dir).unwrap();
        if let Some(max) = pids_max {
            std::fs::write(dir.join("pids.max"), max.to_string()).unwrap();
        }
        let rel = format!("{}/{name}", h.own.trim_end_matches('/'));
        // The shell joins the cgroup before unshare starts, so the whole container is in it.
        let unshare = Command::new("sh")
            .arg("-c")
            .arg("echo $$ > \"$1/cgroup.procs\" && exec unshare --pid --mount --net --uts --ipc --fork --kill-child --mount-proc sleep 600")
            .arg("sh")
            .arg(&dir)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let upid = unshare.id();
        let mut init = 0;
        let until = Instant::now() + Duration::from_secs(5);
        while init == 0 && Instant::now() < until {
            init = std::fs::read_to_string(format!("/proc/{upid}/task/{upid}/children"))
                .ok()
                .and_then(|c| c.split_whitespace().next().and_then(|p| p.parse().ok()))
                .unwrap_or(0);
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(init > 0, "the container's init started");
        Some(Container {
            unshare,
            init,
            dir,
            rel,
        })
    }

    fn alive(&self) -> bool {
        std::fs::read_to_string(format!("/proc/{}/stat", self.init))
            .is_ok_and(|s| !s.contains(") Z "))
    }

    fn stop(&mut self) {
        let _ = self.unshare.kill();
        let _ = self.unshare.wait();
        let until = Instant::now() + Duration::from_secs(10);
        // Stopped twice (by a test, then by Drop): the second finds the directory gone.
        while let Err(e) = std::fs::remove_dir(&self.dir) {
            if e.kind() == std::io::ErrorKind::NotFound || Instant::now() >= until {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        self.stop();
    }
}

fn rand_suffix() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[test]
fn a_bomb_in_a_container_is_held_by_the_containers_own_limit() {
    let Some(_lock) = exclusive("a_bomb_in_a_container_is_held_by_the_containers_own_limit") else {
        return;
    };
    let Some(mut c) = Container::start(Some(60)) else {
        return;
    };
    let ran = run_text(
        "contained",
        &format!(
            "duration = \"2s\"\n[target]\npid = {}\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"target.pids_limit\" = \"== 60\"\n\"target.pids_peak\" = \"<= 60\"\n\"target.pids_limit_hits\" = \">= 1\"\n",
            c.init
        ),
    );
    ran.expect_exit(0);
    let s = ran.summary();
    assert_eq!(s["target"]["alive_after"], true);
    assert!(
        s["held_by"]
            .as_str()
            .unwrap()
            .contains("the target's own pids.max = 60"),
        "{}",
        s["held_by"]
    );
    assert!(c.alive(), "the container's own process survived teardown");
    // The workload ran in the container's pid namespace: pid 1 there is the container's.
    let events = ran.read("events.csv");
    assert!(events.contains("(pid "), "{events}");
    // It saw the target's own root, with runc's masks applied in a copy of the target's
    // mount namespace: the target's own mounts are as they were.
    let view = &s["view"];
    assert_eq!(view["root"], "the target's own root", "{view}");
    assert!(
        view["masked"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "/proc/timer_list"),
        "{view}"
    );
    let mounts = std::fs::read_to_string(format!("/proc/{}/mountinfo", c.init)).unwrap();
    assert!(!mounts.contains("/proc/timer_list"), "{mounts}");
    c.stop();
    assert_nothing_left();
}

#[test]
fn a_cgroup_target_holds_a_sandbox_of_limitlabs_own() {
    let Some(_lock) = exclusive("a_cgroup_target_holds_a_sandbox_of_limitlabs_own") else {
        return;
    };
    let Some(mut c) = Container::start(Some(40)) else {
        return;
    };
    let ran = run_text(
        "slice",
        &format!(
            "duration = \"1500ms\"\n[target]\ncgroup = \"{}\"\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"target.pids_limit\" = \"== 40\"\n\"target.pids_limit_hits\" = \">= 1\"\n",
            c.rel
        ),
    );
    ran.expect_exit(0);
    // Its own namespaces: the sandbox init is pid 1, not the container's.
    assert!(ran.read("events.csv").contains("(pid 2 in the sandbox)"));
    c.stop();
    assert_nothing_left();
}

#[test]
fn bad_targets_are_refused_and_leave_nothing() {
    let Some(_lock) = exclusive("bad_targets_are_refused_and_leave_nothing") else {
        return;
    };
    let bomb = |target: &str| {
        format!("duration = \"1s\"\n[target]\n{target}\n[[workload]]\nkind = \"forkbomb\"\n")
    };
    let cases: Vec<(String, i32, &str)> = vec![
        (bomb("pid = 2147483000"), 2, "no process"),
        (
            bomb("cgroup = \"/no-such-cgroup-limitlab\""),
            2,
            "does not exist",
        ),
        (bomb("cgroup = \"/a/../b\""), 2, "may not contain"),
        // podman: not running (2) where podman is installed, not installed (3) where not.
        (bomb("podman = \"no-such-container-limitlab\""), 0, "odman"),
        (bomb("lxc = \"no-such-container-limitlab\""), 0, ""),
    ];
    for (text, code, hint) in cases {
        let ran = run_text("bad", &text);
        let got = ran.output.status.code();
        if code == 0 {
            // lxc: not running (2) where lxc is installed, not installed (3) where it is not.
            assert!(
                matches!(got, Some(2) | Some(3)),
                "{text}: {}",
                common::text(&ran.output)
            );
            assert!(ran.stderr().contains(hint), "{text}: {}", ran.stderr());
        } else {
            assert_eq!(got, Some(code), "{text}: {}", common::text(&ran.output));
            assert!(ran.stderr().contains(hint), "{text}: {}", ran.stderr());
        }
        assert!(
            !ran.out.join("summary.json").exists(),
            "no results for a refused target"
        );
        assert_nothing_left();
    }
    // A container without a pids limit cannot take a bomb, unless the scenario caps
    // limitlab's own cgroup. Under a pids-capped parent (guard, a CI slice) every cgroup of
    // ours has a limit above it, so the refusal cannot be shown here; the unit tests of
    // limits_above cover it.
    if let Some((dir, max)) = Layout::detect().unwrap().pids_cap() {
        eprintln!(
            "SKIPPED (uncapped-container case): this test runs beneath {} with pids.max = {max}, so no container of ours is uncapped",
            dir.display()
        );
        return;
    }
    let Some(mut c) = Container::start(None) else {
        return;
    };
    let ran = run_text("uncapped", &bomb(&format!("pid = {}", c.init)));
    ran.expect_exit(2);
    assert!(
        ran.stderr().contains("has no pids limit"),
        "{}",
        ran.stderr()
    );
    let ran = run_text(
        "capped",
        &format!(
            "duration = \"1s\"\n[target]\npid = {}\n[limits]\npids = 30\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"pids.peak\" = \"<= 30\"\n",
            c.init
        ),
    );
    ran.expect_exit(0);
    c.stop();
    assert_nothing_left();
}

#[test]
fn a_target_that_dies_mid_run_ends_the_run_cleanly() {
    let Some(_lock) = exclusive("a_target_that_dies_mid_run_ends_the_run_cleanly") else {
        return;
    };
    let Some(mut c) = Container::start(Some(50)) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(
        tmp.path(),
        "dies",
        &format!(
            "duration = \"20s\"\n[target]\npid = {}\n[[workload]]\nkind = \"forkbomb\"\n",
            c.init
        ),
    );
    let out = tmp.path().join("out");
    let mut run = limitlab()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    c.stop();
    let status = run.wait().unwrap();
    // The container did not survive: the expectation every target scenario has fails.
    assert_eq!(status.code(), Some(1), "{status:?}");
    let s = summary(&out);
    assert_eq!(s["target"]["alive_after"], false);
    assert_eq!(metric(&s, "target.alive"), Some(0.0));
    // The run ended with its container, not at its duration.
    let lasted = metric(&s, "run.duration_ms").unwrap();
    assert!(lasted < 20_000.0, "the run lasted {lasted} ms");
    let alive = s["expectations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["metric"] == "target.alive")
        .unwrap_or_else(|| panic!("no target.alive expectation in {s}"));
    assert_eq!(alive["held"], false, "{alive}");
    assert!(report_says_dead(&out));
    assert_nothing_left();
}

fn report_says_dead(out: &std::path::Path) -> bool {
    std::fs::read_to_string(out.join("report.md")).is_ok_and(|r| r.contains("did NOT survive"))
}

// lxc-stop moves its monitor into an `lxc.pivot` cgroup beside the container's and leaves
// it; those the run made are removed with the container.
struct Destroy(String, Vec<PathBuf>);
impl Drop for Destroy {
    fn drop(&mut self) {
        let _ = Command::new("lxc-stop")
            .args(["-k", "-n", &self.0])
            .output();
        let _ = Command::new("lxc-destroy").args(["-n", &self.0]).output();
        let mut made: Vec<PathBuf> = pivots()
            .into_iter()
            .filter(|p| !self.1.contains(p))
            .collect();
        made.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
        for dir in made {
            let _ = std::fs::remove_dir(&dir);
        }
    }
}
fn pivots() -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, depth: usize, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            if !e.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            if e.file_name() == "lxc.pivot" {
                found.push(e.path());
            }
            if depth > 0 {
                walk(&e.path(), depth - 1, found);
            }
        }
    }
    let mut found = Vec::new();
    walk(std::path::Path::new("/sys/fs/cgroup"), 8, &mut found);
    found
}

#[test]
fn an_lxc_containers_pids_limit_holds_the_course_fork_bomb() {
    if !privileged("an_lxc_containers_pids_limit_holds_the_course_fork_bomb") {
        return;
    }
    let have_lxc = Command::new("lxc-create")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_lxc {
        let msg = "an_lxc_containers_pids_limit_holds_the_course_fork_bomb: lxc is not installed (apt-get install lxc busybox-static)";
        if std::env::var("LIMITLAB_REQUIRE_PRIVILEGED").as_deref() == Ok("1") {
            panic!("{msg}, and LIMITLAB_REQUIRE_PRIVILEGED=1 forbids skipping");
        }
        eprintln!("SKIPPED {msg}");
        return;
    }
    let _lock = serial();
    let name = format!("limitlab-test-{}", std::process::id());
    let sh = |script: &str| {
        let o = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("sh")
            .arg(&name)
            .output()
            .unwrap();
        assert!(o.status.success(), "{script}: {}", text(&o));
    };
    // The README's recipe: a busybox container, no network, its pids limit at 1000; and
    // lxc.cgroup.relative, so that its cgroups are made beneath the test's, not at the root.
    let before = pivots();
    sh("lxc-create -q -t busybox -n \"$1\"");
    let destroy = Destroy(name.clone(), before);
    let v2 = Layout::detect().unwrap().mode == Mode::V2;
    let key = if v2 {
        "lxc.cgroup2.pids.max"
    } else {
        "lxc.cgroup.pids.max"
    };
    sh(&format!(
        "c=/var/lib/lxc/$1/config; sed -i '/^lxc.net.0/d; /^lxc.apparmor.profile/d' $c; printf 'lxc.net.0.type = empty\\nlxc.apparmor.profile = unconfined\\nlxc.cgroup.relative = 1\\n{key} = 1000\\n' >> $c; lxc-start -n \"$1\" -d"
    ));
    let o = limitlab()
        .args([
            "run",
            "--quiet",
            "--target",
            &format!("lxc:{name}"),
            "--out",
        ])
        .arg(tempfile::tempdir().unwrap().path().join("out"))
        .arg(root().join("scenarios/lxc-forkbomb.toml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("What held it: the target's own pids.max = 1000"),
        "{stdout}"
    );
    if !v2 {
        let own = Layout::detect().unwrap().v1["pids"].own_dir();
        assert!(
            stdout.contains(&format!("({}/", own.display())),
            "the container's cgroup is beneath the test's {}: {stdout}",
            own.display()
        );
    }
    let state = Command::new("lxc-info")
        .args(["-s", "-n", &name])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&state.stdout).contains("RUNNING"),
        "the container survived"
    );
    // The container's own processes live in a pid namespace nested in ours: gone with it.
    drop(destroy);
    assert_nothing_left();
}
