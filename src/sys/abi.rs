//! The kernel's structs and numbers that libc lacks, laid out as the kernel reads them.
//! Only `super` hands them to the kernel.
#![deny(unsafe_code)]

/// `clone3`'s flag that starts the child in the cgroup2 directory `clone_args.cgroup`.
pub(super) const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;

/// `mount_setattr(2)` flags (linux/mount.h).
pub const MOUNT_ATTR_RDONLY: u64 = 0x1;
pub const MOUNT_ATTR_NOSUID: u64 = 0x2;
pub const MOUNT_ATTR_NODEV: u64 = 0x4;
/// `mount_setattr(2)`: to every mount beneath the path as well.
pub(super) const AT_RECURSIVE: u32 = 0x8000;

/// `struct mount_attr` (linux/mount.h).
#[repr(C)]
pub(super) struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

impl MountAttr {
    /// Sets the attributes `set`, clears `clear`, and leaves propagation and the id mapping
    /// as they are.
    pub(super) fn new(set: u64, clear: u64) -> MountAttr {
        MountAttr {
            attr_set: set,
            attr_clr: clear,
            propagation: 0,
            userns_fd: 0,
        }
    }
}

/// `struct __user_cap_header_struct` (linux/capability.h).
#[repr(C)]
pub(super) struct CapHeader {
    version: u32,
    pid: i32,
}

/// `_LINUX_CAPABILITY_VERSION_3`: 64-bit sets, as two [`CapData`].
const CAP_VERSION_3: u32 = 0x2008_0522;

impl CapHeader {
    /// The calling thread's capabilities, in version 3 of the ABI.
    pub(super) fn own_v3() -> CapHeader {
        CapHeader {
            version: CAP_VERSION_3,
            pid: 0,
        }
    }
}

/// `struct __user_cap_data_struct` (linux/capability.h): 32 capabilities of each set.
#[repr(C)]
#[derive(Clone, Copy)]
pub(super) struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// Empty effective, permitted and inheritable sets, in version 3 of the ABI.
pub(super) const NO_CAPABILITIES: [CapData; 2] = [CapData {
    effective: 0,
    permitted: 0,
    inheritable: 0,
}; 2];

/// The highest capability number this kernel knows (`/proc/sys/kernel/cap_last_cap`).
pub(super) fn last_capability() -> u64 {
    std::fs::read_to_string("/proc/sys/kernel/cap_last_cap")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(40)
}
