//! The sandbox's syscall filter: which syscalls it refuses, and the classic-BPF program
//! that says so, installed last by the init (through [`sys::install_seccomp_filter`]).

use std::io;

use crate::sys;

/// Namespace flags a `clone` may not carry inside the sandbox.
const CLONE_NS_FLAGS: u32 = (libc::CLONE_NEWNS
    | libc::CLONE_NEWCGROUP
    | libc::CLONE_NEWUTS
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUSER
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWNET) as u32;
const X32_SYSCALL_BIT: u32 = 0x4000_0000;
const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;

/// The syscalls the sandbox may not make, and what they return instead: no new namespaces
/// (user namespaces above all, the door to mounting cgroupfs or anything else), no joining
/// other namespaces, no mounts, no kernel keyrings (not namespaced). `clone3` reports ENOSYS
/// because its flags sit in memory a filter cannot read; libc then falls back to `clone`,
/// whose flags are checked.
fn filtered_syscalls() -> Vec<(libc::c_long, u32)> {
    let eperm = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;
    let enosys = libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32;
    let mut rules = vec![(libc::SYS_clone3, enosys)];
    for nr in [
        libc::SYS_unshare,
        libc::SYS_setns,
        libc::SYS_mount,
        libc::SYS_umount2,
        libc::SYS_pivot_root,
        libc::SYS_open_tree,
        libc::SYS_move_mount,
        libc::SYS_fsopen,
        libc::SYS_fsconfig,
        libc::SYS_fsmount,
        libc::SYS_fspick,
        libc::SYS_mount_setattr,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
    ] {
        rules.push((nr, eperm));
    }
    rules
}

/// The filter as a classic-BPF program over `struct seccomp_data`: another ABI than
/// x86-64 is refused, each of [`filtered_syscalls`] gets its answer, a `clone` with a
/// namespace flag gets EPERM, and everything else is allowed.
fn program() -> Vec<libc::sock_filter> {
    let stmt = |code: u32, k: u32| libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let jump = |code: u32, k: u32, jt: u8, jf: u8| libc::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    };
    let ld = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
    let jeq = libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K;
    let jge = libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K;
    let jset = libc::BPF_JMP | libc::BPF_JSET | libc::BPF_K;
    let ret = libc::BPF_RET | libc::BPF_K;
    let enosys = libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32;
    let eperm = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;

    // Offsets in struct seccomp_data: nr at 0, arch at 4, args[0] at 16 (low half first).
    let mut prog = vec![
        stmt(ld, 4),
        jump(jeq, AUDIT_ARCH_X86_64, 1, 0),
        stmt(ret, enosys), // another ABI (i386 via int 0x80): refused
        stmt(ld, 0),
        jump(jge, X32_SYSCALL_BIT, 0, 1),
        stmt(ret, enosys), // the x32 ABI: refused
    ];
    for (nr, action) in filtered_syscalls() {
        prog.push(jump(jeq, nr as u32, 0, 1));
        prog.push(stmt(ret, action));
    }
    prog.extend([
        jump(jeq, libc::SYS_clone as u32, 0, 3),
        stmt(ld, 16),
        jump(jset, CLONE_NS_FLAGS, 0, 1),
        stmt(ret, eperm),
        stmt(ret, libc::SECCOMP_RET_ALLOW),
    ]);
    prog
}

/// Installs the sandbox's syscall filter on this process and everything it starts.
/// Needs `no_new_privs` (or CAP_SYS_ADMIN).
pub(super) fn install() -> io::Result<()> {
    sys::install_seccomp_filter(&program())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_filtered_syscall_is_answered_and_the_rest_allowed() {
        let prog = program();
        let rules = filtered_syscalls();
        assert_eq!(prog.len(), 6 + 2 * rules.len() + 5);
        for (nr, action) in &rules {
            let at = prog
                .iter()
                .position(|f| f.k == *nr as u32 && f.jt == 0 && f.jf == 1)
                .unwrap_or_else(|| panic!("syscall {nr} is not in the program"));
            assert_eq!(prog[at + 1].k, *action, "syscall {nr}");
        }
        assert_eq!(prog.last().unwrap().k, libc::SECCOMP_RET_ALLOW);
    }
}
