//! `limitlab report` and `limitlab compare`: work on results folders alone.

use crate::t;
use std::path::Path;

use crate::record::Summary;
use crate::report::sweep::SweepIndex;
use crate::report::{self, compare, load};
use crate::{Exit, coded};

/// Whether a folder holds a sweep (its `sweep.json`) rather than a run.
fn is_sweep(dir: &Path) -> bool {
    dir.join("sweep.json").is_file()
}

fn check_dir(dir: &Path) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Err(coded(
            Exit::BadInput,
            t!("err-not-results-folder", dir = dir.display()),
        ));
    }
    if !is_sweep(dir) && !dir.join("summary.json").is_file() {
        return Err(coded(
            Exit::BadInput,
            t!("err-neither-run-nor-sweep", dir = dir.display()),
        ));
    }
    Ok(())
}

/// Re-renders one run's report; returns its summary as recomputed from the samples (streamed,
/// so a run of millions of samples re-renders in bounded memory).
fn rerender_run(dir: &Path) -> anyhow::Result<Summary> {
    report::rebuild_run(dir)
}

pub fn report(dir: &Path) -> anyhow::Result<u8> {
    check_dir(dir)?;
    if is_sweep(dir) {
        let index = SweepIndex::load(&dir.join("sweep.json"))?;
        let mut summaries = Vec::new();
        for cell in &index.cells {
            let cdir = dir.join(&cell.dir);
            summaries.push(if cdir.join("summary.json").is_file() {
                Some(rerender_run(&cdir)?)
            } else {
                None
            });
        }
        let refs: Vec<Option<&Summary>> = summaries.iter().map(Option::as_ref).collect();
        report::write_sweep_report(dir, &index, &refs).map_err(|e| {
            coded(
                Exit::Internal,
                t!("err-write-sweep-report", dir = dir.display(), error = e),
            )
        })?;
        println!(
            "{}",
            t!(
                "report-sweep-written",
                dir = dir.display(),
                cells = index.cells.len()
            )
        );
    } else {
        rerender_run(dir)?;
        println!("{}", t!("report-run-written", dir = dir.display()));
    }
    Ok(Exit::Held.into())
}

/// The runs of a results folder, labelled: one for a run, one per cell for a sweep.
fn runs_of(dir: &Path) -> anyhow::Result<Vec<(String, Summary)>> {
    check_dir(dir)?;
    if is_sweep(dir) {
        let index = SweepIndex::load(&dir.join("sweep.json"))?;
        let mut out = Vec::new();
        for cell in &index.cells {
            let path = dir.join(&cell.dir).join("summary.json");
            if path.is_file() {
                out.push((cell.label.clone(), load::summary(&path)?));
            }
        }
        Ok(out)
    } else {
        let s = load::summary(&dir.join("summary.json"))?;
        Ok(vec![(s.scenario.name.clone(), s)])
    }
}

pub fn compare(baseline: &Path, current: &Path, tolerance: f64) -> anyhow::Result<u8> {
    if !(0.0..=10_000.0).contains(&tolerance) {
        return Err(coded(
            Exit::BadInput,
            t!("err-tolerance", tolerance = tolerance),
        ));
    }
    let base = runs_of(baseline)?;
    let cur = runs_of(current)?;
    let single = base.len() == 1 && cur.len() == 1 && !is_sweep(baseline) && !is_sweep(current);
    let mut comparisons = Vec::new();
    for (label, c) in &cur {
        let b = if single {
            base.first().map(|(_, b)| b)
        } else {
            base.iter().find(|(l, _)| l == label).map(|(_, b)| b)
        };
        match b {
            Some(b) => comparisons.push(compare::runs(label, b, c, tolerance)),
            None => println!("{}", t!("compare-not-in-baseline", label = label)),
        }
    }
    // A cell the baseline measured and the current results lack (it could not run, or it
    // was dropped from the sweep) is a regression: what was proven is no longer.
    let lost: Vec<String> = base
        .iter()
        .filter(|(label, _)| !single && !cur.iter().any(|(l, _)| l == label))
        .map(|(label, _)| label.clone())
        .collect();
    print!("{}", compare::render(&comparisons, &lost, tolerance));
    Ok(if compare::regressions(&comparisons, &lost) > 0 {
        Exit::Failed
    } else {
        Exit::Held
    }
    .into())
}
