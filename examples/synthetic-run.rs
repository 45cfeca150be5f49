//! Writes a made-up run's results folder: `samples.csv`, `events.csv` and `summary.json` in
//! the real format, written by the real writers, from the charts' synthetic fork bomb (see
//! `limitlab::report::charts::synthetic`). For benchmarking `limitlab report` on a run of
//! any length without spending hours sampling one:
//!
//!     cargo run --release --example synthetic-run -- 1000000 /tmp/million
//!     limitlab report /tmp/million

use std::path::PathBuf;

use limitlab::data::stream::{EventLog, SampleWriter};
use limitlab::report::charts::synthetic;
use limitlab::report::summary;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(dir)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: synthetic-run SAMPLES DIR");
    };
    let n: usize = n.parse()?;
    anyhow::ensure!(n >= 1, "SAMPLES must be at least 1");
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir)?;
    let record = synthetic::run(n);
    let mut samples = SampleWriter::create(&dir.join("samples.csv"))?;
    for s in &record.samples {
        samples.write(s)?;
    }
    samples.finish()?;
    let events = EventLog::create(Some(&dir.join("events.csv")))?;
    for e in &record.events {
        events.record_at(e.t_ms, e.kind, e.detail.clone());
    }
    events.finish()?;
    summary::write(
        &dir.join("summary.json"),
        &summary::build(&record, Vec::new()),
    )?;
    println!("{}: a synthetic run of {n} samples", dir.display());
    Ok(())
}
