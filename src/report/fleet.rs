//! A fleet: the runs of many nodes (results folders, or files of JSON lines from many hosts)
//! put side by side. `limitlab merge` writes its report (Markdown, HTML, JUnit with one test
//! case per node × scenario, and a chart per scenario comparing the nodes); `limitlab
//! compare` compares two fleets node by node.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::document::{Figure, esc, html_head};
use super::load;
use super::terminal::format_value;
use crate::data::metrics::Better;
use crate::metrics;
use crate::record::{Summary, Verdict};
use crate::{Exit, coded};

/// How deep beneath a folder given to `merge` summaries are looked for.
const MAX_DEPTH: usize = 8;
/// The most nodes one scenario's chart shows (the worst by the host's fork p99).
pub const CHART_NODES: usize = 24;

/// One run of the fleet.
#[derive(Debug, Clone)]
pub struct Run {
    pub node: String,
    /// The scenario's name, with its sweep cell in brackets.
    pub scenario: String,
    /// Where it was read from: a `summary.json`, or `FILE:LINE`.
    pub from: String,
    pub summary: Summary,
}

/// The runs of many nodes, sorted by node, scenario and start.
#[derive(Debug, Clone, Default)]
pub struct Fleet {
    pub runs: Vec<Run>,
    /// Lines of JSON-lines files that were not summaries (log lines), skipped.
    pub skipped_lines: usize,
    /// Runs read twice (the same node, scenario and start), counted once.
    pub duplicates: usize,
}

/// A scenario's label: `forkbomb`, or `coursework [limits.pids=100]` for a sweep's cell.
pub fn scenario_label(s: &Summary) -> String {
    match &s.scenario.cell {
        Some(cell) => format!("{} [{cell}]", s.scenario.name),
        None => s.scenario.name.clone(),
    }
}

/// How bad a verdict is, for picking the run a node × scenario cell shows.
fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Held => 0,
        Verdict::Error => 1,
        Verdict::Failed => 2,
    }
}

pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Held => "HELD",
        Verdict::Failed => "FAILED",
        Verdict::Error => "ERROR",
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Held => "held",
        Verdict::Failed => "failed",
        Verdict::Error => "error",
    }
}

impl Fleet {
    /// Reads every input: a folder is searched for `summary.json` (runs, sweep cells) and
    /// `*.jsonl` files beneath it; a file is JSON lines (`limitlab run --format json`), or a
    /// single `summary.json`.
    pub fn load(inputs: &[PathBuf]) -> anyhow::Result<Fleet> {
        let mut fleet = Fleet::default();
        for input in inputs {
            let before = fleet.runs.len();
            if input.is_dir() {
                let mut files = Vec::new();
                walk(input, 0, &mut files).map_err(|e| {
                    coded(
                        Exit::BadInput,
                        format!("cannot read folder {}: {e}", input.display()),
                    )
                })?;
                files.sort();
                for f in &files {
                    fleet.read_file(f)?;
                }
                if fleet.runs.len() == before {
                    return Err(coded(
                        Exit::BadInput,
                        format!(
                            "{} holds no summary.json and no .jsonl file beneath it (searched {MAX_DEPTH} levels deep); give results folders of `limitlab run` or files of its --format json lines",
                            input.display()
                        ),
                    ));
                }
            } else if input.is_file() {
                fleet.read_file(input)?;
                if fleet.runs.len() == before {
                    return Err(coded(
                        Exit::BadInput,
                        format!(
                            "{} holds no run summary ({} line(s) that are not JSON skipped); expected one JSON line per run, as `limitlab run --format json` prints",
                            input.display(),
                            fleet.skipped_lines
                        ),
                    ));
                }
            } else {
                return Err(coded(
                    Exit::BadInput,
                    format!(
                        "{} does not exist; give results folders (with summary.json beneath) or files of JSON lines",
                        input.display()
                    ),
                ));
            }
        }
        fleet.runs.sort_by(|a, b| {
            (&a.node, &a.scenario, &a.summary.started_at).cmp(&(
                &b.node,
                &b.scenario,
                &b.summary.started_at,
            ))
        });
        let n = fleet.runs.len();
        fleet.runs.dedup_by(|b, a| {
            a.node == b.node
                && a.scenario == b.scenario
                && a.summary.started_at == b.summary.started_at
        });
        fleet.duplicates = n - fleet.runs.len();
        Ok(fleet)
    }

    fn read_file(&mut self, path: &Path) -> anyhow::Result<()> {
        let summaries = if path.file_name().is_some_and(|n| n == "summary.json") {
            vec![(load::summary(path)?, path.display().to_string())]
        } else {
            let (list, skipped) = load::json_lines(path)?;
            self.skipped_lines += skipped;
            list.into_iter()
                .map(|(line, s)| (s, format!("{}:{line}", path.display())))
                .collect()
        };
        for (summary, from) in summaries {
            self.runs.push(Run {
                node: summary.host.node_name().to_string(),
                scenario: scenario_label(&summary),
                from,
                summary,
            });
        }
        Ok(())
    }

    /// The nodes, sorted.
    pub fn nodes(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.runs.iter().map(|r| r.node.as_str()).collect();
        set.into_iter().collect()
    }

    /// The scenarios, sorted.
    pub fn scenarios(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.runs.iter().map(|r| r.scenario.as_str()).collect();
        set.into_iter().collect()
    }

    /// Every node × scenario cell with the runs in it.
    pub fn cells(&self) -> BTreeMap<(&str, &str), Vec<&Run>> {
        let mut m: BTreeMap<(&str, &str), Vec<&Run>> = BTreeMap::new();
        for r in &self.runs {
            m.entry((&r.node, &r.scenario)).or_default().push(r);
        }
        m
    }

    /// The run a cell stands for: its worst verdict, the latest of those.
    pub fn shown<'a>(runs: &[&'a Run]) -> &'a Run {
        runs.iter()
            .copied()
            .max_by(|a, b| {
                (rank(a.summary.verdict), &a.summary.started_at)
                    .cmp(&(rank(b.summary.verdict), &b.summary.started_at))
            })
            .expect("a cell has a run")
    }

    /// The latest run of each node × scenario, labelled `node: scenario` (what `compare`
    /// matches across two fleets).
    pub fn latest_by_label(&self) -> Vec<(String, &Summary)> {
        let mut out: Vec<(String, &Summary)> = Vec::new();
        for r in &self.runs {
            let label = format!("{}: {}", r.node, r.scenario);
            // Runs are sorted by start within a cell, so the last one wins.
            match out.last_mut() {
                Some((l, s)) if *l == label => *s = &r.summary,
                _ => out.push((label, &r.summary)),
            }
        }
        out
    }

    /// The facts of each node, from its latest run.
    fn node_facts(&self) -> BTreeMap<&str, NodeFacts> {
        let mut m: BTreeMap<&str, (&str, NodeFacts)> = BTreeMap::new();
        for r in &self.runs {
            let h = &r.summary.host;
            let f = NodeFacts {
                kernel: h.kernel.clone(),
                cgroup_mode: h
                    .cgroup_mode
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "unknown".into()),
                runtime: h.runtime.clone().unwrap_or_else(|| "none (host)".into()),
                limitlab: r.summary.limitlab_version.clone(),
                cpus: h.cpus,
            };
            let newer = m
                .get(r.node.as_str())
                .is_none_or(|(at, _)| *at <= r.summary.started_at.as_str());
            if newer {
                m.insert(&r.node, (&r.summary.started_at, f));
            }
        }
        m.into_iter().map(|(k, (_, f))| (k, f)).collect()
    }
}

/// Collects `summary.json` and `*.jsonl` files beneath `dir`.
fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type()?;
        if kind.is_dir() && !name.starts_with('.') {
            walk(&path, depth + 1, out)?;
        } else if kind.is_file() && (name == "summary.json" || name.ends_with(".jsonl")) {
            out.push(path);
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
struct NodeFacts {
    kernel: String,
    cgroup_mode: String,
    runtime: String,
    limitlab: String,
    cpus: usize,
}

/// The metrics each scenario's table shows.
pub const COLUMNS: &[&str] = &[
    "pids.limit",
    "pids.peak",
    "pids.limit_hits",
    "memory.peak_bytes",
    "memory.oom_kills",
    "host.fork_p99_ms",
    "teardown.leaked",
];

/// The metrics "the worst node" is named for (each has a bad direction: up).
pub const WORST_OF: &[&str] = &[
    "pids.peak",
    "memory.peak_bytes",
    "sandbox.start_ms",
    "host.fork_p99_ms",
    "host.fork_failures",
    "host.wakeup_late_p99_ms",
    "teardown.ms",
    "teardown.leaked",
    "workload.escapes",
    "sampling.missed",
];

/// The worst node of one scenario for one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Worst {
    pub scenario: String,
    pub metric: &'static str,
    pub node: String,
    pub value: f64,
    pub median: f64,
    pub best_node: String,
    pub best: f64,
}

/// A fact on which the nodes differ, or do not.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub fact: &'static str,
    /// Each value with the nodes that have it (one entry: every node agrees).
    pub values: Vec<(String, Vec<String>)>,
}

/// Everything the fleet report shows, computed once.
pub struct FleetReport<'a> {
    pub fleet: &'a Fleet,
    pub nodes: Vec<&'a str>,
    pub scenarios: Vec<&'a str>,
    /// (node, scenario) → the run shown and how many runs the cell has.
    pub cells: BTreeMap<(&'a str, &'a str), (&'a Run, usize)>,
    pub worst: Vec<Worst>,
    pub differences: Vec<Difference>,
    pub held: usize,
    pub failed: usize,
    pub errors: usize,
}

impl<'a> FleetReport<'a> {
    pub fn of(fleet: &'a Fleet) -> FleetReport<'a> {
        let cells: BTreeMap<_, _> = fleet
            .cells()
            .into_iter()
            .map(|(k, runs)| (k, (Fleet::shown(&runs), runs.len())))
            .collect();
        let count = |v: Verdict| {
            cells
                .values()
                .filter(|(r, _)| r.summary.verdict == v)
                .count()
        };
        let scenarios = fleet.scenarios();
        let mut worst = Vec::new();
        for sc in &scenarios {
            for metric in WORST_OF {
                if crate::data::metrics::find(metric).is_none_or(|d| d.better != Better::Lower) {
                    continue;
                }
                let mut values: Vec<(&str, f64)> = cells
                    .iter()
                    .filter(|((_, s), _)| s == sc)
                    .filter_map(|((n, _), (r, _))| {
                        r.summary
                            .metrics
                            .get(*metric)
                            .copied()
                            .flatten()
                            .filter(|v| v.is_finite())
                            .map(|v| (*n, v))
                    })
                    .collect();
                if values.len() < 2 {
                    continue;
                }
                values.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
                let (best_node, best) = values[0];
                let (node, value) = *values.last().expect("two values");
                if value == best {
                    continue;
                }
                let sorted: Vec<f64> = values.iter().map(|v| v.1).collect();
                worst.push(Worst {
                    scenario: sc.to_string(),
                    metric,
                    node: node.to_string(),
                    value,
                    median: metrics::percentile(&sorted, 50.0).unwrap_or(value),
                    best_node: best_node.to_string(),
                    best,
                });
            }
        }
        let facts = fleet.node_facts();
        let mut differences = Vec::new();
        type Get = fn(&NodeFacts) -> String;
        let which: [(&'static str, Get); 4] = [
            ("kernel", |f| f.kernel.clone()),
            ("cgroup mode", |f| f.cgroup_mode.clone()),
            ("container runtime", |f| f.runtime.clone()),
            ("limitlab version", |f| f.limitlab.clone()),
        ];
        for (fact, get) in which {
            let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (node, f) in &facts {
                by.entry(get(f)).or_default().push(node.to_string());
            }
            differences.push(Difference {
                fact,
                values: by.into_iter().collect(),
            });
        }
        FleetReport {
            fleet,
            nodes: fleet.nodes(),
            scenarios,
            held: count(Verdict::Held),
            failed: count(Verdict::Failed),
            errors: count(Verdict::Error),
            cells,
            worst,
            differences,
        }
    }

    /// The fleet's verdict: failed if a node × scenario failed, else error if one did not
    /// complete, else held.
    pub fn verdict(&self) -> Verdict {
        if self.failed > 0 {
            Verdict::Failed
        } else if self.errors > 0 {
            Verdict::Error
        } else {
            Verdict::Held
        }
    }

    fn title(&self) -> String {
        format!(
            "Fleet report: {} node{}, {} scenario{}, {} run{}",
            self.nodes.len(),
            plural(self.nodes.len()),
            self.scenarios.len(),
            plural(self.scenarios.len()),
            self.fleet.runs.len(),
            plural(self.fleet.runs.len())
        )
    }

    fn headline(&self) -> String {
        let cells = self.cells.len();
        let mut h = format!(
            "{} of {cells} node × scenario cell{} held",
            self.held,
            plural(cells)
        );
        if self.failed > 0 {
            let _ = write!(h, ", {} FAILED", self.failed);
        }
        if self.errors > 0 {
            let _ = write!(h, ", {} did not complete", self.errors);
        }
        let missing = self.nodes.len() * self.scenarios.len() - cells;
        if missing > 0 {
            let _ = write!(
                h,
                "; {missing} cell{} no run (a node did not run that scenario)",
                if missing == 1 { " has" } else { "s have" }
            );
        }
        h.push('.');
        h
    }

    /// The runs of one scenario for its chart, labelled by node: every node, or the
    /// [`CHART_NODES`] with the slowest host forks.
    pub fn chart_rows(&self, scenario: &str) -> (Vec<(String, &'a Summary)>, usize) {
        let mut rows: Vec<(String, &Summary)> = self
            .cells
            .iter()
            .filter(|((_, s), _)| *s == scenario)
            .map(|((n, _), (r, _))| (n.to_string(), &r.summary))
            .collect();
        let total = rows.len();
        if total > CHART_NODES {
            let p99 = |s: &Summary| {
                s.metrics
                    .get("host.fork_p99_ms")
                    .copied()
                    .flatten()
                    .unwrap_or(f64::NEG_INFINITY)
            };
            rows.sort_by(|a, b| p99(b.1).total_cmp(&p99(a.1)));
            rows.truncate(CHART_NODES);
        }
        (rows, total)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn value(s: &Summary, metric: &str) -> String {
    s.metrics
        .get(metric)
        .copied()
        .flatten()
        .map(|v| format_value(metric, v))
        .unwrap_or_else(|| "n/a".into())
}

fn difference_line(d: &Difference) -> String {
    if d.values.len() == 1 {
        return format!("the same on every node: {}", d.values[0].0);
    }
    let parts: Vec<String> = d
        .values
        .iter()
        .map(|(v, nodes)| format!("{v} on {}", nodes.join(", ")))
        .collect();
    format!("DIFFERS: {}", parts.join("; "))
}

fn worst_cell(w: &Worst) -> [String; 4] {
    [
        format!("{} ({})", w.node, format_value(w.metric, w.value)),
        format_value(w.metric, w.median),
        format!("{} ({})", w.best_node, format_value(w.metric, w.best)),
        crate::data::metrics::find(w.metric)
            .map(|d| d.help)
            .unwrap_or("")
            .into(),
    ]
}

/// `report.md` of a fleet. `charts` are (file stem, title) of the charts beside it.
pub fn markdown(r: &FleetReport<'_>, charts: &[(String, String)]) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", r.title());
    let _ = writeln!(
        m,
        "Verdict: **{}**. {}\n",
        verdict_word(r.verdict()),
        r.headline()
    );
    let _ = writeln!(m, "## Verdicts: nodes × scenarios\n");
    let _ = write!(m, "| node |");
    for s in &r.scenarios {
        let _ = write!(m, " {s} |");
    }
    let _ = write!(m, "\n|---|");
    for _ in &r.scenarios {
        let _ = write!(m, "---|");
    }
    let _ = writeln!(m);
    for n in &r.nodes {
        let _ = write!(m, "| {n} |");
        for s in &r.scenarios {
            let cell = match r.cells.get(&(*n, *s)) {
                Some((run, 1)) => verdict_word(run.summary.verdict).to_string(),
                Some((run, k)) => format!("{} (worst of {k})", verdict_word(run.summary.verdict)),
                None => "—".into(),
            };
            let _ = write!(m, " {cell} |");
        }
        let _ = writeln!(m);
    }
    let _ = writeln!(m, "\n## Where the nodes differ\n");
    for d in &r.differences {
        let _ = writeln!(m, "- {}: {}", d.fact, difference_line(d));
    }
    let _ = writeln!(m, "\n## The worst node per metric\n");
    if r.worst.is_empty() {
        let _ = writeln!(
            m,
            "No metric differs between nodes (or fewer than two nodes ran each scenario)."
        );
    } else {
        let _ = writeln!(
            m,
            "| scenario | metric | worst node | fleet median | best node |\n|---|---|---|---|---|"
        );
        for w in &r.worst {
            let [worst, median, best, _] = worst_cell(w);
            let _ = writeln!(
                m,
                "| {} | `{}` | {worst} | {median} | {best} |",
                w.scenario, w.metric
            );
        }
    }
    for (i, s) in r.scenarios.iter().enumerate() {
        let _ = writeln!(m, "\n## {s}\n");
        let _ = write!(m, "| node | verdict | what held it |");
        for c in COLUMNS {
            let _ = write!(m, " `{c}` |");
        }
        let _ = write!(m, "\n|---|---|---|");
        for _ in COLUMNS {
            let _ = write!(m, "---|");
        }
        let _ = writeln!(m);
        for n in &r.nodes {
            let Some((run, _)) = r.cells.get(&(*n, *s)) else {
                continue;
            };
            let su = &run.summary;
            let _ = write!(
                m,
                "| {n} | {} | {} |",
                verdict_word(su.verdict),
                su.held_by.as_deref().unwrap_or("nothing had to")
            );
            for c in COLUMNS {
                let _ = write!(m, " {} |", value(su, c));
            }
            let _ = writeln!(m);
        }
        if let Some((stem, title)) = charts.get(i) {
            let _ = writeln!(m, "\n![{title}]({stem}.svg)");
        }
    }
    let _ = writeln!(m, "\n## Nodes\n");
    let _ = writeln!(
        m,
        "| node | kernel | cgroup mode | container runtime | CPUs | limitlab |\n|---|---|---|---|---|---|"
    );
    for (n, f) in r.fleet.node_facts() {
        let _ = writeln!(
            m,
            "| {n} | {} | {} | {} | {} | {} |",
            f.kernel, f.cgroup_mode, f.runtime, f.cpus, f.limitlab
        );
    }
    m
}

/// `report.html` of a fleet: one file, charts inline.
pub fn html(r: &FleetReport<'_>, figures: &[Figure<'_>]) -> String {
    let verdict = r.verdict();
    let title = r.title();
    let mut h = html_head(&format!("{title} — {}", verdict_word(verdict)));
    let _ = writeln!(
        h,
        "<h1>{} <span class=\"badge {}\">{}</span></h1>\n<p>{}</p>",
        esc(&title),
        verdict_class(verdict),
        verdict_word(verdict),
        esc(&r.headline())
    );
    let _ = writeln!(
        h,
        "<h2>Verdicts: nodes × scenarios</h2><table id=\"matrix\"><tr><th>node</th>"
    );
    for s in &r.scenarios {
        let _ = write!(h, "<th>{}</th>", esc(s));
    }
    let _ = writeln!(h, "</tr>");
    for n in &r.nodes {
        let _ = write!(h, "<tr><th>{}</th>", esc(n));
        for s in &r.scenarios {
            match r.cells.get(&(*n, *s)) {
                Some((run, k)) => {
                    let su = &run.summary;
                    let more = if *k > 1 {
                        format!(" <small>worst of {k}</small>")
                    } else {
                        String::new()
                    };
                    let _ = write!(
                        h,
                        "<td class=\"cell\" data-node=\"{}\" data-scenario=\"{}\" data-verdict=\"{}\"><span class=\"badge {}\">{}</span>{more}<br><small>peak {} / limit {} tasks, fork p99 {}</small></td>",
                        esc(n),
                        esc(s),
                        verdict_class(su.verdict),
                        verdict_class(su.verdict),
                        verdict_word(su.verdict),
                        esc(&value(su, "pids.peak")),
                        esc(&value(su, "pids.limit")),
                        esc(&value(su, "host.fork_p99_ms")),
                    );
                }
                None => {
                    let _ = write!(h, "<td class=\"cell missing\">no run</td>");
                }
            }
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(
        h,
        "</table>\n<h2>Where the nodes differ</h2><ul id=\"differences\">"
    );
    for d in &r.differences {
        let class = if d.values.len() > 1 { "fail" } else { "ok" };
        let _ = writeln!(
            h,
            "<li><b>{}</b>: <span class=\"{class}\">{}</span></li>",
            esc(d.fact),
            esc(&difference_line(d))
        );
    }
    let _ = writeln!(h, "</ul>\n<h2>The worst node per metric</h2>");
    if r.worst.is_empty() {
        let _ = writeln!(
            h,
            "<p>No metric differs between nodes (or fewer than two nodes ran each scenario).</p>"
        );
    } else {
        let _ = writeln!(
            h,
            "<table id=\"worst\"><tr><th>scenario</th><th>metric</th><th>worst node</th><th>fleet median</th><th>best node</th><th>what it measures</th></tr>"
        );
        for w in &r.worst {
            let [worst, median, best, help] = worst_cell(w);
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"fail\">{}</td><td>{}</td><td>{}</td><td><small>{}</small></td></tr>",
                esc(&w.scenario),
                esc(w.metric),
                esc(&worst),
                esc(&median),
                esc(&best),
                esc(&help)
            );
        }
        let _ = writeln!(h, "</table>");
    }
    for (i, s) in r.scenarios.iter().enumerate() {
        let _ = writeln!(
            h,
            "<h2>{}</h2><table><tr><th>node</th><th>verdict</th><th>what held it</th>",
            esc(s)
        );
        for c in COLUMNS {
            let _ = write!(h, "<th><code>{}</code></th>", esc(c));
        }
        let _ = writeln!(h, "</tr>");
        for n in &r.nodes {
            let Some((run, _)) = r.cells.get(&(*n, *s)) else {
                continue;
            };
            let su = &run.summary;
            let _ = write!(
                h,
                "<tr><td>{}</td><td><span class=\"badge {}\">{}</span></td><td>{}</td>",
                esc(n),
                verdict_class(su.verdict),
                verdict_word(su.verdict),
                esc(su.held_by.as_deref().unwrap_or("nothing had to"))
            );
            for c in COLUMNS {
                let _ = write!(h, "<td>{}</td>", esc(&value(su, c)));
            }
            let _ = writeln!(h, "</tr>");
        }
        let _ = writeln!(h, "</table>");
        if let Some(f) = figures.get(i) {
            let _ = writeln!(h, "{}", f.html());
        }
    }
    let _ = writeln!(
        h,
        "<h2>Nodes</h2><table id=\"nodes\"><tr><th>node</th><th>kernel</th><th>cgroup mode</th><th>container runtime</th><th>CPUs</th><th>limitlab</th></tr>"
    );
    for (n, f) in r.fleet.node_facts() {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(n),
            esc(&f.kernel),
            esc(&f.cgroup_mode),
            esc(&f.runtime),
            f.cpus,
            esc(&f.limitlab)
        );
    }
    let _ = writeln!(h, "</table></body></html>");
    h
}

/// JUnit XML of a fleet: a test suite per node, a test case per node × scenario (its latest
/// run among the worst); a failed expectation is a failure, a run that did not complete an
/// error.
pub fn junit(r: &FleetReport<'_>) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"limitlab fleet\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        r.cells.len(),
        r.failed,
        r.errors
    );
    for n in &r.nodes {
        let mine: Vec<(&str, &Run)> = r
            .scenarios
            .iter()
            .filter_map(|s| r.cells.get(&(*n, *s)).map(|(run, _)| (*s, *run)))
            .collect();
        let failed = mine
            .iter()
            .filter(|(_, run)| run.summary.verdict == Verdict::Failed)
            .count();
        let errors = mine
            .iter()
            .filter(|(_, run)| run.summary.verdict == Verdict::Error)
            .count();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"{errors}\">",
            esc(n),
            mine.len()
        );
        for (s, run) in mine {
            let su = &run.summary;
            let _ = write!(
                x,
                "    <testcase classname=\"limitlab.fleet.{}\" name=\"{}\"",
                esc(n),
                esc(s)
            );
            match su.verdict {
                Verdict::Held => {
                    let _ = writeln!(x, "/>");
                }
                Verdict::Failed => {
                    let msg: Vec<String> = su
                        .expectations
                        .iter()
                        .filter(|o| !o.held)
                        .map(|o| {
                            let v = o
                                .value
                                .map(|v| format_value(&o.metric, v))
                                .unwrap_or_else(|| super::document::unmeasured(su));
                            format!("{} = {v}, expected {}", o.metric, o.expected)
                        })
                        .collect();
                    let msg = format!("on {n}: {}", msg.join("; "));
                    let _ = writeln!(
                        x,
                        ">\n      <failure type=\"expectation\" message=\"{}\">{} (from {})</failure>\n    </testcase>",
                        esc(&msg),
                        esc(&msg),
                        esc(&run.from)
                    );
                }
                Verdict::Error => {
                    let why = su
                        .abort_reason
                        .clone()
                        .unwrap_or_else(|| "the run did not complete".into());
                    let _ = writeln!(
                        x,
                        ">\n      <error type=\"run\" message=\"{}\">{}</error>\n    </testcase>",
                        esc(&why),
                        esc(&why)
                    );
                }
            }
        }
        let _ = writeln!(x, "  </testsuite>");
    }
    x.push_str("</testsuites>\n");
    x
}

/// Writes the fleet report into `dir`: `report.md`, `report.html`, `junit.xml`, and a
/// chart per scenario (`nodes-N.svg`, `.png`).
pub fn write(dir: &Path, r: &FleetReport<'_>) -> anyhow::Result<()> {
    let mut charts = Vec::new();
    for (i, s) in r.scenarios.iter().enumerate() {
        let (rows, total) = r.chart_rows(s);
        let title = if rows.len() < total {
            format!(
                "{s}: the {} of {total} nodes with the slowest host forks",
                rows.len()
            )
        } else {
            format!("{s} on {total} node{}", plural(total))
        };
        let chart = super::charts::render_comparison_titled(&title, &rows)?;
        let stem = format!("nodes-{}", i + 1);
        crate::data::stream::write_atomic(&dir.join(format!("{stem}.svg")), chart.svg.as_bytes())?;
        crate::data::stream::write_atomic(&dir.join(format!("{stem}.png")), &chart.png)?;
        charts.push((stem, title, chart.svg));
    }
    let figures: Vec<Figure<'_>> = charts
        .iter()
        .map(|(stem, title, svg)| Figure {
            name: stem,
            title,
            svg,
        })
        .collect();
    let stems: Vec<(String, String)> = charts
        .iter()
        .map(|(stem, title, _)| (stem.clone(), title.clone()))
        .collect();
    crate::data::stream::write_atomic(&dir.join("report.md"), markdown(r, &stems).as_bytes())?;
    crate::data::stream::write_atomic(&dir.join("report.html"), html(r, &figures).as_bytes())?;
    crate::data::stream::write_atomic(&dir.join("junit.xml"), junit(r).as_bytes())?;
    Ok(())
}
