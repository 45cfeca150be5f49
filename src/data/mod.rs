//! The data that crosses stages, and nothing else: the samples and events a run produces,
//! the stat files the sampler reads, the limits as written, the metric catalogue. It
//! imports nothing from the rest of the crate, so every stage may use it.
//!
//! Samples hold raw cumulative counters exactly as the kernel gave them (every field
//! optional: `None` means this kernel or cgroup mode does not provide it). Rates and
//! summaries are computed later, by the `metrics` stage (src/metrics.rs), from these alone.

pub mod metrics;
pub mod stream;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Where pressure (PSI) figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PsiScope {
    /// The sandbox's own cgroup2 node.
    Cgroup,
    /// `/proc/pressure`: the whole machine, because the sandbox has no cgroup2 node with PSI.
    System,
    /// No PSI on this kernel.
    None,
}

/// One row of `samples.csv`. Column order is field order; `t_ms` first. A column that a
/// file from an earlier limitlab lacks reads as `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sample {
    /// Milliseconds since the workload was released.
    pub t_ms: f64,
    /// How late this sample was taken against its schedule, in milliseconds.
    pub late_ms: f64,
    pub pids_current: Option<u64>,
    /// `pids.peak` where the kernel keeps it (recent kernels, v1 and v2): the most tasks that
    /// passed the limit check. `pids_current` itself can read above `pids.max` for an
    /// instant, because the kernel charges a fork, compares, and then reverts.
    pub pids_peak: Option<u64>,
    /// The `max` count in `pids.events`: forks refused by the pids limit.
    pub pids_max_events: Option<u64>,
    pub memory_bytes: Option<u64>,
    pub memory_peak_bytes: Option<u64>,
    /// v1 `memory.failcnt`; v2 the `max` count in `memory.events`.
    pub memory_max_events: Option<u64>,
    pub memory_oom_kills: Option<u64>,
    pub swap_bytes: Option<u64>,
    /// Cumulative CPU time of the sandbox, microseconds.
    pub cpu_usage_us: Option<u64>,
    pub cpu_periods: Option<u64>,
    pub cpu_throttled_periods: Option<u64>,
    pub cpu_throttled_us: Option<u64>,
    /// Cumulative PSI stall totals, microseconds.
    pub psi_cpu_some_us: Option<u64>,
    pub psi_cpu_full_us: Option<u64>,
    pub psi_memory_some_us: Option<u64>,
    pub psi_memory_full_us: Option<u64>,
    pub psi_io_some_us: Option<u64>,
    pub psi_io_full_us: Option<u64>,
    pub psi_scope: Option<PsiScope>,
    /// Built-in workloads' own counters (summed over workloads).
    pub forks_ok: Option<u64>,
    pub forks_failed: Option<u64>,
    /// Bytes the memory hogs held at their most.
    pub bytes_reached: Option<u64>,
    /// Work units the CPU spinners completed (cumulative).
    pub spins: Option<u64>,
    /// The hostile workload's escape attempts so far, and those that got through.
    pub escape_attempts: Option<u64>,
    pub escapes: Option<u64>,
    /// The host probe (outside the sandbox): how long a fork + exit + wait of a tiny child
    /// took, in the first sample after each probe; empty in the others.
    pub host_fork_ms: Option<f64>,
    /// Probe forks the host refused so far.
    pub host_fork_failures: Option<u64>,
    /// How late the probe thread's timer woke it, with the same probe.
    pub host_wakeup_late_ms: Option<f64>,
    /// System-wide PSI totals (`/proc/pressure`), microseconds.
    pub host_psi_cpu_some_us: Option<u64>,
    pub host_psi_cpu_full_us: Option<u64>,
    pub host_psi_memory_some_us: Option<u64>,
    pub host_psi_memory_full_us: Option<u64>,
    pub host_psi_io_some_us: Option<u64>,
    pub host_psi_io_full_us: Option<u64>,
    /// With a target: its tasks and the kernel's watermark of them, the refused forks of the
    /// cgroup whose pids limit it is under, its memory, and its OOM kills (cumulative).
    pub target_pids_current: Option<u64>,
    pub target_pids_peak: Option<u64>,
    pub target_pids_max_events: Option<u64>,
    pub target_memory_bytes: Option<u64>,
    pub target_memory_oom_kills: Option<u64>,
}

/// What happened when; one row of `events.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub t_ms: f64,
    pub kind: EventKind,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    WorkloadStart,
    WorkloadExit,
    WorkloadError,
    LimitHit,
    OomKill,
    Deadline,
    Abort,
    TeardownStart,
    TeardownEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PsiResource {
    Cpu,
    Memory,
    Io,
}

impl PsiResource {
    pub const ALL: [PsiResource; 3] = [PsiResource::Cpu, PsiResource::Memory, PsiResource::Io];
    pub fn name(self) -> &'static str {
        match self {
            PsiResource::Cpu => "cpu",
            PsiResource::Memory => "memory",
            PsiResource::Io => "io",
        }
    }
}

/// What a stat file holds and which sample fields it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `pids.current`.
    PidsCurrent,
    /// `pids.peak` (v2).
    PidsPeak,
    /// `pids.events`: `max N`.
    PidsEvents,
    /// `memory.usage_in_bytes` (v1) or `memory.current` (v2).
    MemoryCurrent,
    /// `memory.max_usage_in_bytes` (v1) or `memory.peak` (v2).
    MemoryPeak,
    /// `memory.failcnt` (v1): charges the memory limit refused.
    MemoryFailcnt,
    /// `memory.memsw.failcnt` (v1): charges the memory+swap limit refused. With swap
    /// accounting the kernel charges memory+swap first, so where the two limits are equal
    /// (`swap = "0B"`) every refusal is counted here and `memory.failcnt` stays 0.
    MemswFailcnt,
    /// `memory.events` (v2): `max N`, `oom_kill N`.
    MemoryEvents,
    /// `memory.oom_control` (v1): `oom_kill N`.
    MemoryOomControl,
    /// `memory.swap.current` (v2).
    SwapCurrent,
    /// `cpuacct.usage` (v1), nanoseconds.
    CpuacctUsage,
    /// `cpu.stat` (v1): `nr_periods`, `nr_throttled`, `throttled_time` (ns).
    CpuStatV1,
    /// `cpu.stat` (v2): `usage_usec`, `nr_periods`, `nr_throttled`, `throttled_usec`.
    CpuStatV2,
    /// A PSI file: `some ... total=N` and `full ... total=N` (µs).
    Psi(PsiResource, PsiScope),
    /// A system-wide PSI file, recorded beside the sandbox's own.
    HostPsi(PsiResource),
    /// A target's `pids.current`.
    TargetPidsCurrent,
    /// A target's `pids.peak`: the kernel's watermark since its cgroup was made.
    TargetPidsPeak,
    /// The `pids.events` of the cgroup whose pids limit a target is under.
    TargetPidsEvents,
    /// A target's memory usage.
    TargetMemoryCurrent,
    /// A target's `oom_kill` counter: `memory.events` (v2) or `memory.oom_control` (v1).
    TargetOomKills,
}

/// A limit as written to the kernel: which file, what value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitWritten {
    /// The control file's name, e.g. `pids.max`.
    pub control: String,
    pub path: PathBuf,
    pub value: String,
}

/// A file the sampler reads, and how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatFile {
    pub path: PathBuf,
    pub kind: SourceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Namespace {
    Pid,
    Mount,
    Net,
    Uts,
    Ipc,
    Cgroup,
}

impl Namespace {
    pub const ALL: [Namespace; 6] = [
        Namespace::Pid,
        Namespace::Mount,
        Namespace::Net,
        Namespace::Uts,
        Namespace::Ipc,
        Namespace::Cgroup,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Namespace::Pid => "pid",
            Namespace::Mount => "mount",
            Namespace::Net => "net",
            Namespace::Uts => "uts",
            Namespace::Ipc => "ipc",
            Namespace::Cgroup => "cgroup",
        }
    }
    /// The name of its file in `/proc/self/ns`.
    pub fn proc_name(self) -> &'static str {
        match self {
            Namespace::Mount => "mnt",
            other => other.name(),
        }
    }
}

/// runc's default `maskedPaths` (its spec example), plus Docker's `/sys/devices/virtual/powercap`
/// (CVE-2020-8694): a file gets `/dev/null` bound over it, a directory an empty read-only
/// tmpfs.
pub const MASKED: &[&str] = &[
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
];

/// runc's default `readonlyPaths`: bound over themselves read-only.
pub const READ_ONLY: &[&str] = &[
    "/proc/bus",
    "/proc/fs",
    "/proc/irq",
    "/proc/sys",
    "/proc/sysrq-trigger",
];
