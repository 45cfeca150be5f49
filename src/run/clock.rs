//! The setup's clock: time since a start, less what the init waited for a CPU, and what
//! the kernel says of a process that is not running (its state, wchan and kernel stack).

use std::time::{Duration, Instant};

/// Time since a start, less what a process spent runnable but waiting for a CPU (the second
/// field of `/proc/PID/schedstat`, `run_delay`). A timeout on it measures the process, not
/// the machine: on a starved host (a bomb beside the run on both cores) the init got well
/// under 1 % of a core and a fixed 10 s setup bound failed runs that were merely waiting
/// their turn (tests/load.rs saw "did not finish its setup within 10s").
pub(super) struct GivenClock {
    /// The process, opened once (`None` once it was gone at the start).
    process: Option<procfs::process::Process>,
    start: Instant,
    delay_at_start: Duration,
}

impl GivenClock {
    pub(super) fn of(pid: i32) -> GivenClock {
        let process = procfs::process::Process::new(pid).ok();
        let mut clock = GivenClock {
            process,
            start: Instant::now(),
            delay_at_start: Duration::ZERO,
        };
        clock.delay_at_start = clock.run_delay().unwrap_or_default();
        clock
    }

    /// `run_delay` so far, from `/proc/PID/schedstat`.
    pub(super) fn run_delay(&self) -> Option<Duration> {
        let s = self.process.as_ref()?.schedstat().ok()?;
        Some(Duration::from_nanos(s.run_delay))
    }

    pub(super) fn wall(&self) -> Duration {
        self.start.elapsed()
    }

    /// How long the process waited for a CPU since the start (0 once it is gone).
    pub(super) fn waited(&self) -> Duration {
        self.run_delay()
            .map(|d| d.saturating_sub(self.delay_at_start))
            .unwrap_or_default()
    }

    /// The process's state letter as `/proc/PID/stat` gives it (`S` sleeping, `D` waiting
    /// in the kernel uninterruptibly, `R` runnable), `?` once it is gone: with `waited`, it
    /// tells a setup that waited for a CPU from one that waited for something else.
    pub(super) fn state(&self) -> String {
        let stat = self.process.as_ref().and_then(|p| p.stat().ok());
        stat.map_or('?', |s| s.state).to_string()
    }

    /// The kernel function the process sleeps in (`/proc/PID/wchan`), where the kernel says.
    pub(super) fn wchan(&self) -> Option<String> {
        let w = self.process.as_ref()?.wchan().ok()?;
        let w = w.trim();
        (!w.is_empty() && w != "0").then(|| w.to_string())
    }

    /// The innermost frames of the process's kernel stack (`/proc/PID/stack`, root only),
    /// innermost first: what it waits for (a page being read in, a lock) and why.
    pub(super) fn stack(&self) -> Option<String> {
        let pid = self.process.as_ref()?.pid;
        let text = std::fs::read_to_string(format!("/proc/{pid}/stack")).ok()?;
        kernel_frames(&text, 8)
    }

    /// Whether `timeout` of given time, or `cap` of wall-clock time, has passed.
    pub(super) fn past(&self, timeout: Duration, cap: Duration) -> bool {
        let wall = self.wall();
        wall >= cap || wall.saturating_sub(self.waited()) >= timeout
    }
}

/// The function names of the first `n` frames of a `/proc/PID/stack` text
/// (`[<0>] filemap_fault+0x2c1/0x8b0`), joined by " < ".
pub(super) fn kernel_frames(text: &str, n: usize) -> Option<String> {
    let frames: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1)?.split('+').next())
        .filter(|f| !f.is_empty())
        .take(n)
        .collect();
    (!frames.is_empty()).then(|| frames.join(" < "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_given_clock_counts_wall_time_less_the_wait_for_a_cpu() {
        let clock = GivenClock::of(std::process::id() as i32);
        std::thread::sleep(Duration::from_millis(20));
        assert!(clock.wall() >= Duration::from_millis(20));
        assert!(
            clock.waited() < clock.wall(),
            "sleeping is not waiting for a CPU"
        );
        assert!(clock.past(Duration::from_millis(10), Duration::from_secs(3600)));
        assert!(!clock.past(Duration::from_secs(3600), Duration::from_secs(3600)));
        assert!(
            clock.past(Duration::from_secs(3600), Duration::from_millis(10)),
            "the cap"
        );
        let state = clock.state();
        assert!(["R", "S"].contains(&state.as_str()), "{state}");
        let gone = GivenClock::of(i32::MAX);
        assert_eq!(gone.waited(), Duration::ZERO);
        assert_eq!(gone.state(), "?");
        assert_eq!(gone.wchan(), None);
    }

    #[test]
    fn the_kernel_stack_names_what_a_process_waits_in() {
        let text = "[<0>] folio_wait_bit_common+0x13c/0x350\n[<0>] filemap_fault+0x5b1/0xa10\n[<0>] __do_fault+0x35/0x170\n";
        assert_eq!(
            kernel_frames(text, 2).as_deref(),
            Some("folio_wait_bit_common < filemap_fault")
        );
        assert_eq!(kernel_frames("", 8), None);
        // The real file of a process asleep in nanosleep, where this process may read it.
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let clock = GivenClock::of(child.id() as i32);
        let until = Instant::now() + Duration::from_secs(5);
        while clock.state() != "S" && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        if nix::unistd::geteuid().is_root() {
            let stack = clock.stack().expect("root reads /proc/PID/stack");
            assert!(stack.contains("nanosleep"), "{stack}");
        }
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(GivenClock::of(i32::MAX).stack(), None);
    }
}
