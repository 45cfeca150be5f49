//! The built-in memory hog: reaches `size` in `chunk` steps (at `rate`, or as fast as the
//! kernel allows), touching every page, and publishes how far it got, so a run shows where
//! the OOM killer or the memory limit stopped it (`workload.bytes_reached`).

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::WorkloadIo;
use super::catalogue::{KindDef, OptionDef, START_AFTER};
use super::counters::{Counter, Counters};
use crate::sys::SharedFileMap;
use crate::units;

pub const PAGE: usize = 4096;

/// Where a memory hog puts its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Backing {
    /// Anonymous memory.
    Anon,
    /// A file in the sandbox's private tmpfs, mapped shared: page cache charged to the cgroup.
    Shm,
}

impl Backing {
    pub fn name(self) -> &'static str {
        match self {
            Backing::Anon => "anon",
            Backing::Shm => "shm",
        }
    }
}

/// The catalogue's entry.
pub const KIND: KindDef = KindDef {
    name: "memhog",
    help: "allocates memory and touches every page, reporting how far it got (workload.bytes_reached)",
    options: &[
        OptionDef {
            name: "size",
            help: "total to reach, e.g. \"1GiB\"",
            default: None,
        },
        OptionDef {
            name: "rate",
            help: "how fast, e.g. \"256MiB/s\"",
            default: Some("as fast as the kernel allows"),
        },
        OptionDef {
            name: "chunk",
            help: "allocation step, e.g. \"4MiB\"",
            default: Some("4MiB"),
        },
        OptionDef {
            name: "backing",
            help: "anon: anonymous memory; shm: a file in the sandbox's private tmpfs, mapped shared (page cache charged to the cgroup)",
            default: Some("anon"),
        },
        OptionDef {
            name: "hold",
            help: "keep what it has until the end (false: free it and exit)",
            default: Some("true"),
        },
        START_AFTER,
    ],
};

/// What a hog does: its options, as `limitlab __workload memhog` takes them.
#[derive(Debug, Clone, clap::Args)]
pub struct Hog {
    /// Bytes to reach
    #[arg(long)]
    pub size: u64,
    /// Bytes per second (default: as fast as possible)
    #[arg(long)]
    pub rate: Option<u64>,
    /// Bytes per allocation step
    #[arg(long, default_value_t = 4 << 20)]
    pub chunk: u64,
    #[arg(long, value_enum, default_value = "anon")]
    pub backing: Backing,
    /// Keep the memory until killed (false: free it and exit)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub hold: bool,
}

/// `limitlab __workload memhog`: the hog and the sandbox init's hand-over.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub hog: Hog,
    #[command(flatten)]
    pub io: WorkloadIo,
}

impl Hog {
    /// The `__workload` options that give this hog (the inverse of [`Hog`]'s arguments).
    pub(super) fn options(&self) -> Vec<(&'static str, String)> {
        let mut options = vec![("size", self.size.to_string())];
        if let Some(r) = self.rate {
            options.push(("rate", r.to_string()));
        }
        options.push(("chunk", self.chunk.to_string()));
        options.push(("backing", self.backing.name().into()));
        options.push(("hold", self.hold.to_string()));
        options
    }

    /// `memhog 1.0 GiB anon`, `memhog 1.0 GiB shm at 256.0 MiB/s`.
    pub(super) fn describe(&self) -> String {
        format!(
            "memhog {} {}{}",
            units::format_size(self.size),
            self.backing.name(),
            self.rate
                .map(|r| crate::t!("child-memhog-rate", rate = units::format_size(r)))
                .unwrap_or_default()
        )
    }
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
            "{}",
            crate::t!(
                "child-memhog-refused",
                reached = units::format_size(reached),
                error = e
            )
        ),
        None => eprintln!(
            "{}",
            crate::t!(
                "child-memhog-reached",
                size = units::format_size(reached),
                ms = crate::i18n::fixed(start.elapsed().as_secs_f64() * 1000.0, 0)
            )
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
