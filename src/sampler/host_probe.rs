//! The host probe: what the rest of the machine feels during an attack, measured from
//! outside the sandbox. At the start and every interval after, a thread of the harness
//! creates a tiny child that exits at once and reaps it (the thing a fork bomb takes away
//! from everyone else), and notes how late its own timer woke it.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::sys;

/// How often the probe runs.
pub const INTERVAL: Duration = Duration::from_millis(100);

/// One probe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProbeResult {
    /// Create + exit + reap of a tiny child; `None` when the host refused the fork.
    pub fork_ms: Option<f64>,
    /// How late the probe thread woke against its schedule.
    pub wakeup_late_ms: f64,
}

/// The probe's newest result, for the sampler to take.
pub struct HostProbe {
    latest: Mutex<Option<ProbeResult>>,
    failures: AtomicU64,
    stop: AtomicBool,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl HostProbe {
    /// Starts probing every `interval`.
    pub fn start(interval: Duration) -> io::Result<Arc<HostProbe>> {
        let probe = Arc::new(HostProbe {
            latest: Mutex::new(None),
            failures: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            thread: Mutex::new(None),
        });
        let p = probe.clone();
        let handle = thread::Builder::new()
            .name("host-probe".into())
            .spawn(move || p.run(interval))?;
        if let Ok(mut t) = probe.thread.lock() {
            *t = Some(handle);
        }
        Ok(probe)
    }

    fn run(&self, interval: Duration) {
        let _ = nix::sys::prctl::set_timerslack(1);
        // The first probe runs at once: a run shorter than one interval still has one
        // (the probe is always on, and its metrics never go missing from a short run).
        let mut due = Instant::now();
        while !self.stop.load(Ordering::SeqCst) {
            let now = Instant::now();
            if now < due {
                thread::park_timeout(due - now);
                continue;
            }
            let wakeup_late_ms = now.duration_since(due).as_secs_f64() * 1000.0;
            let t = Instant::now();
            let fork_ms = match sys::spawn_tiny_child_in_namespaces(nix::sched::CloneFlags::empty())
            {
                Ok(()) => Some(t.elapsed().as_secs_f64() * 1000.0),
                Err(_) => {
                    self.failures.fetch_add(1, Ordering::SeqCst);
                    None
                }
            };
            if let Ok(mut l) = self.latest.lock() {
                *l = Some(ProbeResult {
                    fork_ms,
                    wakeup_late_ms,
                });
            }
            due += interval;
            let now = Instant::now();
            while due <= now {
                due += interval;
            }
        }
    }

    /// The newest result not taken yet. Never waits: the real-time sampler calls it, and a
    /// result held by the probe thread at that instant is taken at the next tick.
    pub fn take(&self) -> Option<ProbeResult> {
        self.latest.try_lock().ok()?.take()
    }

    /// Probe forks the host refused so far.
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::SeqCst)
    }

    /// Stops the probe thread and waits for it.
    pub fn finish(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.thread.lock().ok().and_then(|mut t| t.take()) {
            h.thread().unpark();
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_produce_results() {
        let p = HostProbe::start(Duration::from_millis(5)).unwrap();
        let mut got = None;
        // A bound for a wait, not a timing assertion: a loaded machine may be slow.
        for _ in 0..2500 {
            if let Some(r) = p.take() {
                got = Some(r);
                break;
            }
            thread::sleep(Duration::from_millis(2));
        }
        p.finish();
        let r = got.expect("a probe result within 5 s");
        assert!(r.fork_ms.is_some_and(|ms| ms > 0.0), "{r:?}");
        assert!(r.wakeup_late_ms >= 0.0);
        assert_eq!(p.failures(), 0);
    }
}
