//! The built-in CPU spinner: threads that burn CPU for `duty` of every 100 ms slot and
//! count their work, so a quota shows in the workload's own numbers (`workload.spins`).

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use super::WorkloadIo;
use super::catalogue::{KindDef, OptionDef, START_AFTER};
use super::counters::{Counter, Counters};

/// The catalogue's entry.
pub const KIND: KindDef = KindDef {
    name: "cpuspin",
    help: "threads that spin and count their work (workload.spins), so throttling shows in the workload's own numbers",
    options: &[
        OptionDef {
            name: "threads",
            help: "how many spinning threads",
            default: Some("one per CPU of the sandbox's cpuset"),
        },
        OptionDef {
            name: "duty",
            help: "busy fraction of each 100 ms slot, 0 < duty <= 1",
            default: Some("1.0"),
        },
        START_AFTER,
    ],
};

/// `limitlab __workload cpuspin`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Spinning threads (default: one per CPU this process may use)
    #[arg(long)]
    pub threads: Option<usize>,
    /// Busy fraction of each 100 ms slot
    #[arg(long, default_value_t = 1.0)]
    pub duty: f64,
    #[command(flatten)]
    pub io: WorkloadIo,
}

/// The `__workload` options that give these spinners (the inverse of [`Args`]).
pub(super) fn options(threads: Option<usize>, duty: f64) -> Vec<(&'static str, String)> {
    let mut options = Vec::new();
    if let Some(t) = threads {
        options.push(("threads", t.to_string()));
    }
    options.push(("duty", duty.to_string()));
    options
}

/// `cpuspin 2 threads at duty 0.5`, `cpuspin one thread per CPU at duty 1`.
pub(super) fn describe(threads: Option<usize>, duty: f64) -> String {
    let duty = crate::i18n::number(duty.to_string());
    match threads {
        Some(t) => crate::t!(
            "child-cpuspin",
            threads = crate::i18n::count(t).ungrouped(),
            duty = duty
        ),
        None => crate::t!("child-cpuspin-per-cpu", duty = duty),
    }
}

/// The duty-cycle slot.
const SLOT: Duration = Duration::from_millis(100);
/// How often a spinner publishes its count.
const FLUSH: Duration = Duration::from_millis(5);
/// Work units between clock reads.
const BATCH: u64 = 4096;

/// Runs `threads` spinners (default: one per CPU this process may use) forever.
pub fn run(threads: Option<usize>, duty: f64, counters: Option<Counters>, slot: usize) -> ! {
    let counters: Option<&'static Counters> = counters.map(|c| &*Box::leak(Box::new(c)));
    let n = threads.unwrap_or_else(cpus_allowed).max(1);
    for i in 1..n {
        let _ = thread::Builder::new()
            .name(format!("spin{i}"))
            .spawn(move || spin(duty, counters, slot, i as u64));
    }
    spin(duty, counters, slot, 0)
}

/// The CPUs of this process's affinity mask (its cpuset).
pub fn cpus_allowed() -> usize {
    nix::sched::sched_getaffinity(nix::unistd::Pid::from_raw(0))
        .map(|set| {
            (0..nix::sched::CpuSet::count())
                .filter(|&c| set.is_set(c).unwrap_or(false))
                .count()
        })
        .unwrap_or(1)
}

/// One unit of work: a step of xorshift64.
fn step(x: u64) -> u64 {
    let x = x ^ (x << 13);
    let x = x ^ (x >> 7);
    x ^ (x << 17)
}

fn spin(duty: f64, counters: Option<&'static Counters>, slot: usize, seed: u64) -> ! {
    let busy = SLOT.mul_f64(duty);
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut pending = 0u64;
    let mut flushed = Instant::now();
    let publish = |pending: &mut u64, flushed: &mut Instant, now: Instant| {
        if let Some(c) = counters {
            c.add(slot, Counter::Spins, *pending);
        }
        *pending = 0;
        *flushed = now;
    };
    loop {
        let start = Instant::now();
        loop {
            for _ in 0..BATCH {
                x = step(x);
            }
            black_box(x);
            pending += BATCH;
            let now = Instant::now();
            if now.duration_since(flushed) >= FLUSH {
                publish(&mut pending, &mut flushed, now);
            }
            if now.duration_since(start) >= busy {
                break;
            }
        }
        if duty < 1.0 {
            publish(&mut pending, &mut flushed, Instant::now());
            if let Some(rest) = SLOT.checked_sub(start.elapsed()) {
                thread::sleep(rest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, with};

    #[test]
    fn threads_are_counted_in_the_plural_they_take() {
        let en = |t| with(Lang::En, || super::describe(t, 0.5));
        let es = |t| with(Lang::Es, || super::describe(t, 0.5));
        assert_eq!(en(Some(1)), "cpuspin 1 thread at duty 0.5");
        assert_eq!(en(Some(2)), "cpuspin 2 threads at duty 0.5");
        assert_eq!(en(None), "cpuspin one thread per CPU at duty 0.5");
        assert_eq!(es(Some(1)), "cpuspin 1 hilo con ciclo de trabajo 0,5");
        assert_eq!(es(Some(2)), "cpuspin 2 hilos con ciclo de trabajo 0,5");
        assert_eq!(es(None), "cpuspin un hilo por CPU con ciclo de trabajo 0,5");
    }
}
