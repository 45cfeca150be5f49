//! Reading a results folder back. The report stage needs nothing but these files, so
//! `limitlab report DIR` and `limitlab compare` work anywhere, long after the run.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::Context;

use crate::record::{Event, FORMAT_VERSION, RunRecord, Sample, Summary};
use crate::{Exit, coded};

/// Reads `summary.json`, refusing a results format this limitlab does not read.
pub fn summary(path: &Path) -> anyhow::Result<Summary> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        coded(
            Exit::BadInput,
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        coded(
            Exit::BadInput,
            format!("{} is not JSON: {e}", path.display()),
        )
    })?;
    let format = value.get("format").and_then(|f| f.as_u64());
    if format != Some(u64::from(FORMAT_VERSION)) {
        let writer = value
            .get("limitlab_version")
            .and_then(|v| v.as_str())
            .unwrap_or("an unknown version");
        return Err(coded(
            Exit::BadInput,
            format!(
                "{} holds results format {} (written by limitlab {writer}); this limitlab {} reads format {FORMAT_VERSION} only",
                path.display(),
                format
                    .map(|f| f.to_string())
                    .unwrap_or_else(|| "none".into()),
                env!("CARGO_PKG_VERSION"),
            ),
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        coded(
            Exit::BadInput,
            format!("{} does not hold a limitlab summary: {e}", path.display()),
        )
    })
}

/// Reads `samples.csv`.
pub fn samples(path: &Path) -> anyhow::Result<Vec<Sample>> {
    let file = File::open(path).with_context(|| format!("open {}", path.display()))?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(BufReader::with_capacity(1 << 20, file));
    // Columns are matched by name: a file from an earlier limitlab of the same results
    // format may lack newer columns (they read as empty), but every column must be known.
    let want = crate::report::stream::sample_header();
    let known: Vec<&str> = want.trim_end().split(',').collect();
    let headers = rdr.headers().cloned().unwrap_or_default();
    if headers.get(0) != Some("t_ms") {
        return Err(coded(
            Exit::BadInput,
            format!(
                "{} is not a samples file (no t_ms column first)",
                path.display()
            ),
        ));
    }
    if let Some(odd) = headers.iter().find(|h| !known.contains(h)) {
        return Err(coded(
            Exit::BadInput,
            format!(
                "{} has a column this limitlab does not know: {odd:?}",
                path.display()
            ),
        ));
    }
    let mut out = Vec::new();
    for (i, row) in rdr.deserialize().enumerate() {
        match row {
            Ok(s) => out.push(s),
            // The last row of a run killed mid-write may be cut short; everything before it counts.
            Err(_) if i > 0 => break,
            Err(e) => {
                return Err(coded(
                    Exit::BadInput,
                    format!("{}: row {}: {e}", path.display(), i + 2),
                ));
            }
        }
    }
    Ok(out)
}

/// Reads `events.csv`.
pub fn events(path: &Path) -> anyhow::Result<Vec<Event>> {
    let file = File::open(path).with_context(|| format!("open {}", path.display()))?;
    csv::Reader::from_reader(BufReader::new(file))
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| coded(Exit::BadInput, format!("{}: {e}", path.display())))
}

/// Reads a run's results folder: its summary and the record it was computed from.
pub fn run(dir: &Path) -> anyhow::Result<(Summary, RunRecord)> {
    let summary = summary(&dir.join("summary.json"))?;
    let record = RunRecord::from_parts(
        &summary,
        samples(&dir.join("samples.csv"))?,
        events(&dir.join("events.csv"))?,
    );
    Ok((summary, record))
}
