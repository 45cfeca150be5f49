//! The built-in hostile workload: it tries, one by one, to leave or loosen its cgroups and to
//! see or touch the host, and reports each attempt's outcome (a line in workload.log and the
//! `workload.escapes` / `workload.escape_attempts` counters). Its exit code is the number of
//! attempts that got through, so a scenario can gate on `workload.exit_code = "== 0"`.

use std::fs;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::errno::Errno;
use nix::mount::MsFlags;
use nix::sched::CloneFlags;
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::sys::signal::{SIGKILL, kill};
use nix::unistd::{ForkResult, Pid, Uid};

use super::counters::{Counter, Counters};
use crate::sys::{self, SingleThreaded};

/// Every attempt, in the order they run.
pub const ATTEMPTS: &[(&str, &str)] = &[
    (
        "cgroup-move",
        "write its own pid into every cgroup.procs it can see (ancestors included)",
    ),
    (
        "cgroup-limit",
        "write \"max\" into every pids, memory and cpu limit file it can see",
    ),
    (
        "cgroupfs-remount",
        "remount cgroupfs read-write, or mount a fresh cgroup2",
    ),
    (
        "cgroup-namespace",
        "unshare a new cgroup namespace, with and without a user namespace",
    ),
    (
        "kill-host",
        "signal any process outside the sandbox (every pid up to pid_max)",
    ),
    ("host-proc", "see host processes in /proc"),
    (
        "network",
        "reach any address outside lo (public, private and link-local)",
    ),
    ("mount-root", "mount over /"),
    (
        "ptrace",
        "ptrace the sandbox init and pids outside the sandbox",
    ),
    ("rlimit-raise", "raise its own hard RLIMIT_NOFILE"),
    (
        "setuid",
        "become root: setuid(0), and exec a setuid-root binary",
    ),
    (
        "write-host",
        "create a file outside the private mounts (/, /etc, /usr, /var, /home, every other mount)",
    ),
    (
        "block-device",
        "open a host block device (each disk and partition the kernel lists)",
    ),
    (
        "proc-kcore",
        "read /proc/kcore and the other /proc and /sys paths runc masks",
    ),
    (
        "host-interfaces",
        "list network interfaces besides lo via /sys/class/net, /proc/net/dev and netlink",
    ),
    (
        "mknod",
        "create a device node (a disk's and /dev/null's numbers) in every writable mount",
    ),
    ("mount", "mount a tmpfs, a procfs, and a bind of / in /tmp"),
    (
        "remount-root",
        "remount / read-write (mount and mount_setattr), then write there",
    ),
    (
        "proc-sys-write",
        "write /proc/sys (each value written back unchanged)",
    ),
    (
        "abstract-unix",
        "connect to the host's abstract unix sockets (well-known names and the tests' probe)",
    ),
];

/// An abstract unix socket name the tests listen on, on the host, for `abstract-unix` to
/// try.
pub const PROBE_SOCKET: &str = "limitlab-escape-probe";

enum Outcome {
    Blocked(String),
    Escaped(String),
}

use Outcome::{Blocked, Escaped};

/// Runs the attempts named in `tries` (all when empty); returns the number that got through.
pub fn run(
    tries: &[String],
    counters: Option<Counters>,
    slot: usize,
    proof: &SingleThreaded,
) -> u8 {
    let mut escapes = 0u64;
    let out = io::stdout();
    for (name, what) in ATTEMPTS {
        if !tries.is_empty() && !tries.iter().any(|t| t == name) {
            continue;
        }
        let outcome = attempt(name, proof);
        if let Some(c) = &counters {
            c.add(slot, Counter::EscapeAttempts, 1);
        }
        let line = match &outcome {
            Blocked(how) => format!("attempt {name} ({what}): blocked: {how}"),
            Escaped(how) => {
                escapes += 1;
                if let Some(c) = &counters {
                    c.add(slot, Counter::Escapes, 1);
                }
                format!("attempt {name} ({what}): ESCAPED: {how}")
            }
        };
        let _ = writeln!(out.lock(), "{line}");
    }
    escapes.min(255) as u8
}

fn attempt(name: &str, proof: &SingleThreaded) -> Outcome {
    match name {
        "cgroup-move" => cgroup_move(),
        "cgroup-limit" => cgroup_limit(),
        "cgroupfs-remount" => cgroupfs_remount(),
        "cgroup-namespace" => cgroup_namespace(proof),
        "kill-host" => kill_host(),
        "host-proc" => host_proc(),
        "network" => network(),
        "mount-root" => mount_root(),
        "ptrace" => ptrace(),
        "rlimit-raise" => rlimit_raise(),
        "setuid" => setuid(proof),
        "write-host" => write_host(),
        "block-device" => block_device(),
        "proc-kcore" => proc_kcore(),
        "host-interfaces" => host_interfaces(),
        "mknod" => mknod(),
        "mount" => mount_any(),
        "remount-root" => remount_root(),
        "proc-sys-write" => proc_sys_write(),
        "abstract-unix" => abstract_unix(),
        other => Blocked(format!("unknown attempt {other}")),
    }
}

/// Every file named `name` below /sys/fs/cgroup.
fn cgroup_files(names: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, names: &[&str], out: &mut Vec<PathBuf>, depth: usize) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            if is_dir && depth < 16 {
                walk(&p, names, out, depth + 1);
            } else if names.iter().any(|n| e.file_name() == *n) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new("/sys/fs/cgroup"), names, &mut out, 0);
    out
}

/// Tries writing `value` into each file; any write that succeeds is an escape.
fn write_each(files: &[PathBuf], value: &str) -> Outcome {
    let mut errors = std::collections::BTreeMap::<String, usize>::new();
    for f in files {
        match fs::write(f, value) {
            Ok(()) => return Escaped(format!("wrote {value:?} into {}", f.display())),
            Err(e) => *errors.entry(e.to_string()).or_default() += 1,
        }
    }
    if files.is_empty() {
        return Blocked("no such file is visible".into());
    }
    let how: Vec<String> = errors.iter().map(|(e, n)| format!("{n}× {e}")).collect();
    Blocked(format!("{} files refused: {}", files.len(), how.join(", ")))
}

fn cgroup_move() -> Outcome {
    let before = fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let r = write_each(
        &cgroup_files(&["cgroup.procs", "tasks"]),
        &std::process::id().to_string(),
    );
    let after = fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    if before != after {
        return Escaped(format!("its cgroups changed from {before:?} to {after:?}"));
    }
    r
}

fn cgroup_limit() -> Outcome {
    let files = cgroup_files(&[
        "pids.max",
        "memory.max",
        "memory.limit_in_bytes",
        "memory.memsw.limit_in_bytes",
        "cpu.max",
        "cpu.cfs_quota_us",
    ]);
    match write_each(&files, "max") {
        Blocked(how) => match write_each(&files, "-1") {
            Blocked(_) => Blocked(how),
            escaped => escaped,
        },
        escaped => escaped,
    }
}

fn cgroupfs_remount() -> Outcome {
    let r = nix::mount::mount(
        None::<&str>,
        "/sys/fs/cgroup",
        None::<&str>,
        MsFlags::MS_REMOUNT | MsFlags::MS_BIND,
        None::<&str>,
    );
    if r.is_ok() {
        return Escaped("remounted /sys/fs/cgroup read-write".into());
    }
    let target = "/tmp/limitlab-escape-cgroup2";
    let _ = fs::create_dir(target);
    let fresh = nix::mount::mount(
        Some("none"),
        target,
        Some("cgroup2"),
        MsFlags::empty(),
        None::<&str>,
    );
    let _ = fs::remove_dir(target);
    match (r, fresh) {
        (_, Ok(())) => {
            let _ = nix::mount::umount(target);
            Escaped(format!("mounted a fresh cgroup2 at {target}"))
        }
        (Err(a), Err(b)) => Blocked(format!("remount: {a}; fresh cgroup2 mount: {b}")),
        (Ok(()), _) => unreachable!("handled above"),
    }
}

/// Runs `f` in a forked child (so nothing it manages to change touches this process);
/// returns what it reported.
fn in_child(
    proof: &SingleThreaded,
    f: impl FnOnce() -> Result<String, String>,
) -> Result<String, String> {
    let (r, w) = match nix::unistd::pipe() {
        Ok(p) => p,
        Err(e) => return Err(format!("pipe: {e}")),
    };
    match sys::fork(proof) {
        Err(e) => Err(format!("fork: {e}")),
        Ok(ForkResult::Child) => {
            drop(r);
            let (tag, msg) = match f() {
                Ok(m) => ('+', m),
                Err(m) => ('-', m),
            };
            let _ = fs::File::from(w).write_all(format!("{tag}{msg}").as_bytes());
            sys::exit_now(0)
        }
        Ok(ForkResult::Parent { child }) => {
            drop(w);
            let mut text = String::new();
            let _ = io::Read::read_to_string(&mut fs::File::from(r), &mut text);
            let _ = nix::sys::wait::waitpid(child, None);
            match text.strip_prefix('+') {
                Some(m) => Ok(m.to_string()),
                None => Err(text.trim_start_matches('-').to_string()),
            }
        }
    }
}

fn cgroup_namespace(proof: &SingleThreaded) -> Outcome {
    let plain = in_child(proof, || {
        nix::sched::unshare(CloneFlags::CLONE_NEWCGROUP)
            .map(|_| "unshared a cgroup namespace".to_string())
            .map_err(|e| e.to_string())
    });
    let with_user = in_child(proof, || {
        nix::sched::unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWCGROUP)
            .map(|_| "unshared a user and a cgroup namespace".to_string())
            .map_err(|e| e.to_string())
    });
    match (plain, with_user) {
        (Ok(m), _) | (_, Ok(m)) => Escaped(m),
        (Err(a), Err(b)) => Blocked(format!(
            "cgroup namespace: {a}; user + cgroup namespace: {b}"
        )),
    }
}

fn own_pids() -> Vec<i32> {
    fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn pid_max() -> i32 {
    fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(32768)
}

fn kill_host() -> Outcome {
    let mine = own_pids();
    let mut tried = 0;
    for pid in 2..=pid_max() {
        if mine.contains(&pid) {
            continue;
        }
        tried += 1;
        // Signal 0 only asks whether the pid could be signalled; ESRCH means invisible.
        match kill(Pid::from_raw(pid), None) {
            Err(Errno::ESRCH) => {}
            Ok(()) => return Escaped(format!("pid {pid} outside the sandbox can be signalled")),
            Err(e) => return Escaped(format!("pid {pid} outside the sandbox exists ({e})")),
        }
    }
    Blocked(format!(
        "none of {tried} pids outside the sandbox exists in its pid namespace (ESRCH)"
    ))
}

fn host_proc() -> Outcome {
    let init = fs::read("/proc/1/cmdline").unwrap_or_default();
    let init = String::from_utf8_lossy(&init).replace('\0', " ");
    let n = own_pids().len();
    if !init.starts_with("limitlab __init") {
        return Escaped(format!(
            "/proc/1 is {init:?}, not the sandbox init: /proc shows the host"
        ));
    }
    Blocked(format!(
        "/proc shows {n} processes, and pid 1 is the sandbox init"
    ))
}

fn network() -> Outcome {
    let targets = [
        "1.1.1.1:53",
        "8.8.8.8:443",
        "10.0.0.1:80",
        "192.168.0.1:80",
        "169.254.169.254:80",
    ];
    let mut errors = Vec::new();
    for t in targets {
        let addr: SocketAddr = t.parse().expect("valid address");
        if TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_ok() {
            return Escaped(format!("TCP connection to {t}"));
        }
        match UdpSocket::bind("0.0.0.0:0").and_then(|s| s.connect(addr).and_then(|_| s.send(b"x")))
        {
            Ok(_) => return Escaped(format!("UDP datagram sent towards {t}")),
            Err(e) => errors.push(format!("{t}: {e}")),
        }
    }
    let ifaces: Vec<String> = fs::read_to_string("/proc/net/dev")
        .unwrap_or_default()
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next().map(|s| s.trim().to_string()))
        .collect();
    if ifaces.iter().any(|i| i != "lo") {
        return Escaped(format!("network interfaces besides lo: {ifaces:?}"));
    }
    Blocked(format!("only lo exists; {}", errors.join("; ")))
}

fn mount_root() -> Outcome {
    match nix::mount::mount(
        Some("tmpfs"),
        "/",
        Some("tmpfs"),
        MsFlags::empty(),
        None::<&str>,
    ) {
        Ok(()) => Escaped("mounted a tmpfs over /".into()),
        Err(e) => Blocked(format!("mount over /: {e}")),
    }
}

fn ptrace() -> Outcome {
    let init = Pid::from_raw(1);
    if nix::sys::ptrace::attach(init).is_ok() {
        let _ = nix::sys::ptrace::detach(init, None);
        return Escaped("attached to the sandbox init".into());
    }
    let mine = own_pids();
    let outside = (2..pid_max()).find(|p| !mine.contains(p)).unwrap_or(2);
    match nix::sys::ptrace::attach(Pid::from_raw(outside)) {
        Ok(()) => Escaped(format!("attached to pid {outside} outside the sandbox")),
        Err(e) => Blocked(format!(
            "init: refused; pid {outside} outside the sandbox: {e}"
        )),
    }
}

fn rlimit_raise() -> Outcome {
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return Blocked("getrlimit failed".into());
    };
    match setrlimit(Resource::RLIMIT_NOFILE, soft, hard.saturating_add(1)) {
        Ok(()) => Escaped(format!("raised the hard RLIMIT_NOFILE above {hard}")),
        Err(e) => Blocked(format!(
            "hard RLIMIT_NOFILE {hard} -> {}: {e}",
            hard.saturating_add(1)
        )),
    }
}

/// The first setuid-root program that waits on its stdin, so its uid can be read while it
/// runs.
fn setuid_program() -> Option<PathBuf> {
    [
        "/usr/bin/passwd",
        "/usr/bin/chsh",
        "/usr/bin/chfn",
        "/bin/su",
        "/usr/bin/su",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| {
        fs::metadata(p).is_ok_and(|m| {
            use std::os::unix::fs::MetadataExt;
            m.permissions().mode() & 0o4000 != 0 && m.uid() == 0
        })
    })
}

fn setuid(proof: &SingleThreaded) -> Outcome {
    if nix::unistd::setuid(Uid::from_raw(0)).is_ok() {
        return Escaped("setuid(0) succeeded".into());
    }
    let Some(program) = setuid_program() else {
        return Blocked("setuid(0): EPERM; no setuid-root program to try".into());
    };
    // Exec it with a stdin that never delivers, and read its effective uid while it waits.
    let (stdin_r, stdin_w) = match nix::unistd::pipe() {
        Ok(p) => p,
        Err(e) => return Blocked(format!("setuid(0): EPERM; pipe: {e}")),
    };
    let child = match sys::fork(proof) {
        Err(e) => return Blocked(format!("setuid(0): EPERM; fork: {e}")),
        Ok(ForkResult::Child) => {
            let _ = sys::place_fd(std::os::fd::AsFd::as_fd(&stdin_r), 0);
            // Its prompts are not this workload's report.
            if let Ok(null) = fs::OpenOptions::new().write(true).open("/dev/null") {
                let _ = sys::place_fd(std::os::fd::AsFd::as_fd(&null), 1);
                let _ = sys::place_fd(std::os::fd::AsFd::as_fd(&null), 2);
            }
            let path =
                std::ffi::CString::new(program.as_os_str().as_encoded_bytes()).expect("no NUL");
            let _ = nix::unistd::execv(&path, std::slice::from_ref(&path));
            sys::exit_now(127)
        }
        Ok(ForkResult::Parent { child }) => child,
    };
    drop(stdin_r);
    std::thread::sleep(Duration::from_millis(300));
    let status = fs::read_to_string(format!("/proc/{child}/status")).unwrap_or_default();
    let _ = kill(child, SIGKILL);
    let _ = nix::sys::wait::waitpid(child, None);
    drop(stdin_w);
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|u| u.split_whitespace().nth(1))
        .map(str::to_string);
    match euid.as_deref() {
        Some("0") => Escaped(format!("{} ran with effective uid 0", program.display())),
        Some(u) => Blocked(format!(
            "setuid(0): EPERM; {} ran with effective uid {u} (no_new_privs ignores the setuid bit)",
            program.display()
        )),
        None => Blocked(format!(
            "setuid(0): EPERM; {} ended before its uid could be read",
            program.display()
        )),
    }
}

/// Counts errors by their text, for a "blocked" line.
fn tally(errors: &[String]) -> String {
    let mut count = std::collections::BTreeMap::<&str, usize>::new();
    for e in errors {
        *count.entry(e.as_str()).or_default() += 1;
    }
    count
        .iter()
        .map(|(e, n)| format!("{n}× {e}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Mount points of this mount namespace.
fn mount_points() -> Vec<PathBuf> {
    let text = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut points: Vec<PathBuf> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(4))
        .map(PathBuf::from)
        .collect();
    points.sort();
    points.dedup();
    points
}

/// The sandbox's own writable mounts: writing there is allowed and leaves nothing behind.
const PRIVATE: &[&str] = &["/tmp", "/var/tmp", "/run", "/dev", "/proc", "/sys"];

fn write_host() -> Outcome {
    let mut dirs: Vec<PathBuf> = [
        "/",
        "/etc",
        "/usr",
        "/usr/local",
        "/var",
        "/var/lib",
        "/var/cache",
        "/var/log",
        "/var/spool",
        "/var/mail",
        "/home",
        "/root",
        "/opt",
        "/srv",
        "/mnt",
        "/media",
    ]
    .iter()
    .map(PathBuf::from)
    .chain(mount_points())
    .filter(|p| !PRIVATE.iter().any(|m| p.starts_with(m)) && p.is_dir())
    .collect();
    dirs.dedup();
    let name = format!("limitlab-escape-{}", std::process::id());
    let mut errors = Vec::new();
    for d in &dirs {
        let f = d.join(&name);
        match fs::OpenOptions::new().write(true).create_new(true).open(&f) {
            Ok(_) => {
                let _ = fs::remove_file(&f);
                return Escaped(format!("created {} on the host", f.display()));
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    Blocked(format!(
        "{} directories refused: {}",
        dirs.len(),
        tally(&errors)
    ))
}

/// Every block device name the kernel lists (its /proc/partitions and /sys/class/block).
fn block_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_to_string("/proc/partitions")
        .unwrap_or_default()
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().nth(3).map(str::to_string))
        .collect();
    if let Ok(d) = fs::read_dir("/sys/class/block") {
        names.extend(d.flatten().filter_map(|e| e.file_name().into_string().ok()));
    }
    names.sort();
    names.dedup();
    names
}

fn block_device() -> Outcome {
    let names = block_names();
    let mut paths: Vec<PathBuf> = names.iter().map(|n| Path::new("/dev").join(n)).collect();
    if let Ok(d) = fs::read_dir("/dev/block") {
        paths.extend(d.flatten().map(|e| e.path()));
    }
    if paths.is_empty() {
        return Blocked("no block device is listed or present".into());
    }
    let mut errors = Vec::new();
    for p in &paths {
        match fs::File::open(p) {
            Ok(_) => return Escaped(format!("opened the block device {}", p.display())),
            Err(e) => errors.push(e.to_string()),
        }
    }
    Blocked(format!(
        "{} block device paths refused: {}",
        paths.len(),
        tally(&errors)
    ))
}

fn proc_kcore() -> Outcome {
    let mut said = Vec::new();
    for p in crate::data::MASKED {
        let path = Path::new(p);
        let what = if path.is_dir() {
            match fs::read_dir(path) {
                Ok(d) => match d.count() {
                    0 => "empty".to_string(),
                    n => return Escaped(format!("{p} lists {n} entries")),
                },
                Err(e) => e.to_string(),
            }
        } else {
            let mut buf = [0u8; 64];
            match fs::File::open(path).and_then(|mut f| io::Read::read(&mut f, &mut buf)) {
                Ok(0) => "empty".to_string(),
                Ok(n) => return Escaped(format!("read {n} bytes of {p}")),
                Err(e) => e.to_string(),
            }
        };
        said.push(format!("{p}: {what}"));
    }
    Blocked(said.join("; "))
}

/// Interface names from a netlink RTM_GETLINK dump (parsed by hand: a header, an ifinfomsg
/// and attributes, IFLA_IFNAME = 3).
fn netlink_links() -> Result<Vec<String>, String> {
    use nix::sys::socket::{
        AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType, bind, recv, send,
        socket,
    };
    const RTM_GETLINK: u16 = 18;
    const RTM_NEWLINK: u16 = 16;
    const NLMSG_DONE: u16 = 3;
    const NLMSG_ERROR: u16 = 2;
    let fd = socket(
        AddressFamily::Netlink,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC,
        SockProtocol::NetlinkRoute,
    )
    .map_err(|e| format!("netlink socket: {e}"))?;
    bind(
        std::os::fd::AsRawFd::as_raw_fd(&fd),
        &NetlinkAddr::new(0, 0),
    )
    .map_err(|e| format!("netlink bind: {e}"))?;
    let mut req = Vec::with_capacity(32);
    req.extend_from_slice(&32u32.to_ne_bytes());
    req.extend_from_slice(&RTM_GETLINK.to_ne_bytes());
    req.extend_from_slice(&(0x1u16 | 0x300).to_ne_bytes()); // NLM_F_REQUEST | NLM_F_DUMP
    req.extend_from_slice(&1u32.to_ne_bytes());
    req.extend_from_slice(&0u32.to_ne_bytes());
    req.extend_from_slice(&[0u8; 16]); // struct ifinfomsg, AF_UNSPEC
    send(
        std::os::fd::AsRawFd::as_raw_fd(&fd),
        &req,
        MsgFlags::empty(),
    )
    .map_err(|e| format!("netlink send: {e}"))?;
    let u16_at = |b: &[u8], i: usize| u16::from_ne_bytes([b[i], b[i + 1]]);
    let mut names = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    for _ in 0..64 {
        let n = recv(
            std::os::fd::AsRawFd::as_raw_fd(&fd),
            &mut buf,
            MsgFlags::empty(),
        )
        .map_err(|e| format!("netlink recv: {e}"))?;
        let mut off = 0;
        while off + 16 <= n {
            let len = u32::from_ne_bytes(buf[off..off + 4].try_into().expect("4 bytes")) as usize;
            let kind = u16_at(&buf, off + 4);
            if len < 16 || off + len > n {
                break;
            }
            match kind {
                NLMSG_DONE => return Ok(names),
                NLMSG_ERROR => return Err("netlink answered with an error".into()),
                RTM_NEWLINK => {
                    let mut a = off + 32;
                    while a + 4 <= off + len {
                        let alen = u16_at(&buf, a) as usize;
                        if alen < 4 || a + alen > off + len {
                            break;
                        }
                        if u16_at(&buf, a + 2) == 3 {
                            let name = &buf[a + 4..a + alen];
                            let name = name.split(|b| *b == 0).next().unwrap_or(name);
                            names.push(String::from_utf8_lossy(name).into_owned());
                        }
                        a += (alen + 3) & !3;
                    }
                }
                _ => {}
            }
            off += (len + 3) & !3;
        }
    }
    Ok(names)
}

fn host_interfaces() -> Outcome {
    let sys: Vec<String> = fs::read_dir("/sys/class/net")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    let proc: Vec<String> = fs::read_to_string("/proc/net/dev")
        .unwrap_or_default()
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next().map(|s| s.trim().to_string()))
        .collect();
    let netlink = netlink_links();
    for (route, names) in [
        ("/sys/class/net", &sys),
        ("/proc/net/dev", &proc),
        ("netlink", netlink.as_ref().unwrap_or(&Vec::new())),
    ] {
        if names.iter().any(|n| n != "lo") {
            return Escaped(format!("{route} lists {names:?}"));
        }
    }
    Blocked(format!(
        "/sys/class/net: {sys:?}; /proc/net/dev: {proc:?}; netlink: {}",
        match &netlink {
            Ok(n) => format!("{n:?}"),
            Err(e) => e.clone(),
        }
    ))
}

fn mknod() -> Outcome {
    use nix::sys::stat::{Mode, SFlag, makedev};
    let mut errors = Vec::new();
    let mut tried = 0;
    for dir in ["/tmp", "/var/tmp", "/dev/shm", "/run"] {
        for (kind, major, minor) in [(SFlag::S_IFBLK, 8, 0), (SFlag::S_IFCHR, 1, 3)] {
            let p = Path::new(dir).join(format!("limitlab-escape-node-{major}-{minor}"));
            tried += 1;
            match nix::sys::stat::mknod(
                &p,
                kind,
                Mode::from_bits_truncate(0o666),
                makedev(major, minor),
            ) {
                Ok(()) => {
                    let _ = fs::remove_file(&p);
                    return Escaped(format!(
                        "created the device node {} ({major}:{minor})",
                        p.display()
                    ));
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    Blocked(format!("{tried} nodes refused: {}", tally(&errors)))
}

fn mount_any() -> Outcome {
    let dir = Path::new("/tmp/limitlab-escape-mount");
    let _ = fs::create_dir(dir);
    let mut errors = Vec::new();
    for (what, source, fstype, flags) in [
        ("tmpfs", Some("tmpfs"), Some("tmpfs"), MsFlags::empty()),
        ("procfs", Some("proc"), Some("proc"), MsFlags::empty()),
        ("bind of /", Some("/"), None, MsFlags::MS_BIND),
    ] {
        match nix::mount::mount(source, dir, fstype, flags, None::<&str>) {
            Ok(()) => {
                let _ = nix::mount::umount(dir);
                let _ = fs::remove_dir(dir);
                return Escaped(format!("mounted a {what} at {}", dir.display()));
            }
            Err(e) => errors.push(format!("{what}: {e}")),
        }
    }
    let _ = fs::remove_dir(dir);
    Blocked(errors.join("; "))
}

fn remount_root() -> Outcome {
    let remount = nix::mount::mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REMOUNT | MsFlags::MS_BIND,
        None::<&str>,
    );
    let setattr = sys::mount_setattr(Path::new("/"), 0, sys::MOUNT_ATTR_RDONLY, false);
    let probe = Path::new("/").join(format!("limitlab-escape-{}", std::process::id()));
    let write = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    match (remount, setattr, write) {
        (_, _, Ok(_)) => {
            let _ = fs::remove_file(&probe);
            Escaped(format!("wrote {} after the remount", probe.display()))
        }
        (Ok(()), _, _) => Escaped("remounted / read-write".into()),
        (_, Ok(()), _) => Escaped("cleared the read-only flag of / (mount_setattr)".into()),
        (Err(a), Err(b), Err(c)) => {
            Blocked(format!("remount: {a}; mount_setattr: {b}; write at /: {c}"))
        }
    }
}

fn proc_sys_write() -> Outcome {
    let files = [
        "/proc/sys/kernel/hostname",
        "/proc/sys/kernel/domainname",
        "/proc/sys/kernel/core_pattern",
        "/proc/sys/vm/overcommit_memory",
        "/proc/sys/net/core/somaxconn",
        "/proc/sys/fs/file-max",
    ];
    let mut errors = Vec::new();
    for f in files {
        let Ok(value) = fs::read_to_string(f) else {
            continue;
        };
        match fs::write(f, value.as_bytes()) {
            Ok(()) => return Escaped(format!("wrote {f} (its own value back)")),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        return Blocked("no /proc/sys file is readable".into());
    }
    Blocked(format!(
        "{} files refused: {}",
        errors.len(),
        tally(&errors)
    ))
}

fn abstract_unix() -> Outcome {
    use nix::sys::socket::{AddressFamily, SockFlag, SockType, UnixAddr, connect, socket};
    let names = [
        PROBE_SOCKET,
        "/tmp/.X11-unix/X0",
        "/org/freedesktop/systemd1/notify",
        "/run/systemd/private",
        "/containerd-shim",
    ];
    let mut errors = Vec::new();
    for name in names {
        let fd = match socket(
            AddressFamily::Unix,
            SockType::Stream,
            SockFlag::SOCK_CLOEXEC,
            None,
        ) {
            Ok(fd) => fd,
            Err(e) => return Blocked(format!("unix socket: {e}")),
        };
        let addr = match UnixAddr::new_abstract(name.as_bytes()) {
            Ok(a) => a,
            Err(e) => return Blocked(format!("abstract address: {e}")),
        };
        match connect(std::os::fd::AsRawFd::as_raw_fd(&fd), &addr) {
            Ok(()) => return Escaped(format!("connected to the abstract socket @{name}")),
            Err(e) => errors.push(e.to_string()),
        }
    }
    Blocked(format!(
        "{} abstract names refused: {}",
        names.len(),
        tally(&errors)
    ))
}
