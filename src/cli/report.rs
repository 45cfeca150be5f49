//! `limitlab report` and `limitlab compare`: work on results folders alone.

use crate::t;
use std::path::Path;

use crate::record::Summary;
use crate::report::fleet::{self, Fleet, FleetReport};
use crate::report::sweep::SweepIndex;
use crate::report::{self, ResultsDir, compare, load};
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

/// Whether a path holds a fleet (a file of JSON lines, or a folder of many results) rather
/// than one run or sweep.
fn is_fleet(path: &Path) -> bool {
    path.is_file() || (path.is_dir() && !is_sweep(path) && !path.join("summary.json").is_file())
}

/// The runs of a fleet, labelled `node: scenario` (the latest of each).
fn fleet_runs(path: &Path) -> anyhow::Result<Vec<(String, Summary)>> {
    let f = Fleet::load(&[path.to_path_buf()])?;
    Ok(f.latest_by_label()
        .into_iter()
        .map(|(l, s)| (l, s.clone()))
        .collect())
}

/// `limitlab merge`: reads the runs of many nodes and writes one fleet report.
pub fn merge(inputs: &[std::path::PathBuf], out: Option<&Path>) -> anyhow::Result<u8> {
    let fleet = Fleet::load(inputs)?;
    let dir = match out {
        Some(o) => {
            std::fs::create_dir_all(o).map_err(|e| {
                coded(
                    Exit::BadInput,
                    t!("err-out-create", dir = o.display(), error = e),
                )
            })?;
            o.to_path_buf()
        }
        None => ResultsDir::timestamped(Path::new("results"), "fleet")?.path,
    };
    let r = FleetReport::of(&fleet);
    fleet::write(&dir, &r).map_err(|e| {
        coded(
            Exit::Internal,
            t!(
                "fleet-err-write",
                dir = dir.display(),
                error = format!("{e:#}")
            ),
        )
    })?;
    print_merged(&fleet, &r, &dir);
    Ok(match r.verdict() {
        crate::record::Verdict::Held => Exit::Held,
        _ => Exit::Failed,
    }
    .into())
}

/// What `merge` prints: the fleet's verdict and counts, each cell that did not hold, and
/// where the report is.
fn print_merged(fleet: &Fleet, r: &FleetReport<'_>, dir: &Path) {
    let mut notes = Vec::new();
    if fleet.skipped_lines > 0 {
        notes.push(t!(
            "fleet-skipped-lines",
            count = count(fleet.skipped_lines)
        ));
    }
    if fleet.duplicates > 0 {
        notes.push(t!("fleet-duplicates", count = count(fleet.duplicates)));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    println!(
        "{}",
        t!(
            "fleet-merge-verdict",
            verdict = fleet::verdict_word(r.verdict()),
            nodes = count(r.nodes.len()),
            scenarios = count(r.scenarios.len()),
            runs = count(fleet.runs.len()),
            notes = notes,
            held = count(r.held),
            failed = count(r.failed),
            errors = count(r.errors)
        )
    );
    for ((node, scenario), (run, _)) in &r.cells {
        if run.summary.verdict != crate::record::Verdict::Held {
            println!(
                "  {} {node}: {scenario} ({})",
                fleet::verdict_word(run.summary.verdict),
                run.from
            );
        }
    }
    println!(
        "{}",
        t!(
            "fleet-merge-report",
            path = dir.join("report.html").display()
        )
    );
}

/// A count as the terminal writes it: `1000` in English, `1.000` in Spanish; a number, so
/// that a message picks its plural form from it (`1 node`, `2 nodes`).
fn count(n: usize) -> crate::i18n::Count {
    let c = crate::i18n::count(n);
    match crate::i18n::current() {
        crate::i18n::Lang::En => c.ungrouped(),
        crate::i18n::Lang::Es => c,
    }
}

pub fn compare(baseline: &Path, current: &Path, tolerance: f64) -> anyhow::Result<u8> {
    if !(0.0..=10_000.0).contains(&tolerance) {
        return Err(coded(
            Exit::BadInput,
            t!("err-tolerance", tolerance = tolerance),
        ));
    }
    let fleets = is_fleet(baseline) || is_fleet(current);
    let (base, cur) = if fleets {
        (fleet_runs(baseline)?, fleet_runs(current)?)
    } else {
        (runs_of(baseline)?, runs_of(current)?)
    };
    if fleets {
        // A node the baseline fleet has and the current one lacks entirely: said once, and
        // each of its scenarios counts as lost below.
        let node_of = |l: &str| l.split_once(": ").map(|(n, _)| n.to_string());
        let now: std::collections::BTreeSet<String> =
            cur.iter().filter_map(|(l, _)| node_of(l)).collect();
        let gone: std::collections::BTreeSet<String> = base
            .iter()
            .filter_map(|(l, _)| node_of(l))
            .filter(|n| !now.contains(n))
            .collect();
        for n in gone {
            println!("{}", t!("fleet-compare-node-gone", node = n));
        }
    }
    let single =
        !fleets && base.len() == 1 && cur.len() == 1 && !is_sweep(baseline) && !is_sweep(current);
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

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, with};

    #[test]
    fn the_merge_line_counts_in_the_plural_they_take() {
        let line = |lang, n: usize| {
            with(lang, || {
                crate::t!(
                    "fleet-merge-verdict",
                    verdict = "X",
                    nodes = super::count(n),
                    scenarios = super::count(n),
                    runs = super::count(1000),
                    notes = "",
                    held = super::count(n),
                    failed = super::count(0),
                    errors = super::count(0)
                )
            })
        };
        assert_eq!(
            line(Lang::En, 1),
            "X: 1 node, 1 scenario, 1000 runs: 1 held, 0 failed, 0 did not complete"
        );
        assert_eq!(
            line(Lang::En, 2),
            "X: 2 nodes, 2 scenarios, 1000 runs: 2 held, 0 failed, 0 did not complete"
        );
        assert_eq!(
            line(Lang::Es, 1),
            "X: 1 nodo, 1 escenario, 1.000 ejecuciones: 1 cumplida, 0 fallidas, 0 sin terminar"
        );
        assert_eq!(
            line(Lang::Es, 2),
            "X: 2 nodos, 2 escenarios, 1.000 ejecuciones: 2 cumplidas, 0 fallidas, 0 sin terminar"
        );
    }
}
