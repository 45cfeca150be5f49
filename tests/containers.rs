//! Real container runtimes, as people run them: Podman (with runc), Docker (containerd and
//! dockerd) and LXD, each started by the test itself with state of its own under the test's
//! temporary folder, and stopped by it (a Drop guard, also when the test fails). Images are
//! made offline from busybox-static (and the host's perl, for the course's bomb).
//!
//! For each runtime, a container whose init never reaps (`sleep`) and one whose init does
//! (busybox init): every built-in workload kind is held by the container's own limits, and
//! the container is left as it was (its pids.current, its processes, no zombie, `exec`
//! works), with nothing of limitlab's left behind.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// How long a daemon may take to come up.
const READY: Duration = Duration::from_secs(60);

/// Skips (prints why) or, under `LIMITLAB_REQUIRE_PRIVILEGED=1`, fails.
fn skip(test: &str, why: &str) {
    if std::env::var("LIMITLAB_REQUIRE_PRIVILEGED").as_deref() == Ok("1") {
        panic!("{test}: {why}, and LIMITLAB_REQUIRE_PRIVILEGED=1 forbids skipping");
    }
    eprintln!("SKIPPED {test}: {why}");
}

fn installed(program: &str) -> bool {
    ["/usr/bin", "/usr/sbin", "/bin", "/sbin"]
        .iter()
        .any(|d| Path::new(d).join(program).exists())
}

/// Runs a command to its end, bounded in time (a hung runtime fails the test, it does not
/// hang it).
fn run_bounded(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let until = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > until {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!("{cmd:?} took more than {limit:?}: {}", text(&o));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn ok(cmd: &mut Command) -> String {
    let o = run_bounded(cmd, Duration::from_secs(120));
    assert!(o.status.success(), "{cmd:?}: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A rootfs tarball: busybox-static and its applets, a busybox init that only reaps
/// (`/etc/inittab` with nothing to run), and with `perl` the host's perl and its libraries.
fn rootfs(dir: &Path, perl: bool) -> Result<PathBuf, String> {
    let busybox = Path::new("/bin/busybox");
    let ldd = Command::new("ldd").arg(busybox).output();
    let is_static = ldd.as_ref().is_ok_and(|o| {
        let t = String::from_utf8_lossy(&o.stdout) + String::from_utf8_lossy(&o.stderr);
        t.contains("not a dynamic") || t.contains("statically linked")
    });
    if !busybox.exists() || !is_static {
        return Err("needs a static /bin/busybox (apt-get install busybox-static)".into());
    }
    let root = dir.join("rootfs");
    for d in ["bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "root"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::copy(busybox, root.join("bin/busybox")).unwrap();
    let list = ok(Command::new(busybox).arg("--list"));
    for applet in list.split_whitespace().filter(|a| *a != "busybox") {
        let _ = std::os::unix::fs::symlink("busybox", root.join("bin").join(applet));
    }
    let _ = std::fs::remove_file(root.join("sbin/init"));
    std::os::unix::fs::symlink("../bin/busybox", root.join("sbin/init")).unwrap();
    std::fs::write(root.join("etc/inittab"), "::sysinit:/bin/true\n").unwrap();
    std::fs::write(root.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n").unwrap();
    std::fs::write(root.join("etc/group"), "root:x:0:\n").unwrap();
    if perl {
        let perl = Path::new("/usr/bin/perl");
        if !perl.exists() {
            return Err("needs the host's perl for the course's bomb".into());
        }
        let libs = ok(Command::new("ldd").arg(perl));
        let files = libs
            .split_whitespace()
            .filter(|w| w.starts_with('/'))
            .map(PathBuf::from)
            .chain([perl.to_path_buf()]);
        for f in files {
            let to = root.join(f.strip_prefix("/").unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&f, &to).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        }
    }
    let tar = dir.join("rootfs.tar");
    ok(Command::new("tar")
        .arg("-C")
        .arg(&root)
        .arg("-cf")
        .arg(&tar)
        .arg("."));
    Ok(tar)
}

/// A daemon the test started; stopped (SIGTERM, then SIGKILL) when dropped.
struct Daemon {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Daemon {
    fn start(name: &'static str, cmd: &mut Command, log: PathBuf) -> Daemon {
        let f = std::fs::File::create(&log).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(f.try_clone().unwrap())
            .stderr(f)
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        Daemon { name, child, log }
    }

    fn log_tail(&self) -> String {
        let t = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = t.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::SIGTERM);
        let until = Instant::now() + Duration::from_secs(15);
        while self.alive() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
        }
        if self.alive() {
            eprintln!("{} did not stop on SIGTERM; killing it", self.name);
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Cgroups a runtime made at the hierarchies' top (libpod_parent, docker, lxc.payload.*),
/// for removal once the test's containers are gone: only those that were not there before.
fn top_cgroups() -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    let Ok(hier) = std::fs::read_dir("/sys/fs/cgroup") else {
        return found;
    };
    for h in hier.flatten() {
        for dir in [h.path(), h.path().join("unified")] {
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for e in entries.flatten() {
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        found.insert(e.path());
                    }
                }
            }
        }
    }
    found
}

fn remove_cgroups_made_since(before: &BTreeSet<PathBuf>) {
    fn rm(dir: &Path) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    rm(&e.path());
                }
            }
        }
        let _ = std::fs::remove_dir(dir);
    }
    // A runtime's last process (conmon, a shim) can still be leaving its cgroup when the
    // test's containers are gone: try again for a while, until what it made is removed.
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let made: Vec<PathBuf> = top_cgroups().difference(before).cloned().collect();
        for d in &made {
            rm(d);
        }
        if made.iter().all(|d| !d.exists()) || Instant::now() > until {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What a runtime test leaves to clean once its runtime is stopped (also when it fails):
/// mounts beneath its folder, cgroups the runtime made at the hierarchies' top.
struct Cleanup {
    dir: PathBuf,
    cgroups: BTreeSet<PathBuf>,
}

impl Cleanup {
    fn new(dir: &Path) -> Cleanup {
        Cleanup {
            dir: dir.to_path_buf(),
            cgroups: top_cgroups(),
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        unmount_beneath(&self.dir);
        remove_cgroups_made_since(&self.cgroups);
    }
}

/// Unmounts whatever a runtime left mounted beneath `dir` (deepest first).
fn unmount_beneath(dir: &Path) {
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut points: Vec<PathBuf> = info
        .lines()
        .filter_map(|l| l.split_whitespace().nth(4))
        .map(PathBuf::from)
        .filter(|p| p.starts_with(dir))
        .collect();
    points.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    for p in points {
        let _ = nix::mount::umount2(&p, nix::mount::MntFlags::MNT_DETACH);
    }
}

/// One container runtime, as the tests drive it.
trait Runtime {
    /// The `[target]` key for its containers.
    fn kind(&self) -> &'static str;
    /// Its CLI with the test's state.
    fn cli(&self) -> Command;
    /// Starts a container from the test's image with the test's limits (64 tasks, 64 MiB,
    /// half a core); `init` None: busybox init, which reaps.
    fn create(&self, name: &str, init: Option<&[&str]>);
    fn exec_true(&self, name: &str) -> Output;
    /// The environment limitlab needs to find the runtime's state.
    fn env(&self) -> Vec<(String, String)>;
}

fn run_target(rt: &dyn Runtime, container: &str, workload: &str, expect: &str) -> Ran {
    let toml = format!(
        "duration = \"1s\"\n[target]\n{} = \"{container}\"\n[[workload]]\n{workload}\n[expect]\n{expect}\n\"teardown.leaked\" = \"== 0\"\n",
        rt.kind()
    );
    let env = rt.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    run_text_with("target", &toml, &env)
}

/// The built-in workload kinds, each with what holds it in the container.
const CASES: &[(&str, &str, &str)] = &[
    (
        "forkbomb",
        "kind = \"forkbomb\"",
        "\"target.pids_limit\" = \"== 64\"\n\"target.pids_peak\" = \"<= 64\"\n\"target.pids_limit_hits\" = \">= 1\"",
    ),
    (
        "forkbomb (binary)",
        "kind = \"forkbomb\"\nstyle = \"binary\"",
        "\"target.pids_peak\" = \"<= 64\"\n\"target.pids_limit_hits\" = \">= 1\"",
    ),
    (
        "threadbomb",
        "kind = \"threadbomb\"",
        "\"target.pids_peak\" = \"<= 64\"\n\"target.pids_limit_hits\" = \">= 1\"",
    ),
    (
        "memhog",
        "kind = \"memhog\"\nsize = \"256MiB\"",
        "\"target.memory_peak_bytes\" = \"<= 64MiB\"\n\"workload.bytes_reached\" = \"< 256MiB\"",
    ),
    (
        "cpuspin",
        "kind = \"cpuspin\"\nthreads = 2",
        "\"cpu.usage_cores\" = \"<= 0.6\"\n\"workload.spins\" = \"> 0\"",
    ),
    (
        "escape",
        "kind = \"escape\"",
        "\"workload.escapes\" = \"== 0\"",
    ),
];

/// Attacks a container with one case and checks it is left as it was; returns the kill time.
fn attack(rt: &dyn Runtime, container: &str, case: &(&str, &str, &str)) -> f64 {
    let (what, workload, expect) = case;
    let ran = run_target(rt, container, workload, expect);
    assert_eq!(
        ran.output.status.code(),
        Some(0),
        "{} {container}, {what}: {}",
        rt.kind(),
        text(&ran.output)
    );
    let s = ran.summary();
    let (before, after) = (&s["target"]["before"], &s["target"]["after"]);
    assert!(
        before.is_object() && after.is_object(),
        "before and after recorded: {s}"
    );
    // Written only when something is left.
    let left = &s["teardown"]["left_in_target"];
    assert!(left.is_null(), "{container}, {what}: left {left} in {s}");
    assert!(
        after["pids_current"].as_u64() <= before["pids_current"].as_u64(),
        "{container}, {what}: pids.current {} after, {} before",
        after["pids_current"],
        before["pids_current"]
    );
    let zombies = |st: &serde_json::Value| {
        st["processes"]
            .as_array()
            .map(|p| p.iter().filter(|p| p["state"] == "Z").count())
            .unwrap_or(0)
    };
    assert_eq!(zombies(after), 0, "{container}, {what}: zombies in {after}");
    assert!(
        ran.stdout().contains("as it was"),
        "the report says so: {}",
        ran.stdout()
    );
    let exec = rt.exec_true(container);
    assert!(
        exec.status.success(),
        "{} exec into {container} after {what}: {}",
        rt.kind(),
        text(&exec)
    );
    let ms = s["teardown"]["kill_ms"].as_f64().unwrap_or(0.0);
    eprintln!(
        "{} {container}: {what}: held; teardown kill {ms:.0} ms; pids.current before {} after {}",
        rt.kind(),
        before["pids_current"],
        after["pids_current"]
    );
    ms
}

/// Both containers of a runtime, every case: the sleeper all, the reaper the bomb.
fn attack_both(rt: &dyn Runtime) {
    rt.create("sleeper", Some(&["/bin/sleep", "600"]));
    rt.create("reaper", None);
    let t0 = Instant::now();
    let mut bomb_ms = Vec::new();
    for case in CASES {
        let ms = attack(rt, "sleeper", case);
        if case.0 == "forkbomb" {
            bomb_ms.push(ms);
        }
    }
    bomb_ms.push(attack(rt, "reaper", &CASES[0]));
    eprintln!(
        "{}: every case held in {:.1} s; saturated-bomb teardown (kill) {bomb_ms:.0?} ms",
        rt.kind(),
        t0.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------
// Podman: no daemon; its storage and engine config point into the test's folder.

struct Podman {
    conf: PathBuf,
    storage: PathBuf,
    image: &'static str,
}

impl Podman {
    fn new(dir: &Path, tar: &Path) -> Podman {
        let state = dir.join("podman");
        let storage = dir.join("storage.conf");
        std::fs::write(
            &storage,
            format!(
                "[storage]\ndriver = \"overlay\"\ngraphroot = \"{0}/root\"\nrunroot = \"{0}/run\"\n",
                state.display()
            ),
        )
        .unwrap();
        let conf = dir.join("containers.conf");
        std::fs::write(
            &conf,
            format!(
                "[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\ntmp_dir = \"{0}/tmp\"\nvolume_path = \"{0}/volumes\"\n",
                state.display()
            ),
        )
        .unwrap();
        let p = Podman {
            conf,
            storage,
            image: "localhost/limitlab-busybox:test",
        };
        ok(p.cli().arg("import").arg(tar).arg(p.image));
        p
    }
}

impl Runtime for Podman {
    fn kind(&self) -> &'static str {
        "podman"
    }
    fn cli(&self) -> Command {
        let mut c = Command::new("/usr/bin/podman");
        for (k, v) in self.env() {
            c.env(k, v);
        }
        c
    }
    fn create(&self, name: &str, init: Option<&[&str]>) {
        let mut c = self.cli();
        c.args(["run", "-d", "--name", name, "--network", "none"]);
        c.args([
            "--pids-limit",
            "64",
            "--memory",
            "64m",
            "--memory-swap",
            "64m",
        ]);
        c.args(["--cpus", "0.5"]);
        c.args([
            "--ulimit",
            "nofile=1024:1024",
            "--ulimit",
            "nproc=4096:4096",
        ]);
        c.arg(self.image);
        c.args(init.unwrap_or(&["/sbin/init"]));
        ok(&mut c);
    }
    fn exec_true(&self, name: &str) -> Output {
        run_bounded(
            self.cli().args(["exec", name, "/bin/true"]),
            Duration::from_secs(30),
        )
    }
    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("CONTAINERS_CONF".into(), self.conf.to_string_lossy().into()),
            (
                "CONTAINERS_STORAGE_CONF".into(),
                self.storage.to_string_lossy().into(),
            ),
            ("PATH".into(), "/usr/bin:/usr/sbin:/bin:/sbin".into()),
        ]
    }
}

impl Drop for Podman {
    fn drop(&mut self) {
        let _ = run_bounded(
            self.cli().args(["rm", "-f", "-t", "0", "-a"]),
            Duration::from_secs(60),
        );
        let _ = run_bounded(
            self.cli().args(["system", "reset", "-f"]),
            Duration::from_secs(60),
        );
    }
}

#[test]
fn podman_containers_hold_every_workload_and_are_left_as_they_were() {
    let test = "podman_containers_hold_every_workload_and_are_left_as_they_were";
    let Some(_lock) = exclusive(test) else {
        return;
    };
    if !installed("podman") || !installed("runc") {
        return skip(test, "needs podman and runc (apt-get install podman runc)");
    }
    let tmp = tempfile::tempdir().unwrap();
    let tar = match rootfs(tmp.path(), false) {
        Ok(t) => t,
        Err(why) => return skip(test, &why),
    };
    let cleanup = Cleanup::new(tmp.path());
    {
        let podman = Podman::new(tmp.path(), &tar);
        attack_both(&podman);
    }
    drop(cleanup);
    assert_nothing_left();
}

// ---------------------------------------------------------------------------------------
// Docker: containerd and dockerd of the test's own, on sockets in its folder.

struct Docker {
    host: String,
    image: &'static str,
    _daemons: (Daemon, Daemon),
    state: PathBuf,
}

impl Docker {
    fn start(dir: &Path, tar: &Path) -> Result<Docker, String> {
        let state = dir.join("docker");
        std::fs::create_dir_all(&state).unwrap();
        let ctd_sock = state.join("containerd.sock");
        let containerd = Daemon::start(
            "containerd",
            Command::new("/usr/bin/containerd")
                .arg("--root")
                .arg(state.join("containerd-root"))
                .arg("--state")
                .arg(state.join("containerd-state"))
                .arg("--address")
                .arg(&ctd_sock),
            state.join("containerd.log"),
        );
        let until = Instant::now() + READY;
        while !ctd_sock.exists() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
        }
        let sock = state.join("docker.sock");
        let dockerd = Daemon::start(
            "dockerd",
            Command::new("/usr/sbin/dockerd")
                .arg("--containerd")
                .arg(&ctd_sock)
                .arg("--data-root")
                .arg(state.join("data"))
                .arg("--exec-root")
                .arg(state.join("exec"))
                .arg("--pidfile")
                .arg(state.join("dockerd.pid"))
                .arg("-H")
                .arg(format!("unix://{}", sock.display()))
                .args(["--iptables=false", "--bridge=none"])
                .args(["--exec-opt", "native.cgroupdriver=cgroupfs"]),
            state.join("dockerd.log"),
        );
        let d = Docker {
            host: format!("unix://{}", sock.display()),
            image: "limitlab-busybox:test",
            _daemons: (containerd, dockerd),
            state,
        };
        let until = Instant::now() + READY;
        loop {
            let o = run_bounded(d.cli().arg("version"), Duration::from_secs(20));
            if o.status.success() {
                break;
            }
            if Instant::now() > until {
                return Err(format!(
                    "dockerd did not come up within {READY:?}: {}\n{}",
                    text(&o),
                    d._daemons.1.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        ok(d.cli().arg("import").arg(tar).arg(d.image));
        Ok(d)
    }

    /// containerd's shims for this test's containers (they outlive containerd).
    fn shims(&self) -> Vec<i32> {
        let mark = self.state.to_string_lossy().into_owned();
        std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let pid = e.file_name().to_string_lossy().parse::<i32>().ok()?;
                let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
                let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
                (cmd.contains("containerd-shim") && cmd.contains(&mark)).then_some(pid)
            })
            .collect()
    }
}

impl Runtime for Docker {
    fn kind(&self) -> &'static str {
        "docker"
    }
    fn cli(&self) -> Command {
        // Debian's CLI, by its path: another `docker` may come first on PATH.
        let mut c = Command::new("/usr/bin/docker");
        c.args(["-H", &self.host]);
        c
    }
    fn create(&self, name: &str, init: Option<&[&str]>) {
        let mut c = self.cli();
        c.args(["run", "-d", "--name", name, "--network", "none"]);
        c.args([
            "--pids-limit",
            "64",
            "--memory",
            "64m",
            "--memory-swap",
            "64m",
        ]);
        c.args(["--cpus", "0.5"]);
        c.arg(self.image);
        c.args(init.unwrap_or(&["/sbin/init"]));
        ok(&mut c);
    }
    fn exec_true(&self, name: &str) -> Output {
        run_bounded(
            self.cli().args(["exec", name, "/bin/true"]),
            Duration::from_secs(30),
        )
    }
    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("DOCKER_HOST".into(), self.host.clone()),
            ("PATH".into(), "/usr/bin:/usr/sbin:/bin:/sbin".into()),
        ]
    }
}

impl Drop for Docker {
    fn drop(&mut self) {
        for name in ["sleeper", "reaper"] {
            let _ = run_bounded(self.cli().args(["rm", "-f", name]), Duration::from_secs(60));
        }
        // The daemons stop with `_daemons`; a shim that is still there goes by its pid.
        for pid in self.shims() {
            let _ =
                nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL);
        }
    }
}

#[test]
fn docker_containers_hold_every_workload_and_are_left_as_they_were() {
    let test = "docker_containers_hold_every_workload_and_are_left_as_they_were";
    let Some(_lock) = exclusive(test) else {
        return;
    };
    if !installed("dockerd") || !installed("containerd") || !installed("docker") {
        return skip(
            test,
            "needs docker.io and containerd (apt-get install docker.io)",
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let tar = match rootfs(tmp.path(), false) {
        Ok(t) => t,
        Err(why) => return skip(test, &why),
    };
    let cleanup = Cleanup::new(tmp.path());
    {
        let docker = match Docker::start(tmp.path(), &tar) {
            Ok(d) => d,
            Err(why) => return skip(test, &why),
        };
        attack_both(&docker);
    }
    drop(cleanup);
    assert_nothing_left();
}

// ---------------------------------------------------------------------------------------
// LXD: a daemon of the test's own (LXD_DIR in its folder), a dir pool, no network.

struct Lxd {
    dir: PathBuf,
    daemon: Option<Daemon>,
}

impl Lxd {
    fn start(tmp: &Path, tar: &Path) -> Result<Lxd, String> {
        let dir = tmp.join("lxd");
        std::fs::create_dir_all(&dir).unwrap();
        let daemon = Daemon::start(
            "lxd",
            Command::new("/usr/bin/lxd")
                .args(["--group", "root", "--logfile"])
                .arg(tmp.join("lxd.log"))
                .env("LXD_DIR", &dir),
            tmp.join("lxd.out"),
        );
        let lxd = Lxd {
            dir,
            daemon: Some(daemon),
        };
        let o = run_bounded(
            Command::new("/usr/bin/lxd")
                .args(["waitready", "--timeout", "60"])
                .env("LXD_DIR", &lxd.dir),
            READY + Duration::from_secs(5),
        );
        if !o.status.success() {
            return Err(format!(
                "lxd did not come up: {}\n{}",
                text(&o),
                lxd.daemon.as_ref().unwrap().log_tail()
            ));
        }
        // `lxd init --auto` fails here (it finds no subnet for lxdbr0): a dir pool and a
        // default profile with a root disk and no network.
        let preseed = "storage_pools:\n- name: default\n  driver: dir\nprofiles:\n- name: default\n  devices:\n    root:\n      path: /\n      pool: default\n      type: disk\n";
        let mut init = Command::new("/usr/bin/lxd");
        init.args(["init", "--preseed"])
            .env("LXD_DIR", &lxd.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = init.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(preseed.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "lxd init --preseed: {}", text(&o));
        let meta_dir = tmp.join("meta");
        std::fs::create_dir_all(&meta_dir).unwrap();
        std::fs::write(
            meta_dir.join("metadata.yaml"),
            "architecture: x86_64\ncreation_date: 1700000000\nproperties:\n  description: limitlab busybox\n  os: busybox\n",
        )
        .unwrap();
        let meta = tmp.join("meta.tar");
        ok(Command::new("tar")
            .arg("-C")
            .arg(&meta_dir)
            .arg("-cf")
            .arg(&meta)
            .arg("metadata.yaml"));
        ok(lxd
            .cli()
            .args(["image", "import"])
            .arg(&meta)
            .arg(tar)
            .args(["--alias", "limitlab-busybox"]));
        Ok(lxd)
    }

    /// `limited`: with the test's memory and CPU limits (the course's container has none
    /// but the processes limit its run sets).
    fn launch(&self, name: &str, limited: bool, extra: &[&str]) {
        let mut c = self.cli();
        c.args(["launch", "limitlab-busybox", name]);
        c.args(["-c", "security.privileged=true"]);
        if limited {
            c.args([
                "-c",
                "limits.memory=64MiB",
                "-c",
                "limits.memory.swap=false",
            ]);
            c.args(["-c", "limits.cpu.allowance=50ms/100ms"]);
        }
        c.args(extra);
        ok(&mut c);
    }

    fn config(&self, name: &str, key: &str) -> String {
        ok(self.cli().args(["config", "get", name, key]))
            .trim()
            .to_string()
    }
}

impl Runtime for Lxd {
    fn kind(&self) -> &'static str {
        "lxd"
    }
    fn cli(&self) -> Command {
        let mut c = Command::new("/usr/bin/lxc");
        c.env("LXD_DIR", &self.dir);
        c
    }
    fn create(&self, name: &str, init: Option<&[&str]>) {
        let mut extra = vec!["-c", "limits.processes=64"];
        let raw;
        if let Some(cmd) = init {
            raw = format!("raw.lxc=lxc.init.cmd = {}", cmd.join(" "));
            extra.extend(["-c", raw.as_str()]);
        }
        self.launch(name, true, &extra);
    }
    fn exec_true(&self, name: &str) -> Output {
        run_bounded(
            self.cli().args(["exec", name, "--", "/bin/true"]),
            Duration::from_secs(30),
        )
    }
    fn env(&self) -> Vec<(String, String)> {
        vec![("LXD_DIR".into(), self.dir.to_string_lossy().into())]
    }
}

impl Drop for Lxd {
    fn drop(&mut self) {
        let list = run_bounded(
            self.cli().args(["list", "--format", "csv", "-c", "n"]),
            Duration::from_secs(30),
        );
        for name in String::from_utf8_lossy(&list.stdout).split_whitespace() {
            let _ = run_bounded(
                self.cli().args(["delete", "-f", name]),
                Duration::from_secs(60),
            );
        }
        let _ = run_bounded(
            Command::new("/usr/bin/lxd")
                .args(["shutdown", "--timeout", "20"])
                .env("LXD_DIR", &self.dir),
            Duration::from_secs(30),
        );
        self.daemon.take();
    }
}

#[test]
fn lxd_containers_hold_every_workload_and_the_course_experiment_runs_literally() {
    let test = "lxd_containers_hold_every_workload_and_the_course_experiment_runs_literally";
    let Some(_lock) = exclusive(test) else {
        return;
    };
    if !installed("lxd") || !installed("lxc") {
        return skip(test, "needs lxd (apt-get install lxd)");
    }
    let tmp = tempfile::tempdir().unwrap();
    let tar = match rootfs(tmp.path(), true) {
        Ok(t) => t,
        Err(why) => return skip(test, &why),
    };
    let cleanup = Cleanup::new(tmp.path());
    {
        let lxd = match Lxd::start(tmp.path(), &tar) {
            Ok(l) => l,
            Err(why) => return skip(test, &why),
        };
        attack_both(&lxd);

        // The course's experiment, as shipped: limits.processes = 1000 set through LXD's
        // API for the run, the perl bomb, and the previous value (here: none) back after.
        lxd.launch("limitlab-course", false, &[]);
        let env = lxd.env();
        let o = limitlab()
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .args(["run", "--quiet", "--out"])
            .arg(tmp.path().join("course"))
            .arg(root().join("scenarios/lxd-course.toml"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.contains("set the container's limits.processes to 1000 through LXD's API (it was not set); the run put it back"),
            "{stdout}"
        );
        assert!(
            stdout.contains("What held it: the target's own pids.max = 1000"),
            "{stdout}"
        );
        assert_eq!(lxd.config("limitlab-course", "limits.processes"), "");
        assert!(lxd.exec_true("limitlab-course").status.success());

        // A harness killed mid-run: its supervisor puts the limit back, and says so in the
        // run's results folder.
        ok(lxd.cli().args([
            "config",
            "set",
            "limitlab-course",
            "limits.processes",
            "300",
        ]));
        let out = tmp.path().join("killed");
        let mut harness = limitlab()
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("LIMITLAB_TEST_STALL_AT", "setup")
            .args(["run", "--quiet", "--out"])
            .arg(&out)
            .arg(root().join("scenarios/lxd-course.toml"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let until = Instant::now() + Duration::from_secs(30);
        while lxd.config("limitlab-course", "limits.processes") != "1000" {
            assert!(Instant::now() < until, "the run set limits.processes");
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(500));
        harness.kill().unwrap();
        let _ = harness.wait();
        let until = Instant::now() + Duration::from_secs(30);
        while lxd.config("limitlab-course", "limits.processes") != "300" {
            assert!(
                Instant::now() < until,
                "the supervisor put limits.processes back"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // The supervisor writes its note once the value is back, so it may land just after.
        let until = Instant::now() + Duration::from_secs(10);
        let mut note = String::new();
        while !note.contains("the supervisor") && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
            note = std::fs::read_to_string(out.join("restored.json")).unwrap_or_default();
        }
        assert!(note.contains("the supervisor"), "restored.json: {note:?}");
        assert!(lxd.exec_true("limitlab-course").status.success());
    }
    drop(cleanup);
    assert_nothing_left();
}
