//! A made-up run with the shape of a real fork bomb against `pids.max = 100`, of any length:
//! for tests and benchmarks of the report stage, where no kernel is at hand.

use crate::data::{Event, EventKind, PsiScope, Sample};
use crate::host::HostFacts;
use crate::plan::{PlanOptions, RunPlan, plan};
use crate::record::{RunRecord, TeardownReport};
use crate::scenario::Source;

/// Sampling interval of the made-up run, ms.
pub const INTERVAL_MS: f64 = 10.0;
/// Its pids limit.
pub const PIDS_MAX: u64 = 100;

/// A fork bomb's run of `samples` samples, 10 ms apart: tasks climb to the limit in the
/// first 2% and stay there (reading one above it now and then, as the kernel allows for an
/// instant), memory follows the tasks, CPU sits near its 1.5-core quota, pressure builds,
/// and the host probe (every tenth sample) sees one 40 ms stall a third of the way in. The
/// last three samples are teardown's: the sandbox is empty. Deterministic: the same length
/// gives the same run.
pub fn run(samples: usize) -> RunRecord {
    let teardown = (samples / 10).min(3);
    let end_ms = ((samples - teardown) as f64 * INTERVAL_MS).max(1.0);
    let (samples, limit_hit_ms) = fork_bomb_samples(samples, end_ms);
    let last_ms = samples.last().map_or(0.0, |s| s.t_ms);
    RunRecord {
        plan: scenario_plan(end_ms),
        host: host_facts(),
        started_at: "2026-01-01T00:00:00.000Z".into(),
        limits: Vec::new(),
        samples,
        samples_spilled: false,
        events: events(limit_hit_ms, end_ms, last_ms),
        exits: Vec::new(),
        start_ms: Some(3.0),
        cloned_into_cgroup: true,
        target: None,
        workload_end_ms: end_ms,
        missed_samples: 0,
        teardown: TeardownReport {
            method: "cgroup.kill".into(),
            kill_ms: 2.0,
            ms: 5.0,
            processes_killed: PIDS_MAX,
            leaked_processes: 0,
            leaked_cgroups: Vec::new(),
            left_in_target: Vec::new(),
        },
        aborted: None,
        view: None,
    }
}

/// The plan of the made-up scenario: a fork bomb of `end_ms` under the pids limit, 256 MiB
/// and 1.5 cores.
fn scenario_plan(end_ms: f64) -> RunPlan {
    let text = format!(
        "name = \"synthetic\"\nduration = \"{end_ms}ms\"\n\
         [limits]\npids = {PIDS_MAX}\nmemory = \"256MiB\"\ncpu = 1.5\n\
         [[workload]]\nkind = \"forkbomb\"\n"
    );
    let src = Source::from_text("synthetic.toml", text);
    plan(
        &src,
        &src.parse().expect("the synthetic scenario parses"),
        &PlanOptions::default(),
    )
    .expect("the synthetic scenario plans")
}

/// The samples (see [`run`]), and when the tasks first reached the limit.
fn fork_bomb_samples(samples: usize, end_ms: f64) -> (Vec<Sample>, Option<f64>) {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let ramp = (samples / 50).max(3);
    let spike = samples / 3;
    let mut out = Vec::with_capacity(samples);
    let (mut cpu, mut refused, mut forks) = (0u64, 0u64, 0u64);
    let mut psi = [0u64; 6];
    let mut limit_hit_ms = None;
    for i in 0..samples {
        let t_ms = i as f64 * INTERVAL_MS;
        let running = t_ms < end_ms;
        let tasks = if !running {
            0
        } else if i < ramp {
            1 + (PIDS_MAX - 1) * i as u64 / ramp as u64
        } else if rng.below(1000) == 0 {
            PIDS_MAX + 1
        } else {
            PIDS_MAX
        };
        if running && i >= ramp {
            limit_hit_ms.get_or_insert(t_ms);
            refused += 15 + rng.below(10);
        }
        if running {
            forks += tasks.min(PIDS_MAX) / 10 + 1;
            cpu += 14_000 + rng.below(1_000);
            let stalls = [6_000, 2_000, 200, 50, 10, 0];
            for (total, s) in psi.iter_mut().zip(stalls) {
                *total += s + rng.below(s / 2 + 1);
            }
        }
        let probe = i % 10 == 0;
        out.push(Sample {
            t_ms,
            late_ms: rng.below(300) as f64 / 1000.0,
            pids_current: Some(tasks),
            pids_max_events: Some(refused),
            memory_bytes: Some(2 * 1024 * 1024 + tasks * 350 * 1024),
            memory_max_events: Some(0),
            memory_oom_kills: Some(0),
            cpu_usage_us: Some(cpu),
            psi_cpu_some_us: Some(psi[0]),
            psi_cpu_full_us: Some(psi[1]),
            psi_memory_some_us: Some(psi[2]),
            psi_memory_full_us: Some(psi[3]),
            psi_io_some_us: Some(psi[4]),
            psi_io_full_us: Some(psi[5]),
            psi_scope: Some(PsiScope::Cgroup),
            forks_ok: Some(forks),
            forks_failed: Some(refused),
            host_fork_ms: probe.then(|| {
                if i == spike - spike % 10 {
                    40.0
                } else {
                    0.25 + rng.below(200) as f64 / 1000.0
                }
            }),
            host_fork_failures: Some(0),
            host_wakeup_late_ms: probe.then(|| 0.05 + rng.below(100) as f64 / 1000.0),
            ..Sample::default()
        });
    }
    (out, limit_hit_ms)
}

/// The workload's start and end, the limit hit, and teardown.
fn events(limit_hit_ms: Option<f64>, end_ms: f64, last_ms: f64) -> Vec<Event> {
    let mut events = vec![Event {
        t_ms: 0.8,
        kind: EventKind::WorkloadStart,
        detail: "workload 0: forkbomb classic (pid 2 in the sandbox)".into(),
    }];
    if let Some(t_ms) = limit_hit_ms {
        events.push(Event {
            t_ms,
            kind: EventKind::LimitHit,
            detail: format!("pids: the pids limit refused a fork at {PIDS_MAX} tasks"),
        });
    }
    events.extend([
        Event {
            t_ms: end_ms,
            kind: EventKind::TeardownStart,
            detail: "killing every process in the sandbox".into(),
        },
        Event {
            t_ms: end_ms + 3.0,
            kind: EventKind::WorkloadExit,
            detail: "workload 0: killed by SIGKILL".into(),
        },
        Event {
            t_ms: last_ms.max(end_ms) + 5.0,
            kind: EventKind::TeardownEnd,
            detail: format!("cgroup.kill killed {PIDS_MAX} task(s) in 5.0 ms; 0 left"),
        },
    ]);
    events
}

/// A made-up host: 2 CPUs, 24 GiB, cgroup PSI.
fn host_facts() -> HostFacts {
    HostFacts {
        hostname: "synthetic".into(),
        kernel: "6.1.0".into(),
        cgroup_mode: None,
        cpus: 2,
        memory_bytes: Some(24 << 30),
        psi_scope: PsiScope::Cgroup,
        root: true,
        uid: Some(0),
        pid_max: Some(4_194_304),
        autogroup: Some(false),
        cgroup_source: None,
        cgroup_grant: None,
        node: None,
        runtime: None,
    }
}

/// A small, fixed pseudo-random sequence (xorshift64), so the made-up run is reproducible.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}
