//! The built-in memory hog: reaches `size` in `chunk` steps (at `rate`, or as fast as the
//! kernel allows), touching every page, and publishes how far it got, so a run shows where
//! the OOM killer or the memory limit stopped it (`workload.bytes_reached`).

use std::time::{Duration, Instant};

use super::Backing;
use super::counters::{Counter, Counters};
use crate::sys::SharedFileMap;
use crate::units;

pub const PAGE: usize = 4096;

#[derive(Debug, Clone)]
pub struct Hog {
    pub size: u64,
    pub rate: Option<u64>,
    pub chunk: u64,
    pub backing: Backing,
    pub hold: bool,
}

/// Memory the hog holds.
enum Held {
    Anon(Vec<Vec<u8>>),
    Shm(SharedFileMap),
}

/// Runs the hog; returns its exit code when it does not hold until killed.
pub fn run(h: &Hog, counters: Option<Counters>, slot: usize) -> anyhow::Result<u8> {
    let publish = |bytes: u64| {
        if let Some(c) = &counters {
            c.set_max(slot, Counter::BytesReached, bytes);
        }
    };
    let start = Instant::now();
    let mut reached = 0u64;
    let mut held = match h.backing {
        Backing::Anon => Held::Anon(Vec::new()),
        Backing::Shm => Held::Shm(SharedFileMap::create_unlinked(&shm_dir(), h.size as usize)?),
    };
    let mut refused = None;
    while reached < h.size {
        let n = h.chunk.min(h.size - reached) as usize;
        match &mut held {
            Held::Anon(chunks) => {
                let mut v: Vec<u8> = Vec::new();
                if let Err(e) = v.try_reserve_exact(n) {
                    refused = Some(e.to_string());
                    break;
                }
                // Writing every byte touches every page.
                // One write per page is what makes the kernel give (and charge) it; filling
                // every byte would only write over the zeroes the kernel just cleared.
                let spare = v.spare_capacity_mut();
                for off in (0..n).step_by(PAGE) {
                    spare[off].write(0xA5);
                }
                chunks.push(v);
            }
            Held::Shm(map) => {
                for off in (reached as usize..reached as usize + n).step_by(PAGE) {
                    map.touch(off);
                }
            }
        }
        reached += n as u64;
        publish(reached);
        if let Some(rate) = h.rate {
            let due = start + Duration::from_secs_f64(reached as f64 / rate as f64);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
    }
    match &refused {
        Some(e) => eprintln!(
            "memhog: allocation refused after {}: {e}",
            units::format_size(reached)
        ),
        None => eprintln!(
            "memhog: reached {} in {:.0} ms",
            units::format_size(reached),
            start.elapsed().as_secs_f64() * 1000.0
        ),
    }
    if h.hold || refused.is_some() {
        loop {
            std::thread::park();
        }
    }
    drop(held);
    Ok(0)
}

/// Where shm-backed hogs put their file: the sandbox's private tmpfs at /tmp (inside the
/// sandbox), or `$TMPDIR`.
fn shm_dir() -> std::path::PathBuf {
    std::env::var_os("TMPDIR")
        .map(Into::into)
        .unwrap_or_else(|| "/tmp".into())
}
