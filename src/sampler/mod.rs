//! The sampler: a thread outside the sandbox's cgroups that reads raw counters every
//! interval. Files are opened once and re-read with `pread` into one reused buffer; no
//! process is spawned and `/proc` is not walked. A file that vanishes or a feature the
//! kernel lacks gives `None`, never an error and never a zero.

pub mod host_probe;
mod parse;

use parse::parse_into;
pub use parse::parse_psi;

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::data::StatFile;
use crate::data::stream::{EventLog, SampleWriter};
use crate::data::{EventKind, PsiResource, Sample, SourceKind};
use crate::workloads::counters::{Counter, Counters};

/// The system-wide PSI files, read beside every sandbox's own.
pub fn host_psi_files() -> Vec<StatFile> {
    PsiResource::ALL
        .iter()
        .map(|r| StatFile {
            path: std::path::PathBuf::from("/proc/pressure").join(r.name()),
            kind: SourceKind::HostPsi(*r),
        })
        .collect()
}

/// Which built-in counters a run has, and over how many workload slots.
#[derive(Clone)]
pub struct CounterSet {
    pub page: Arc<Counters>,
    pub slots: usize,
    pub forks: bool,
    pub bytes: bool,
    pub spins: bool,
    pub escapes: bool,
}

/// Reads a set of stat files into samples, keeping each file open.
pub struct Reader {
    sources: Vec<(File, SourceKind)>,
    buf: Vec<u8>,
    counters: Option<CounterSet>,
    probe: Option<Arc<host_probe::HostProbe>>,
}

impl Reader {
    /// Opens every file that exists; the others stay `None` in every sample.
    pub fn open(
        files: &[StatFile],
        counters: Option<CounterSet>,
        probe: Option<Arc<host_probe::HostProbe>>,
    ) -> Reader {
        let sources = files
            .iter()
            .filter_map(|f| File::open(&f.path).ok().map(|file| (file, f.kind)))
            .collect();
        Reader {
            sources,
            buf: vec![0; 8192],
            counters,
            probe,
        }
    }

    /// Reads every source into a fresh sample (time fields left for the caller).
    pub fn read(&mut self) -> Sample {
        let mut s = Sample::default();
        for (file, kind) in &self.sources {
            if let Some(text) = pread(file, &mut self.buf) {
                parse_into(*kind, text, &mut s);
            }
        }
        if let Some(c) = &self.counters {
            let sum = |k| Some(c.page.sum(k, c.slots));
            if c.forks {
                s.forks_ok = sum(Counter::ForksOk);
                s.forks_failed = sum(Counter::ForksFailed);
            }
            if c.bytes {
                s.bytes_reached = sum(Counter::BytesReached);
            }
            if c.spins {
                s.spins = sum(Counter::Spins);
            }
            if c.escapes {
                s.escape_attempts = sum(Counter::EscapeAttempts);
                s.escapes = sum(Counter::Escapes);
            }
        }
        if let Some(p) = &self.probe {
            if let Some(r) = p.take() {
                s.host_fork_ms = r.fork_ms;
                s.host_wakeup_late_ms = Some(r.wakeup_late_ms);
            }
            s.host_fork_failures = Some(p.failures());
        }
        s
    }
}

/// Reads a whole small file from offset 0; `None` when it vanished or the kernel refuses.
fn pread<'a>(file: &File, buf: &'a mut [u8]) -> Option<&'a [u8]> {
    match file.read_at(buf, 0) {
        Ok(n) => Some(&buf[..n]),
        // ENOENT/ENODEV: the cgroup is gone; EOPNOTSUPP: PSI switched off for it.
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::ENOENT | libc::ENODEV | libc::EOPNOTSUPP)
            ) =>
        {
            None
        }
        Err(_) => None,
    }
}

/// The newest sample, for the live status line.
pub type Latest = Arc<Mutex<Option<Sample>>>;

pub struct SamplerConfig {
    pub interval: Duration,
    /// Time zero of the run: the moment the workload was released.
    pub t0: Instant,
    pub reader: Reader,
    pub samples: SampleWriter,
    pub events: Arc<EventLog>,
    pub latest: Latest,
    /// The most samples held in memory; past that, `samples.csv` alone keeps them (see
    /// [`SamplerOutput::spilled`]).
    pub keep: usize,
}

pub struct SamplerOutput {
    /// Every sample taken, unless the run took more than [`SamplerConfig::keep`]: then none
    /// (`spilled`), and they are in `samples.csv` only.
    pub samples: Vec<Sample>,
    pub spilled: bool,
    pub missed: u64,
    pub write_error: Option<io::Error>,
}

/// A running sampler thread.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<SamplerOutput>,
}

impl Sampler {
    pub fn start(cfg: SamplerConfig) -> io::Result<Sampler> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = thread::Builder::new()
            .name("sampler".into())
            .spawn(move || run(cfg, &flag))?;
        Ok(Sampler { stop, handle })
    }

    /// Takes one last sample now and returns everything.
    pub fn finish(self) -> SamplerOutput {
        self.stop.store(true, Ordering::SeqCst);
        self.handle.thread().unpark();
        self.handle.join().unwrap_or_else(|_| SamplerOutput {
            samples: Vec::new(),
            spilled: false,
            missed: 0,
            write_error: Some(io::Error::other("the sampler thread panicked")),
        })
    }
}

fn run(mut cfg: SamplerConfig, stop: &AtomicBool) -> SamplerOutput {
    // Wake as close to the schedule as the kernel allows (the default slack is 50 µs), and
    // run at once when woken: as the lowest real-time priority, the sampler preempts a
    // saturated bomb's tasks instead of queueing behind them (measured here under a
    // 1000-task bomb: p99 lateness 2.2 ms as an ordinary thread). It sleeps between reads,
    // so it takes no CPU from anyone; where the kernel refuses, it stays an ordinary thread.
    let _ = nix::sys::prctl::set_timerslack(1);
    let _ = crate::sys::set_realtime(1);
    let mut out = SamplerOutput {
        samples: Vec::new(),
        spilled: false,
        missed: 0,
        write_error: None,
    };
    let mut watch = EventWatch::default();
    let interval = cfg.interval;
    let mut due = cfg.t0;
    loop {
        let stopping = stop.load(Ordering::SeqCst);
        let taken = Instant::now();
        if !stopping && taken < due {
            thread::park_timeout(due - taken);
            continue;
        }
        let mut s = cfg.reader.read();
        s.t_ms = ms(taken.duration_since(cfg.t0));
        s.late_ms = if stopping {
            0.0
        } else {
            ms(taken.saturating_duration_since(due))
        };
        watch.check(&s, &cfg.events);
        if out.write_error.is_none() {
            out.write_error = cfg.samples.write(&s).err();
        }
        // For the status line; never waited for (this thread may be real-time, the reader
        // is not): a tick that finds it held leaves the previous sample there.
        if let Ok(mut l) = cfg.latest.try_lock() {
            *l = Some(s.clone());
        }
        if out.spilled {
            // samples.csv alone keeps them: the run's memory stays flat however long it
            // samples.
        } else if out.samples.len() < cfg.keep {
            out.samples.push(s);
        } else {
            out.spilled = true;
            out.samples = Vec::new();
        }
        if stopping {
            break;
        }
        due += interval;
        let behind = Instant::now().saturating_duration_since(due);
        if behind >= interval {
            let skipped = (behind.as_nanos() / interval.as_nanos()) as u32;
            out.missed += u64::from(skipped);
            due += interval * skipped;
        }
    }
    if out.write_error.is_none() {
        out.write_error = cfg.samples.finish().err();
    }
    out
}

/// Whole microseconds, as milliseconds (through `u64`: a `u128` to `f64` is a call into
/// the compiler's runtime, on every tick).
fn ms(d: Duration) -> f64 {
    d.as_micros() as u64 as f64 / 1000.0
}

/// Notices limit hits and OOM kills as the counters move.
#[derive(Default)]
struct EventWatch {
    pids_hit: bool,
    memory_hit: bool,
    oom_kills: u64,
}

impl EventWatch {
    fn check(&mut self, s: &Sample, events: &EventLog) {
        if !self.pids_hit && s.pids_max_events.is_some_and(|n| n > 0) {
            self.pids_hit = true;
            let at = s
                .pids_current
                .map(|n| {
                    crate::t!(
                        "event-detail-pids-at",
                        tasks = crate::i18n::fixed(n as f64, 0)
                    )
                })
                .unwrap_or_default();
            events.record_at(
                s.t_ms,
                EventKind::LimitHit,
                crate::t!("event-detail-pids-hit", at = at),
            );
        }
        if !self.memory_hit && s.memory_max_events.is_some_and(|n| n > 0) {
            self.memory_hit = true;
            events.record_at(
                s.t_ms,
                EventKind::LimitHit,
                crate::t!("event-detail-memory-hit"),
            );
        }
        if let Some(k) = s.memory_oom_kills
            && k > self.oom_kills
        {
            events.record_at(
                s.t_ms,
                EventKind::OomKill,
                crate::t!(
                    "event-detail-oom",
                    count = crate::i18n::count(k - self.oom_kills).ungrouped(),
                    total = crate::i18n::fixed(k as f64, 0)
                ),
            );
            self.oom_kills = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_hits_and_oom_kills_are_said_in_the_run_language_name_first() {
        use crate::i18n::{Lang, with};
        let sample = Sample {
            t_ms: 12.0,
            pids_current: Some(1000),
            pids_max_events: Some(3),
            memory_max_events: Some(1),
            memory_oom_kills: Some(2),
            ..Sample::default()
        };
        let details = |lang| {
            with(lang, || {
                let log = EventLog::create(None).unwrap();
                EventWatch::default().check(&sample, &log);
                log.events()
                    .into_iter()
                    .map(|e| e.detail)
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            details(Lang::En),
            [
                "pids: the pids limit refused a fork at 1000 tasks",
                "memory: usage reached the memory limit",
                "the OOM killer killed 2 processes in the sandbox (2 so far)",
            ]
        );
        let es = details(Lang::Es);
        assert_eq!(
            es,
            [
                "pids: el límite de pids rechazó un fork con 1.000 tareas",
                "memory: el uso llegó al límite de memoria",
                "el OOM killer mató 2 procesos en el sandbox (2 hasta ahora)",
            ]
        );
        // The charts tell a limit hit by its first word.
        assert!(es[0].starts_with("pids") && es[1].starts_with("memory"));
    }

    #[test]
    fn past_keep_the_samples_are_in_the_file_only() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("pids.current");
        std::fs::write(&f, "3\n").unwrap();
        let files = [StatFile {
            path: f,
            kind: SourceKind::PidsCurrent,
        }];
        let csv = tmp.path().join("samples.csv");
        let run = |keep: usize| {
            let sampler = Sampler::start(SamplerConfig {
                interval: Duration::from_millis(1),
                t0: Instant::now(),
                reader: Reader::open(&files, None, None),
                samples: SampleWriter::create(&csv).unwrap(),
                events: Arc::new(EventLog::create(None).unwrap()),
                latest: Arc::new(Mutex::new(None)),
                keep,
            })
            .unwrap();
            thread::sleep(Duration::from_millis(20));
            let out = sampler.finish();
            let rows = std::fs::read_to_string(&csv).unwrap().lines().count() - 1;
            (out, rows)
        };
        // Every run has at least two samples whatever the load: the first at once and the
        // last at `finish`.
        let (held, rows) = run(100_000);
        assert!(!held.spilled && held.samples.len() == rows && rows >= 2);
        // Past `keep`, none stays in memory (not even the ones after it), and the file still
        // has every one.
        let (spilled, rows) = run(1);
        assert!(spilled.spilled, "{rows} rows");
        assert!(spilled.samples.is_empty());
        assert!(rows >= 2);
    }

    #[test]
    fn reader_rereads_open_files_and_skips_missing_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("pids.current");
        std::fs::write(&f, "3\n").unwrap();
        let files = vec![
            StatFile {
                path: f.clone(),
                kind: SourceKind::PidsCurrent,
            },
            StatFile {
                path: tmp.path().join("absent"),
                kind: SourceKind::MemoryCurrent,
            },
        ];
        let mut r = Reader::open(&files, None, None);
        assert_eq!(r.read().pids_current, Some(3));
        std::fs::write(&f, "42\n").unwrap();
        let s = r.read();
        assert_eq!(
            (s.pids_current, s.memory_bytes, s.forks_ok),
            (Some(42), None, None)
        );
    }
}
