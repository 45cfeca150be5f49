//! `limitlab run`: validate every scenario, check the host, then run each scenario (or each
//! cell of a sweep), writing its results and report as it finishes.

use crate::t;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::exit_of;
use super::{Format, RunArgs, clean_leftovers};
use crate::host::HostFacts;
use crate::plan::matrix;
use crate::plan::{self, LimitsPlan, PlanOptions, RunPlan};
use crate::record::{RunRecord, Summary};
use crate::report::sweep::{CellEntry, SweepIndex};
use crate::report::{self, ResultsDir, junit, summary, terminal};
use crate::run::RunEnv;
use crate::run::progress::{LiveStatus, SweepProgress};
use crate::sandbox::cgroup::Layout;
use crate::sandbox::rootless;
use crate::sandbox::supervisor::Supervisor;
use crate::scenario::{ScenarioError, Source};
use crate::sys;
use crate::{Exit, coded};

/// One scenario file, planned: a single run, or the cells of a sweep.
pub struct Loaded {
    pub source: PathBuf,
    pub plans: Vec<RunPlan>,
    pub sweep: bool,
}

/// Loads and plans every file; reports every problem of every file.
pub fn load_all(files: &[PathBuf], opts: &PlanOptions) -> anyhow::Result<Vec<Loaded>> {
    let mut loaded = Vec::new();
    let mut problems = Vec::new();
    for f in files {
        let planned = Source::read(f).and_then(|src| {
            let sc = src.parse()?;
            let sweep = sc.matrix.is_some();
            matrix::expand(&src, &sc, opts).map(|plans| (plans, sweep))
        });
        match planned {
            Ok((plans, sweep)) => loaded.push(Loaded {
                source: f.clone(),
                plans,
                sweep,
            }),
            Err(ScenarioError(list)) => problems.extend(list.iter().map(|d| d.to_string())),
        }
    }
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(coded(
            Exit::BadInput,
            format!("{}\n{}", t!("err-invalid-scenario"), problems.join("\n")),
        ))
    }
}

/// A finished run, for JUnit.
struct Done {
    summary: Summary,
    dir: PathBuf,
}

pub fn run(args: &RunArgs) -> anyhow::Result<u8> {
    let opts = PlanOptions {
        safety_ceiling: args.safety_ceiling,
        memory_ceiling: args
            .memory_ceiling
            .or_else(|| HostFacts::detect(None).memory_bytes.map(|m| m / 2)),
        target: args.target.clone(),
        ..PlanOptions::default()
    };
    let loaded = load_all(&args.scenarios, &opts)?;
    let mut names: Vec<&str> = loaded.iter().map(|l| l.plans[0].name.as_str()).collect();
    names.sort();
    if args.out.is_some() && names.windows(2).any(|w| w[0] == w[1]) {
        return Err(coded(Exit::BadInput, t!("err-shared-name")));
    }
    let facts = HostFacts::detect(None);
    for p in loaded.iter().flat_map(|l| &l.plans) {
        crate::run::preflight(p, Some(&facts))?;
    }
    super::as_harness(
        &format!("limitlab run {}", names.join(" ")),
        |layout, grant| harness(&loaded, args, layout.clone(), grant),
    )
}

/// The run as a harness, beneath the cgroup `grant` gave: host checks, leftovers, the
/// supervisor, then every scenario.
fn harness(
    loaded: &[Loaded],
    args: &RunArgs,
    layout: Layout,
    grant: &crate::sandbox::cgroup::grant::Grant,
) -> anyhow::Result<u8> {
    if rootless::active() {
        let plans: Vec<&RunPlan> = loaded.iter().flat_map(|l| &l.plans).collect();
        if let Some(p) = plans.iter().find(|p| p.target.is_some()) {
            return Err(coded(
                Exit::Host,
                t!("err-target-needs-root", source = p.source.display()),
            ));
        }
        let limits: Vec<&LimitsPlan> = plans.iter().map(|p| &p.limits).collect();
        if let Some(why) = rootless::problems(&layout, &limits) {
            return Err(coded(Exit::Host, why));
        }
    }
    let mut host = HostFacts::detect(Some(&layout));
    host.cgroup_source = Some(grant.describe());
    host.cgroup_grant = Some(grant.granted());
    host.node = args.node.clone();
    sys::catch_stop_signals()
        .map_err(|e| coded(Exit::Internal, t!("err-signal-handlers", error = e)))?;
    // What an earlier harness killed with SIGKILL left behind goes first.
    for cleaned in clean_leftovers(&layout) {
        eprintln!("limitlab: {}", cleaned.line);
    }
    // The supervisor starts in the harness's leaf with it.
    super::in_harness_leaf(&layout.clone(), || {
        let supervisor = Supervisor::spawn()
            .map_err(|e| coded(Exit::Internal, t!("err-supervisor", error = e)))?;
        let env = RunEnv {
            layout,
            host,
            supervisor: Some(Arc::new(supervisor)),
        };
        run_all(loaded, &env, args)
    })
}

/// Runs every loaded scenario; the supervisor in `env` ends when `env` is dropped.
fn run_all(loaded: &[Loaded], env: &RunEnv, args: &RunArgs) -> anyhow::Result<u8> {
    let several = loaded.len() > 1;
    let mut done: Vec<Done> = Vec::new();
    let mut worst = Exit::Held;
    let mut failure: Option<anyhow::Error> = None;
    for l in loaded {
        let name = &l.plans[0].name;
        let root = match &args.out {
            Some(out) if !several => ResultsDir::exact(out)?,
            Some(out) => ResultsDir::exact(&out.join(name))?,
            None => ResultsDir::timestamped(Path::new("results"), name)?,
        };
        let result = if l.sweep {
            run_sweep(l, &root, env, args, &mut done)
        } else {
            run_one(&l.plans[0], env, &root, args, None).map(|(code, d)| {
                done.extend(d);
                code
            })
        };
        match result {
            Ok(code) => worst = worst.max(code),
            Err(e) => {
                // Keep going only for what the host or a scenario cannot do; stop on the rest.
                worst = worst.max(exit_of(&e));
                let fatal = exit_of(&e) == Exit::Internal;
                eprintln!("limitlab: {}: {e:#}", l.source.display());
                if fatal {
                    failure = Some(e);
                    break;
                }
            }
        }
        if sys::stop_signal().is_some() {
            break;
        }
    }
    if let Some(path) = &args.junit {
        let entries: Vec<junit::Entry<'_>> = done
            .iter()
            .map(|d| junit::Entry {
                summary: &d.summary,
                results: d.dir.display().to_string(),
            })
            .collect();
        crate::data::stream::write_atomic(path, junit::render(&entries).as_bytes()).map_err(
            |e| {
                coded(
                    Exit::Internal,
                    t!("err-write", path = path.display(), error = e),
                )
            },
        )?;
    }
    if let Some(sig) = sys::stop_signal() {
        return Ok(128 + sig as u8);
    }
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(worst.into())
}

/// Runs every cell of a sweep into its own folder, then writes the combined report.
fn run_sweep(
    l: &Loaded,
    root: &ResultsDir,
    env: &RunEnv,
    args: &RunArgs,
    done: &mut Vec<Done>,
) -> anyhow::Result<Exit> {
    let first = &l.plans[0];
    let mut index = SweepIndex::new(
        &first.name,
        first.description.clone(),
        first.description_es.clone(),
        &l.source,
    );
    let mut worst = Exit::Held;
    let mut summaries: Vec<Option<Summary>> = Vec::new();
    let total = l.plans.len();
    let progress = SweepProgress::new(
        &first.name,
        total,
        args.quiet || args.format == Format::Json,
    );
    for (i, p) in l.plans.iter().enumerate() {
        let label = p.cell.clone().unwrap_or_default();
        let dir_name = matrix::cell_dir(i, &label);
        let dir = ResultsDir::exact(&root.path.join(&dir_name))?;
        progress.cell(&label);
        let result = run_one(p, env, &dir, args, Some((i + 1, total, &progress)));
        progress.cell_done();
        match result {
            Ok((code, d)) => {
                worst = worst.max(code);
                index.cells.push(CellEntry {
                    label,
                    dir: dir_name,
                    verdict: d.as_ref().map(|d| d.summary.verdict),
                    error: None,
                });
                summaries.push(d.as_ref().map(|d| d.summary.clone()));
                done.extend(d);
            }
            Err(e) => {
                worst = worst.max(exit_of(&e));
                index.cells.push(CellEntry {
                    label,
                    dir: dir_name,
                    verdict: None,
                    error: Some(format!("{e:#}")),
                });
                summaries.push(None);
                if exit_of(&e) == Exit::Internal {
                    let refs: Vec<Option<&Summary>> =
                        summaries.iter().map(Option::as_ref).collect();
                    let _ = report::write_sweep_report(&root.path, &index, &refs);
                    return Err(e);
                }
                eprintln!(
                    "limitlab: {}",
                    t!(
                        "err-cell",
                        source = l.source.display(),
                        cell = i + 1,
                        error = format!("{e:#}")
                    )
                );
            }
        }
        if sys::stop_signal().is_some() {
            break;
        }
    }
    progress.finish();
    let refs: Vec<Option<&Summary>> = summaries.iter().map(Option::as_ref).collect();
    report::write_sweep_report(&root.path, &index, &refs).map_err(|e| {
        coded(
            Exit::Internal,
            t!(
                "err-write-sweep-report",
                dir = root.path.display(),
                error = e
            ),
        )
    })?;
    if args.format == Format::Text {
        println!(
            "{}",
            t!(
                "run-sweep-done",
                name = first.name,
                cells = total,
                report = root.path.join("report.html").display()
            )
        );
    }
    Ok(worst)
}

/// Runs one plan into `dir`; writes its summary and report, prints its verdict.
fn run_one(
    p: &RunPlan,
    env: &RunEnv,
    dir: &ResultsDir,
    args: &RunArgs,
    cell: Option<(usize, usize, &SweepProgress)>,
) -> anyhow::Result<(Exit, Option<Done>)> {
    let quiet = args.quiet || args.format == Format::Json;
    let mut status = LiveStatus::within(p, quiet, cell.map(|(_, _, s)| s));
    if let Some((i, n, _)) = cell {
        status.set_prefix(&format!("{} [{i}/{n}]", p.name));
    }
    if p.limits.pids.source == plan::PidsSource::SafetyCeiling {
        status.say(&t!(
            "run-safety-ceiling",
            name = p.name,
            max = p.limits.pids.max
        ));
    }
    let record = crate::run::run(p, env, dir, &mut status);
    status.finish();
    let record: RunRecord = record.inspect_err(|_| dir.discard_if_unused())?;
    // A run that took more samples than it holds in memory: its metrics and charts are
    // folded from samples.csv, as `limitlab report` does.
    let (summary, charts) = if record.samples_spilled {
        let (computed, charts) = report::fold_samples_file(&dir.file("samples.csv"), &record)
            .map_err(|e| {
                coded(
                    Exit::Internal,
                    t!(
                        "err-samples-unreadable",
                        path = dir.file("samples.csv").display(),
                        error = format!("{e:#}")
                    ),
                )
            })?;
        (
            summary::build_from(&record, computed, Vec::new()),
            Some(charts),
        )
    } else {
        (summary::build(&record, Vec::new()), None)
    };
    // The verdict is shown even when the results cannot be saved (a full disk), and the
    // results are saved even when the verdict cannot be shown (a closed pipe).
    let shown = match (args.format, cell) {
        // Inside a sweep on a terminal, above the bars.
        (Format::Text, Some((_, _, sweep))) => {
            let mut text = Vec::new();
            terminal::print(&mut text, &summary, &dir.path)
                .map(|_| sweep.say(String::from_utf8_lossy(&text).trim_end()))
        }
        (Format::Text, None) => {
            let mut out = std::io::stdout().lock();
            terminal::print(&mut out, &summary, &dir.path).and_then(|_| out.flush())
        }
        (Format::Json, _) => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer(&mut out, &summary)
                .map_err(std::io::Error::from)
                .and_then(|_| writeln!(out))
                .and_then(|_| out.flush())
        }
    };
    summary::write(&dir.file("summary.json"), &summary).map_err(|e| {
        coded(
            Exit::Internal,
            t!(
                "err-summary-unwritten",
                path = dir.file("summary.json").display(),
                error = e
            ),
        )
    })?;
    match &charts {
        Some(charts) => report::write_run_documents(&dir.path, &summary, &record.events, charts),
        None => report::write_run_report(&dir.path, &summary, &record),
    }
    .map_err(|e| {
        coded(
            Exit::Internal,
            t!("err-write-report", dir = dir.path.display(), error = e),
        )
    })?;
    if let (Err(e), Format::Json) = (shown, args.format) {
        return Err(coded(Exit::Internal, t!("err-print-summary", error = e)));
    }
    let code = summary::exit_code(&summary);
    Ok((
        code,
        Some(Done {
            summary,
            dir: dir.path.clone(),
        }),
    ))
}
