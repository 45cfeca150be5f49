//! Runs without root. As root, the test makes what a rootless user would have: a user of
//! its own, and a cgroup subtree delegated to it the way systemd (cgroup2) or an
//! administrator (v1) delegates one: the directory, its `cgroup.procs` and `tasks` (v1) or
//! `cgroup.procs`, `cgroup.subtree_control` and `cgroup.threads` (cgroup2) chowned to the
//! user; then it moves a shell into it and runs limitlab as that user with `setpriv`.

mod common;

use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;
use limitlab::sandbox::cgroup::Layout;

/// A system user made for the test and removed after it.
struct TestUser {
    name: String,
    uid: u32,
    gid: u32,
}

impl TestUser {
    fn create() -> Option<TestUser> {
        let name = format!("llrootless{}", std::process::id());
        let made = Command::new("useradd")
            .args([
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                &name,
            ])
            .output();
        match made {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic!("useradd {name}: {}", text(&o)),
            Err(e) => {
                let msg = format!("rootless tests: cannot run useradd ({e})");
                if std::env::var("LIMITLAB_REQUIRE_PRIVILEGED").as_deref() == Ok("1") {
                    panic!("{msg}, and LIMITLAB_REQUIRE_PRIVILEGED=1 forbids skipping");
                }
                eprintln!("SKIPPED {msg}");
                return None;
            }
        }
        let id = |flag: &str| -> u32 {
            let o = Command::new("id").args([flag, &name]).output().unwrap();
            String::from_utf8_lossy(&o.stdout).trim().parse().unwrap()
        };
        Some(TestUser {
            uid: id("-u"),
            gid: id("-g"),
            name,
        })
    }

    /// Processes running as this user, anywhere on the machine.
    fn processes(&self) -> Vec<String> {
        let mut found = Vec::new();
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let status = std::fs::read_to_string(e.path().join("status")).unwrap_or_default();
            let uid = status
                .lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|u| u.parse::<u32>().ok());
            if uid == Some(self.uid) {
                found.push(e.file_name().to_string_lossy().into_owned());
            }
        }
        found
    }
}

impl Drop for TestUser {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.name).output();
    }
}

/// The test's own cgroup in each hierarchy a sandbox uses (v1 ones and the cgroup2 tree),
/// with whether it is a cgroup2 one.
fn hierarchies(layout: &Layout) -> Vec<(String, PathBuf, bool)> {
    let mut out: Vec<(String, PathBuf, bool)> = Vec::new();
    for c in ["pids", "memory", "cpu", "cpuacct"] {
        if let Some(h) = layout.v1.get(c) {
            let dir = h.own_dir().canonicalize().unwrap();
            if !out.iter().any(|(_, d, _)| *d == dir) {
                out.push((c.to_string(), dir, false));
            }
        }
    }
    if let Some(h) = &layout.unified {
        out.push(("cgroup2".into(), h.own_dir(), true));
    }
    out
}

/// A cgroup in each hierarchy (but those in `except`), delegated to `user`.
struct Delegated {
    dirs: Vec<PathBuf>,
}

impl Delegated {
    fn make(user: &TestUser, except: &[&str]) -> Delegated {
        let layout = Layout::detect().unwrap();
        let name = format!("llrootless.{}", std::process::id());
        let mut dirs = Vec::new();
        for (controller, parent, cgroup2) in hierarchies(&layout) {
            if except.contains(&controller.as_str()) {
                continue;
            }
            let dir = parent.join(&name);
            std::fs::create_dir(&dir).unwrap();
            if cgroup2 && layout.mode == limitlab::sandbox::cgroup::Mode::V2 {
                // The controllers a user is given: enabled for the delegated cgroup.
                let _ = std::fs::write(parent.join("cgroup.subtree_control"), "+pids +memory +cpu");
            }
            let files: &[&str] = if cgroup2 {
                &["cgroup.procs", "cgroup.subtree_control", "cgroup.threads"]
            } else {
                &["cgroup.procs", "tasks"]
            };
            chown(&dir, Some(user.uid), Some(user.gid)).unwrap();
            for f in files {
                chown(dir.join(f), Some(user.uid), Some(user.gid)).unwrap();
            }
            dirs.push(dir);
        }
        Delegated { dirs }
    }

    /// Cgroups left beneath the delegated ones.
    fn children(&self) -> Vec<PathBuf> {
        self.dirs
            .iter()
            .flat_map(|d| std::fs::read_dir(d).unwrap().flatten())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect()
    }

    fn procs_files(&self) -> Vec<PathBuf> {
        self.dirs.iter().map(|d| d.join("cgroup.procs")).collect()
    }
}

impl Drop for Delegated {
    fn drop(&mut self) {
        for d in &self.dirs {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// A folder the user can read, with a copy of the binary (the build folder may be in a
/// home it cannot enter) and a results folder it owns.
struct Stage {
    dir: tempfile::TempDir,
}

impl Stage {
    fn new(user: &TestUser) -> Stage {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::copy(BIN, dir.path().join("limitlab")).unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        chown(dir.path().join("out"), Some(user.uid), Some(user.gid)).unwrap();
        Stage { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn scenario(&self, name: &str, toml: &str) -> PathBuf {
        let p = self.path().join(format!("{name}.toml"));
        std::fs::write(&p, toml).unwrap();
        p
    }
}

/// The command line that becomes `user` with nothing of root's: ids, groups, environment.
fn as_user(user: &TestUser, stage: &Stage, args: &str) -> String {
    format!(
        "setpriv --reuid {} --regid {} --clear-groups env -i PATH=/usr/bin:/bin HOME=/nonexistent {}/limitlab {args}",
        user.uid,
        user.gid,
        stage.path().display()
    )
}

/// Runs `limitlab ARGS` as `user`, from a shell first moved into `cgroups` (by root).
fn run_as(user: &TestUser, cgroups: &[PathBuf], stage: &Stage, args: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "for f in \"$@\"; do echo $$ > \"$f\" || exit 97; done; exec {}",
            as_user(user, stage, args)
        ))
        .arg("sh")
        .args(cgroups)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_rootless_run_on_a_delegated_subtree_holds_a_fork_bomb() {
    let Some(_lock) = exclusive("a_rootless_run_on_a_delegated_subtree_holds_a_fork_bomb") else {
        return;
    };
    let Some(user) = TestUser::create() else {
        return;
    };
    let delegated = Delegated::make(&user, &[]);
    let stage = Stage::new(&user);

    let doctor = run_as(&user, &delegated.procs_files(), &stage, "doctor");
    assert_eq!(doctor.status.code(), Some(0), "{}", text(&doctor));
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(said.contains("ok      user namespaces"), "{said}");

    let bomb = stage.scenario(
        "bomb",
        "duration = \"2s\"\n[limits]\npids = 50\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"pids.peak\" = \"<= 50\"\n\"pids.limit_hits\" = \">= 1\"\n\"teardown.leaked\" = \"== 0\"\n",
    );
    let out = stage.path().join("out/bomb");
    let ran = run_as(
        &user,
        &delegated.procs_files(),
        &stage,
        &format!("run --out {} {}", out.display(), bomb.display()),
    );
    assert_eq!(ran.status.code(), Some(0), "{}", text(&ran));
    let s = summary(&out);
    assert_eq!(s["host"]["root"], false);
    assert_eq!(s["host"]["uid"], user.uid);
    assert!(
        s["notes"].to_string().contains("Ran without root"),
        "{}",
        s["notes"]
    );
    assert!(metric(&s, "pids.peak").unwrap() <= 50.0);

    // Inside: the scenario's unprivileged uid, no capabilities, the syscall filter.
    let ids = stage.scenario(
        "ids",
        "duration = \"1s\"\n[[workload]]\nkind = \"command\"\nargv = [\"sh\", \"-c\", \"id -u; id -g; cat /proc/self/uid_map; grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status\"]\n",
    );
    let out = stage.path().join("out/ids");
    let ran = run_as(
        &user,
        &delegated.procs_files(),
        &stage,
        &format!("run --out {} {}", out.display(), ids.display()),
    );
    assert_eq!(ran.status.code(), Some(0), "{}", text(&ran));
    let log = std::fs::read_to_string(out.join("workload.log")).unwrap();
    let lines: Vec<Vec<&str>> = log
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines[0], ["65534"], "{log}");
    assert_eq!(lines[1], ["65534"], "{log}");
    assert_eq!(
        lines[2],
        ["65534", "0", "1"],
        "the uid map of the inner namespace: {log}"
    );
    assert!(log.contains("CapEff:\t0000000000000000"), "{log}");
    assert!(log.contains("NoNewPrivs:\t1"), "{log}");
    assert!(log.contains("Seccomp:\t2"), "{log}");

    assert!(
        delegated.children().is_empty(),
        "cgroups left beneath the delegated ones: {:?}",
        delegated.children()
    );
    assert!(
        user.processes().is_empty(),
        "processes of the user left: {:?}",
        user.processes()
    );
    assert_nothing_left();
}

#[test]
fn rootless_doctor_and_run_name_each_missing_piece() {
    let Some(_lock) = exclusive("rootless_doctor_and_run_name_each_missing_piece") else {
        return;
    };
    let Some(user) = TestUser::create() else {
        return;
    };
    let stage = Stage::new(&user);
    let bomb = stage.scenario(
        "bomb",
        "duration = \"1s\"\n[limits]\npids = 20\n[[workload]]\nkind = \"forkbomb\"\n",
    );
    let run_args = format!(
        "run --out {} {}",
        stage.path().join("out/r").display(),
        bomb.display()
    );
    // Each case: where the shell is, what doctor and run must both say.
    let check = |cgroups: &[PathBuf], missing: &str, says: &str| {
        let doctor = run_as(&user, cgroups, &stage, "doctor");
        assert_eq!(doctor.status.code(), Some(3), "{}", text(&doctor));
        let out = String::from_utf8_lossy(&doctor.stdout);
        assert!(out.contains(&format!("MISSING {missing}")), "{out}");
        assert!(out.contains(says), "{out}");
        let ran = run_as(&user, cgroups, &stage, &run_args);
        assert_eq!(ran.status.code(), Some(3), "{}", text(&ran));
        let err = String::from_utf8_lossy(&ran.stderr);
        assert!(err.contains(says), "run says what doctor says: {err}");
        assert!(
            !stage.path().join("out/r/summary.json").exists(),
            "nothing runs"
        );
    };

    // No delegation: the shell stays in the test's own cgroups, which root owns.
    check(
        &[],
        "cgroup delegation",
        "no cgroup here is delegated to you",
    );

    // Everything but the memory hierarchy (v1) or the memory controller (cgroup2).
    let layout = Layout::detect().unwrap();
    if layout.mode == limitlab::sandbox::cgroup::Mode::V2 {
        eprintln!("SKIPPED (one controller not delegated): made by the VM suite on cgroup v2");
    } else {
        let partial = Delegated::make(&user, &["memory"]);
        let memory = layout.v1["memory"].own_dir();
        check(
            &partial.procs_files(),
            "memory delegated",
            &format!("{} is not yours", memory.display()),
        );
    }

    // User namespaces turned off: inside a user namespace of the test's whose
    // user.max_user_namespaces is 0 (the sysctl is per user namespace), with every id of
    // the host mapped to itself so the user is still the user.
    let full = Delegated::make(&user, &[]);
    for args in ["doctor", run_args.as_str()] {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "for f in \"$@\"; do echo $$ > \"$f\" || exit 97; done; exec unshare --user -- sh -c 'read go; exec sh -c \"echo 0 > /proc/sys/user/max_user_namespaces && exec {}\"'",
                as_user(&user, &stage, args)
            ))
            .arg("sh")
            .args(full.procs_files())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        // The shell execs unshare, which execs sh, in the same process: wait for the new
        // user namespace, then map every id to itself.
        let mine = std::fs::read_link("/proc/self/ns/user").unwrap();
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::fs::read_link(format!("/proc/{pid}/ns/user")).is_ok_and(|ns| ns == mine) {
            assert!(std::time::Instant::now() < until, "unshare --user started");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::fs::write(format!("/proc/{pid}/uid_map"), "0 0 4294967295\n").unwrap();
        std::fs::write(format!("/proc/{pid}/gid_map"), "0 0 4294967295\n").unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"go\n").unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(3), "{args}: {}", text(&o));
        let all = text(&o);
        assert!(
            all.contains("user.max_user_namespaces = 0"),
            "{args}: {all}"
        );
    }
    assert!(full.children().is_empty());
    assert!(user.processes().is_empty(), "{:?}", user.processes());
    assert_nothing_left();
}
