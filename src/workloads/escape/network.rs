//! The attempts on the network: reach an address outside lo, list the host's interfaces,
//! and connect to the host's abstract unix sockets.

use std::fs;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

use super::Outcome::{self, Blocked, Escaped};
use super::{PROBE_SOCKET, number, tally};
use crate::t;

/// `network`: reach any address outside lo (public, private and link-local).
pub(super) fn reach_outside() -> Outcome {
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
            return Escaped(t!("escape-tcp", address = t));
        }
        match UdpSocket::bind("0.0.0.0:0").and_then(|s| s.connect(addr).and_then(|_| s.send(b"x")))
        {
            Ok(_) => return Escaped(t!("escape-udp", address = t)),
            Err(e) => errors.push(format!("{t}: {e}")),
        }
    }
    let ifaces = proc_net_dev_interfaces();
    if ifaces.iter().any(|i| i != "lo") {
        return Escaped(t!("escape-interfaces", interfaces = format!("{ifaces:?}")));
    }
    Blocked(t!("escape-only-lo", errors = errors.join("; ")))
}

/// Interface names as /proc/net/dev lists them (after its two header lines).
fn proc_net_dev_interfaces() -> Vec<String> {
    fs::read_to_string("/proc/net/dev")
        .unwrap_or_default()
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next().map(|s| s.trim().to_string()))
        .collect()
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
                NLMSG_ERROR => return Err(t!("escape-netlink-error")),
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

/// `host-interfaces`: list network interfaces besides lo via /sys/class/net, /proc/net/dev and
/// netlink.
pub(super) fn host_interfaces() -> Outcome {
    let sys: Vec<String> = fs::read_dir("/sys/class/net")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    let proc = proc_net_dev_interfaces();
    let netlink = netlink_links();
    for (route, names) in [
        ("/sys/class/net", &sys),
        ("/proc/net/dev", &proc),
        ("netlink", netlink.as_ref().unwrap_or(&Vec::new())),
    ] {
        if names.iter().any(|n| n != "lo") {
            return Escaped(t!(
                "escape-route-lists",
                route = route,
                names = format!("{names:?}")
            ));
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

/// `abstract-unix`: connect to the host's abstract unix sockets (well-known names and the
/// tests' probe).
pub(super) fn abstract_unix() -> Outcome {
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
            Err(e) => return Blocked(t!("escape-unix-socket", error = e)),
        };
        let addr = match UnixAddr::new_abstract(name.as_bytes()) {
            Ok(a) => a,
            Err(e) => return Blocked(t!("escape-abstract-address", error = e)),
        };
        match connect(std::os::fd::AsRawFd::as_raw_fd(&fd), &addr) {
            Ok(()) => return Escaped(t!("escape-connected-abstract", name = name)),
            Err(e) => errors.push(e.to_string()),
        }
    }
    Blocked(t!(
        "escape-abstract-refused",
        n = number(names.len()),
        errors = tally(&errors)
    ))
}
