//! Files written while a run is going: `samples.csv` (a row per sample, flushed at least
//! every [`FLUSH_EVERY`]) and `events.csv` (a row per event). Both stay readable if the
//! harness dies mid-run; a harness killed with SIGKILL loses at most the rows of its last
//! [`FLUSH_EVERY`].

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use super::{Event, EventKind, Sample};

/// Streams samples to CSV. The header comes from [`Sample`]'s fields, so it cannot drift.
pub struct SampleWriter {
    out: Option<csv::Writer<File>>,
    /// When rows last went to the file, as the run's `t_ms`; `None` before the first
    /// (which goes at once).
    flushed: Option<f64>,
    /// The samples taken since then, made into rows together when they go: one tick's row
    /// alone, made every 10 ms after the bomb's tasks have had the caches, cost the sampler
    /// thread more than ten rows made in a row.
    pending: Vec<Sample>,
}

/// How long rows may wait in memory before they go to the file. A write per row cost more
/// than all the cgroup files a sample reads (measured at 10 ms: 80-120 µs of the sampler's
/// CPU per sample with a write each, 40-50 µs with one per 100 ms; the kernel updates the
/// file's mtime and journals the inode on every write), which put 10 ms sampling above 1 %
/// of a core.
pub const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

impl SampleWriter {
    pub fn create(path: &Path) -> io::Result<SampleWriter> {
        let mut file = File::create(path)?;
        file.write_all(sample_header().as_bytes())?;
        let out = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(file);
        Ok(SampleWriter {
            out: Some(out),
            flushed: None,
            pending: Vec::new(),
        })
    }

    /// A writer that keeps nothing (for runs without a results folder).
    pub fn discard() -> SampleWriter {
        SampleWriter {
            out: None,
            flushed: None,
            pending: Vec::new(),
        }
    }

    pub fn write(&mut self, s: &Sample) -> io::Result<()> {
        if self.out.is_none() {
            return Ok(());
        }
        self.pending.push(s.clone());
        // Timed by the run's clock the sample carries: no clock read of its own per tick.
        if self
            .flushed
            .is_none_or(|t| s.t_ms - t >= FLUSH_EVERY.as_secs_f64() * 1000.0)
        {
            self.flush()?;
            self.flushed = Some(s.t_ms);
        }
        Ok(())
    }

    /// Makes the pending samples into rows and writes them to the file.
    fn flush(&mut self) -> io::Result<()> {
        if let Some(w) = &mut self.out {
            for s in self.pending.drain(..) {
                w.serialize(s).map_err(io::Error::other)?;
            }
            w.flush()?;
        }
        Ok(())
    }

    pub fn finish(&mut self) -> io::Result<()> {
        self.flush()?;
        if let Some(w) = &self.out {
            w.get_ref().sync_data()?;
        }
        Ok(())
    }
}

impl Drop for SampleWriter {
    /// A writer dropped unfinished (its thread unwinding) still writes what it holds, as the
    /// CSV writer it wraps writes its buffer when dropped.
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// The header line of `samples.csv`.
pub fn sample_header() -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(Sample::default())
        .expect("a default sample serializes");
    let bytes = w.into_inner().expect("in-memory writer");
    let text = String::from_utf8(bytes).expect("csv is UTF-8");
    format!("{}\n", text.lines().next().unwrap_or_default())
}

/// Events of a run: kept in memory and streamed to `events.csv`. Shared by the runner
/// and the sampler thread.
pub struct EventLog {
    t0: OnceLock<Instant>,
    inner: Mutex<EventsInner>,
}

struct EventsInner {
    events: Vec<Event>,
    out: Option<(csv::Writer<File>, std::path::PathBuf)>,
    error: Option<io::Error>,
}

impl EventLog {
    pub fn create(path: Option<&Path>) -> io::Result<EventLog> {
        let out = match path {
            Some(p) => {
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(File::create(p)?);
                w.write_record(["t_ms", "kind", "detail"])?;
                w.flush()?;
                Some((w, p.to_path_buf()))
            }
            None => None,
        };
        Ok(EventLog {
            t0: OnceLock::new(),
            inner: Mutex::new(EventsInner {
                events: Vec::new(),
                out,
                error: None,
            }),
        })
    }

    /// Sets time zero (the workload's release); events before it are at 0.
    pub fn set_t0(&self, t0: Instant) {
        let _ = self.t0.set(t0);
    }

    /// Milliseconds since time zero.
    pub fn now_ms(&self) -> f64 {
        self.t0
            .get()
            .map(|t0| t0.elapsed().as_micros() as f64 / 1000.0)
            .unwrap_or(0.0)
    }

    pub fn record(&self, kind: EventKind, detail: String) {
        self.record_at(self.now_ms(), kind, detail);
    }

    pub fn record_at(&self, t_ms: f64, kind: EventKind, detail: String) {
        let event = Event { t_ms, kind, detail };
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some((w, _)) = &mut inner.out
            && let Err(e) = w
                .serialize(&event)
                .map_err(io::Error::other)
                .and_then(|_| w.flush())
        {
            inner.error.get_or_insert(e);
        }
        inner.events.push(event);
    }

    /// Every event so far, in time order.
    pub fn events(&self) -> Vec<Event> {
        let mut events = self
            .inner
            .lock()
            .map(|i| i.events.clone())
            .unwrap_or_default();
        events.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms));
        events
    }

    /// Finishes `events.csv`: threads record events a little out of order, so the finished
    /// file is rewritten in time order (atomically). Returns the first write error, if any.
    pub fn finish(&self) -> io::Result<()> {
        let events = self.events();
        let Ok(mut inner) = self.inner.lock() else {
            return Ok(());
        };
        if let Some(e) = inner.error.take() {
            return Err(e);
        }
        if let Some((w, path)) = inner.out.take() {
            drop(w);
            let mut sorted = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            sorted.write_record(["t_ms", "kind", "detail"])?;
            for e in &events {
                sorted.serialize(e).map_err(io::Error::other)?;
            }
            let bytes = sorted
                .into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?;
            write_atomic(&path, &bytes)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_starts_with_t_ms_and_rows_leave_missing_values_empty() {
        let h = sample_header();
        assert!(h.starts_with("t_ms,late_ms,pids_current,"), "{h}");
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("samples.csv");
        let mut w = SampleWriter::create(&p).unwrap();
        w.write(&Sample {
            t_ms: 10.5,
            pids_current: Some(7),
            ..Default::default()
        })
        .unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with("10.5,0.0,7,,"), "{row}");
        assert_eq!(row.matches(',').count(), h.trim().matches(',').count());
    }

    /// A writer to `p` that has been given `n` samples, at t_ms 0, 1, 2, ...
    fn writer_of_rows(p: &Path, n: u32) -> SampleWriter {
        let mut w = SampleWriter::create(p).unwrap();
        for i in 0..n {
            w.write(&Sample {
                t_ms: f64::from(i),
                ..Default::default()
            })
            .unwrap();
        }
        w
    }

    #[test]
    fn every_row_is_in_the_file_once_finished() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("samples.csv");
        let mut w = writer_of_rows(&p, 50);
        // Rows may wait up to FLUSH_EVERY in memory; finishing writes them all.
        w.finish().unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().count(), 51, "the header and 50 rows");
        assert!(text.lines().last().unwrap().starts_with("49.0,"));
    }

    #[test]
    fn a_writer_dropped_unfinished_still_writes_what_it_held() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("samples.csv");
        let w = writer_of_rows(&p, 5);
        // The rows after the first wait in memory (up to FLUSH_EVERY): dropping writes them.
        drop(w);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().count(), 6, "the header and 5 rows");
    }

    #[test]
    fn events_stream_to_csv() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("events.csv");
        let log = EventLog::create(Some(&p)).unwrap();
        log.record_at(62.0, EventKind::LimitHit, "pids: refused, a fork".into());
        let streamed = std::fs::read_to_string(&p).unwrap();
        assert_eq!(
            streamed,
            "t_ms,kind,detail\n62.0,limit_hit,\"pids: refused, a fork\"\n"
        );
        log.record_at(1.5, EventKind::WorkloadStart, "late news".into());
        log.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "t_ms,kind,detail\n1.5,workload_start,late news\n62.0,limit_hit,\"pids: refused, a fork\"\n",
            "the finished file is in time order"
        );
        assert_eq!(log.events().len(), 2);
    }
}

/// How much of the workloads' output was kept.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogStats {
    pub kept: u64,
    pub dropped: u64,
}

/// Copies the workloads' output from `pipe` into `path`, keeping the first `cap` bytes and
/// counting the rest (a bomb printing `fork: retry` must not fill the disk).
pub fn capture_log(
    pipe: std::os::fd::OwnedFd,
    path: std::path::PathBuf,
    cap: u64,
) -> io::Result<std::thread::JoinHandle<LogStats>> {
    use std::io::Read;
    std::thread::Builder::new()
        .name("workload-log".into())
        .spawn(move || {
            let mut stats = LogStats::default();
            let mut input = File::from(pipe);
            let mut out = File::create(&path).ok();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match input.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                };
                let keep = (cap.saturating_sub(stats.kept)).min(n as u64) as usize;
                if keep > 0
                    && let Some(f) = &mut out
                    && f.write_all(&buf[..keep]).is_err()
                {
                    out = None;
                }
                stats.kept += keep as u64;
                stats.dropped += (n - keep) as u64;
            }
            stats
        })
}

/// Writes a file so that readers see either the old content or the whole new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let mut f = fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    fs::rename(&tmp, path)
}
