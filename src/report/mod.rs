//! Results: the folder a run writes into, and every file in it. Files written during the
//! run stream ([`crate::data::stream`]); files written at the end are finished atomically (temp + rename).

pub mod charts;
pub mod compare;
pub mod document;
pub mod fleet;
pub mod junit;
pub mod load;
pub mod summary;
pub mod sweep;
pub mod terminal;

use crate::t;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::data::stream::write_atomic;
use crate::{Exit, coded};

/// Files that mark a folder as holding a run's results.
const RESULT_FILES: [&str; 3] = ["summary.json", "samples.csv", "events.csv"];

/// The folder one run writes into.
#[derive(Debug, Clone)]
pub struct ResultsDir {
    pub path: PathBuf,
}

impl ResultsDir {
    /// `results/<name>/<UTC timestamp>/` under the current directory, made unique with a
    /// suffix when two runs start in the same second.
    pub fn timestamped(base: &Path, name: &str) -> anyhow::Result<ResultsDir> {
        let parent = base.join(name);
        fs::create_dir_all(&parent).map_err(|e| {
            coded(
                Exit::BadInput,
                t!("err-results-folder", dir = parent.display(), error = e),
            )
        })?;
        let stamp = utc_stamp();
        for n in 1..1000 {
            let leaf = if n == 1 {
                stamp.clone()
            } else {
                format!("{stamp}-{n}")
            };
            let path = parent.join(leaf);
            match fs::create_dir(&path) {
                Ok(()) => return Ok(ResultsDir { path }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(coded(
                        Exit::BadInput,
                        t!("err-results-folder", dir = path.display(), error = e),
                    ));
                }
            }
        }
        Err(coded(Exit::Internal, t!("err-no-free-folder")))
    }

    /// A folder the user named with `--out`: created if missing; an existing one must not
    /// hold results already (nothing is overwritten).
    pub fn exact(path: &Path) -> anyhow::Result<ResultsDir> {
        if path.exists() {
            if !path.is_dir() {
                return Err(coded(
                    Exit::BadInput,
                    t!("err-out-not-folder", dir = path.display()),
                ));
            }
            if let Some(f) = RESULT_FILES.iter().find(|f| path.join(f).exists()) {
                return Err(coded(
                    Exit::BadInput,
                    t!("err-out-holds-results", dir = path.display(), file = f),
                ));
            }
        } else {
            fs::create_dir_all(path).map_err(|e| {
                coded(
                    Exit::BadInput,
                    t!("err-out-create", dir = path.display(), error = e),
                )
            })?;
        }
        // Probe that we can write here before anything starts.
        let probe = path.join(".limitlab-write-test");
        fs::write(&probe, b"").map_err(|e| {
            coded(
                Exit::BadInput,
                t!("err-out-write", dir = path.display(), error = e),
            )
        })?;
        let _ = fs::remove_file(probe);
        Ok(ResultsDir {
            path: path.to_path_buf(),
        })
    }

    /// Removes what a run that failed before taking a single sample wrote here (and the
    /// folder, if that leaves it empty), so a failed start leaves no husk behind.
    pub fn discard_if_unused(&self) {
        let samples = fs::read_to_string(self.file("samples.csv")).unwrap_or_default();
        if samples.lines().count() > 1 || self.file("summary.json").exists() {
            return;
        }
        for f in ["samples.csv", "events.csv", "workload.log"] {
            let _ = fs::remove_file(self.file(f));
        }
        let _ = fs::remove_dir(&self.path);
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

/// Writes what a person reads about one run beside its data: `report.md`, `report.html`
/// and the charts. Reads nothing but its arguments.
pub fn write_run_report(
    dir: &Path,
    summary: &crate::record::Summary,
    record: &crate::record::RunRecord,
) -> io::Result<()> {
    let charts = charts::render_run(record).map_err(io::Error::other)?;
    write_run_documents(dir, summary, &record.events, &charts)
}

/// Recomputes a run's summary from its results folder and writes its report again, in
/// bounded memory however many samples it has: `samples.csv` is streamed twice (once for
/// every metric and the time axis, once for the charts' per-pixel envelopes) and never held.
/// Gives the same summary and charts as reading the run into memory. The summary names the
/// limitlab that ran the experiment, not the one re-rendering it.
pub fn rebuild_run(dir: &Path) -> anyhow::Result<crate::record::Summary> {
    let stored = load::summary(&dir.join("summary.json"))?;
    let events = load::events(&dir.join("events.csv"))?;
    let record = crate::record::RunRecord::from_parts(&stored, Vec::new(), events);
    let (computed, charts) = fold_samples_file(&dir.join("samples.csv"), &record)?;
    let mut summary = summary::build_from(&record, computed, Vec::new());
    summary.limitlab_version = stored.limitlab_version;
    write_run_documents(dir, &summary, &record.events, &charts).map_err(|e| {
        coded(
            Exit::Internal,
            t!("err-write-report", dir = dir.display(), error = e),
        )
    })?;
    Ok(summary)
}

/// Every metric and the charts of `record`'s run from its `samples.csv`, streamed, never
/// held: for `limitlab report`, and for a run that took more samples than it holds in
/// memory ([`crate::record::RunRecord::samples_spilled`]). `record`'s own samples are not
/// read.
pub fn fold_samples_file(
    samples: &Path,
    record: &crate::record::RunRecord,
) -> anyhow::Result<(crate::metrics::Computed, Vec<charts::Chart>)> {
    // One pass in the usual case: the time axis is laid out from the first and last rows
    // (read from the file's two ends), and the metrics and the charts are folded together.
    // Should the samples end elsewhere (a damaged row cuts the file short), the charts take
    // a second pass with the axis the samples really span.
    let mut fold = crate::metrics::Fold::new(record);
    let mut span = charts::SampleSpan::default();
    let mut drawing = charts::RunDrawing::new(record, load::sample_span_guess(samples));
    load::for_each_sample(samples, |s| {
        fold.push(&s);
        span.push(&s);
        drawing.push(&s);
    })?;
    if !drawing.fits(record, span) {
        drawing = charts::RunDrawing::new(record, span);
        load::for_each_sample(samples, |s| drawing.push(&s))?;
    }
    let charts = drawing.render(record, span)?;
    Ok((fold.finish(record), charts))
}

/// Writes the charts, `report.md` and `report.html` of a run.
pub fn write_run_documents(
    dir: &Path,
    summary: &crate::record::Summary,
    events: &[crate::data::Event],
    charts: &[charts::Chart],
) -> io::Result<()> {
    charts::write_charts(dir, charts)?;
    let figures: Vec<document::Figure<'_>> = charts
        .iter()
        .map(|c| document::Figure {
            name: c.name,
            title: &c.title,
            svg: &c.svg,
        })
        .collect();
    let doc = document::build(summary, events);
    write_atomic(
        &dir.join("report.md"),
        document::markdown(&doc, &figures).as_bytes(),
    )?;
    write_atomic(
        &dir.join("report.html"),
        document::html(&doc, &figures).as_bytes(),
    )
}

/// Writes a sweep's `sweep.json` and its combined report.
pub fn write_sweep_report(
    root: &Path,
    index: &sweep::SweepIndex,
    summaries: &[Option<&crate::record::Summary>],
) -> io::Result<()> {
    index.write(&root.join("sweep.json"))?;
    let ran: Vec<(String, &crate::record::Summary)> = index
        .cells
        .iter()
        .zip(summaries)
        .filter_map(|(c, s)| s.map(|s| (c.label.clone(), s)))
        .collect();
    let comparison = match ran.is_empty() {
        true => None,
        false => Some(charts::render_comparison(&ran).map_err(io::Error::other)?),
    };
    if let Some(c) = &comparison {
        charts::write_charts(root, std::slice::from_ref(c))?;
    }
    let figure = comparison.as_ref().map(|c| document::Figure {
        name: c.name,
        title: &c.title,
        svg: &c.svg,
    });
    let cells = sweep::Cells {
        index,
        summaries: summaries.to_vec(),
    };
    write_atomic(
        &root.join("report.md"),
        sweep::markdown(&cells, figure.as_ref()).as_bytes(),
    )?;
    write_atomic(
        &root.join("report.html"),
        sweep::html(&cells, figure.as_ref()).as_bytes(),
    )
}

/// `20261129T063022Z`: the current UTC time, for folder names.
pub fn utc_stamp() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        .to_string()
        .replace(['-', ':'], "")
}

/// The current UTC time in RFC 3339.
pub fn utc_now() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamped_folders_never_collide() {
        let tmp = tempfile::tempdir().unwrap();
        let a = ResultsDir::timestamped(tmp.path(), "x").unwrap();
        let b = ResultsDir::timestamped(tmp.path(), "x").unwrap();
        assert_ne!(a.path, b.path);
        assert!(a.path.starts_with(tmp.path().join("x")));
        let leaf = a.path.file_name().unwrap().to_str().unwrap();
        assert!(leaf.ends_with('Z') && leaf.contains('T'), "{leaf}");
    }

    #[test]
    fn exact_refuses_to_overwrite_results() {
        let tmp = tempfile::tempdir().unwrap();
        ResultsDir::exact(&tmp.path().join("new")).unwrap();
        std::fs::write(tmp.path().join("summary.json"), "{}").unwrap();
        let e = ResultsDir::exact(tmp.path()).unwrap_err();
        assert_eq!(crate::exit_of(&e), Exit::BadInput);
        assert!(e.to_string().contains("already holds"));
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("summary.json")).unwrap(),
            "{}"
        );
    }

    #[test]
    fn atomic_write_leaves_no_temp() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("summary.json");
        write_atomic(&p, b"1").unwrap();
        write_atomic(&p, b"2").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "2");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
