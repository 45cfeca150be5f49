//! Helpers for the tests that drive the real binary against the real kernel.
#![allow(dead_code)]

pub mod browser;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};

use limitlab::sandbox::cgroup::{Layout, NAME_PREFIX};

pub const BIN: &str = env!("CARGO_BIN_EXE_limitlab");

/// The project's own folder (shipped scenarios live in `scenarios/`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn limitlab() -> Command {
    Command::new(BIN)
}

/// Whether the privileged tests can run. They skip with a printed reason when they cannot,
/// and fail instead when `LIMITLAB_REQUIRE_PRIVILEGED=1` (CI sets it).
pub fn privileged(test: &str) -> bool {
    let reason = if !nix::unistd::geteuid().is_root() {
        Some("needs root")
    } else if let Err(e) = Layout::detect() {
        eprintln!("{e}");
        Some("needs a usable cgroup hierarchy")
    } else {
        None
    };
    match reason {
        None => true,
        Some(why) if std::env::var("LIMITLAB_REQUIRE_PRIVILEGED").as_deref() == Ok("1") => {
            panic!("{test}: {why}, and LIMITLAB_REQUIRE_PRIVILEGED=1 forbids skipping")
        }
        Some(why) => {
            eprintln!("SKIPPED {test}: {why} (set LIMITLAB_REQUIRE_PRIVILEGED=1 to fail instead)");
            false
        }
    }
}

/// Privileged tests run one at a time: they share two cores and the leftover checks look at
/// the whole machine.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// `privileged` and `serial` together: `let Some(_lock) = exclusive("name") else { return };`
pub fn exclusive(test: &str) -> Option<MutexGuard<'static, ()>> {
    privileged(test).then(serial)
}

/// A run of one scenario in its own temporary folder.
pub struct Ran {
    pub tmp: tempfile::TempDir,
    pub out: PathBuf,
    pub output: Output,
}

impl Ran {
    /// Asserts the exit code, showing everything the run printed when it differs.
    pub fn expect_exit(&self, code: i32) -> &Ran {
        assert_eq!(
            self.output.status.code(),
            Some(code),
            "{}",
            text(&self.output)
        );
        self
    }
    pub fn summary(&self) -> serde_json::Value {
        summary(&self.out)
    }
    pub fn metric(&self, name: &str) -> Option<f64> {
        metric(&self.summary(), name)
    }
    /// A file of the results folder, as text.
    pub fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// Writes `toml` as `<name>.toml` in a fresh folder and runs it with `--out`, plus `env`.
pub fn run_text_with(name: &str, toml: &str, env: &[(&str, &str)]) -> Ran {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(tmp.path(), name, toml);
    let out = tmp.path().join("out");
    let output = limitlab()
        .envs(env.iter().copied())
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .expect("limitlab runs");
    Ran { tmp, out, output }
}

pub fn run_text(name: &str, toml: &str) -> Ran {
    run_text_with(name, toml, &[])
}

/// Runs a scenario file with `--out` in a fresh folder.
pub fn run_file(file: &Path) -> Ran {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = run(file, &out);
    Ran { tmp, out, output }
}

/// Whether a limitlab harness with this pid is running (its cgroups are not leftovers, even
/// when another test suite on the machine started it).
fn harness_running(pid: i32) -> bool {
    std::fs::read_link(format!("/proc/{pid}/exe"))
        .is_ok_and(|exe| exe.to_string_lossy().contains("limitlab"))
}

/// limitlab cgroups beneath this process's own cgroups whose harness has ended.
pub fn dead_cgroups() -> Vec<PathBuf> {
    leftover_cgroups()
        .into_iter()
        .filter(|d| {
            let name = d.file_name().unwrap().to_string_lossy().into_owned();
            limitlab::sandbox::cgroup::owner_of(&name).is_none_or(|owner| !harness_running(owner))
        })
        .collect()
}

/// Every limitlab cgroup beneath this process's own cgroups.
pub fn leftover_cgroups() -> Vec<PathBuf> {
    let Ok(layout) = Layout::detect() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for parent in layout.parents() {
        let Ok(entries) = std::fs::read_dir(&parent) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(NAME_PREFIX) && e.path().is_dir() {
                found.push(e.path());
            }
        }
    }
    found
}

/// Whether `dir` (a `/proc/PID`) is in a pid namespace whose PID 1 is a sandbox init of
/// limitlab's: one a sandbox made, not a container's or another program's.
fn in_limitlab_namespace(dir: &Path) -> bool {
    let ns = |d: &Path| std::fs::read_link(d.join("ns/pid")).ok();
    let Some(mine) = ns(dir) else {
        return false;
    };
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|e| {
        let p = e.path();
        let init = std::fs::read_to_string(p.join("status")).is_ok_and(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("NSpid:"))
                .and_then(|pids| pids.split_whitespace().last())
                == Some("1")
        });
        init && ns(&p) == Some(mine.clone())
            && std::fs::read(p.join("cmdline")).is_ok_and(|c| c.starts_with(b"limitlab\0__init"))
    })
}

/// Every process on the machine that looks like a sandbox's and does not belong to a running
/// harness (judged by the `limitlab.<pid>.` cgroup it is in): a sandbox init or built-in
/// workload by its command line, and any process at all in a pid namespace nested in this
/// one whose PID 1 is a sandbox init (a workload that left its cgroups but not its
/// namespace, whatever program it runs). A container's processes (Podman's, LXD's, another
/// test's) are in namespaces of their own, with their own PID 1: they are not counted.
pub fn leftover_processes() -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    let depth = |dir: &Path| {
        std::fs::read_to_string(dir.join("status"))
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("NSpid:"))
            .map(|pids| pids.split_whitespace().count())
    };
    let ours = depth(Path::new("/proc/self"));
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        let limitlab_image =
            cmd.starts_with("limitlab __init") || cmd.starts_with("limitlab __workload");
        let nested = ours.is_some_and(|o| depth(&e.path()).is_some_and(|d| d > o))
            && in_limitlab_namespace(&e.path());
        if !limitlab_image && !nested {
            continue;
        }
        // A zombie runs nothing and holds nothing but its pid: a sandbox init whose harness
        // was killed is reaped by the host's init, which may take its time.
        let state = std::fs::read_to_string(e.path().join("stat"))
            .ok()
            .and_then(|s| {
                s.rsplit_once(')')
                    .map(|(_, rest)| rest.trim_start().chars().next())
            })
            .flatten();
        if matches!(state, Some('Z' | 'X') | None) {
            continue;
        }
        let cgroups = std::fs::read_to_string(e.path().join("cgroup")).unwrap_or_default();
        let owner = cgroups
            .split(['/', '\n'])
            .find_map(limitlab::sandbox::cgroup::owner_of);
        if owner.is_none_or(|o| !harness_running(o)) {
            found.push(format!("{name}: {cmd} in {cgroups:?}"));
        }
    }
    found
}

/// Fails the test if anything of limitlab's is left on the machine (runs of other test
/// suites that are still going do not count).
pub fn assert_nothing_left() {
    let cgroups = dead_cgroups();
    assert!(
        cgroups.is_empty(),
        "limitlab cgroups left behind: {cgroups:?}"
    );
    let procs = leftover_processes();
    assert!(procs.is_empty(), "sandbox processes left behind: {procs:?}");
}

/// Writes a scenario file into `dir`.
pub fn scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs `limitlab run SCENARIO --out OUT --quiet` and returns the output.
pub fn run(scenario: &Path, out: &Path) -> Output {
    limitlab()
        .args(["run", "--quiet", "--out"])
        .arg(out)
        .arg(scenario)
        .output()
        .expect("limitlab runs")
}

pub fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The parsed `summary.json` of a results folder.
pub fn summary(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json exists");
    serde_json::from_str(&text).expect("summary.json parses")
}

pub fn metric(summary: &serde_json::Value, name: &str) -> Option<f64> {
    summary["metrics"][name].as_f64()
}
