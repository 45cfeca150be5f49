//! Reading a fleet: the runs found in results folders and files of JSON lines, merged into
//! one list (sorted, a run read twice counted once), and the questions asked of it (its
//! nodes, its scenarios, its node × scenario cells, each node's facts).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::record::{Summary, Verdict};
use crate::report::load;
use crate::{Exit, coded, t};

/// How deep beneath a folder given to `merge` summaries are looked for.
const MAX_DEPTH: usize = 8;

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

/// A node's facts, as its latest run recorded them.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NodeFacts {
    pub(super) kernel: String,
    pub(super) cgroup_mode: String,
    pub(super) runtime: String,
    pub(super) limitlab: String,
    pub(super) cpus: usize,
}

/// How bad a verdict is, for picking the run a node × scenario cell shows.
fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Held => 0,
        Verdict::Error => 1,
        Verdict::Failed => 2,
    }
}

impl Fleet {
    /// Reads every input: a folder is searched for `summary.json` (runs, sweep cells) and
    /// `*.jsonl` files beneath it; a file is JSON lines (`limitlab run --format json`), or a
    /// single `summary.json`.
    pub fn load(inputs: &[PathBuf]) -> anyhow::Result<Fleet> {
        let mut fleet = Fleet::default();
        for input in inputs {
            fleet.read_input(input)?;
        }
        fleet.sort_and_count_duplicates();
        Ok(fleet)
    }

    /// Reads one input of [`Fleet::load`]; an input that holds no run is an error.
    fn read_input(&mut self, input: &Path) -> anyhow::Result<()> {
        let before = self.runs.len();
        if input.is_dir() {
            let mut files = Vec::new();
            walk(input, 0, &mut files).map_err(|e| {
                coded(
                    Exit::BadInput,
                    t!("fleet-err-read-folder", dir = input.display(), error = e),
                )
            })?;
            files.sort();
            for f in &files {
                self.read_file(f)?;
            }
            if self.runs.len() == before {
                return Err(coded(
                    Exit::BadInput,
                    t!(
                        "fleet-err-no-summaries",
                        dir = input.display(),
                        depth = MAX_DEPTH
                    ),
                ));
            }
        } else if input.is_file() {
            self.read_file(input)?;
            if self.runs.len() == before {
                return Err(coded(
                    Exit::BadInput,
                    t!(
                        "fleet-err-no-run-summary",
                        file = input.display(),
                        skipped = t!(
                            "fleet-skipped-lines",
                            count = crate::i18n::count(self.skipped_lines).ungrouped()
                        )
                    ),
                ));
            }
        } else {
            return Err(coded(
                Exit::BadInput,
                t!("fleet-err-missing", path = input.display()),
            ));
        }
        Ok(())
    }

    /// Sorts the runs by node, scenario and start, and keeps one of each run read twice.
    fn sort_and_count_duplicates(&mut self) {
        self.runs.sort_by(|a, b| {
            (&a.node, &a.scenario, &a.summary.started_at).cmp(&(
                &b.node,
                &b.scenario,
                &b.summary.started_at,
            ))
        });
        let n = self.runs.len();
        self.runs.dedup_by(|b, a| {
            a.node == b.node
                && a.scenario == b.scenario
                && a.summary.started_at == b.summary.started_at
        });
        self.duplicates = n - self.runs.len();
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
                scenario: summary.scenario_label(),
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
    pub(super) fn node_facts(&self) -> BTreeMap<&str, NodeFacts> {
        let mut m: BTreeMap<&str, (&str, NodeFacts)> = BTreeMap::new();
        for r in &self.runs {
            let h = &r.summary.host;
            let f = NodeFacts {
                kernel: h.kernel.clone(),
                cgroup_mode: h
                    .cgroup_mode
                    .map(|m| m.text())
                    .unwrap_or_else(|| t!("fleet-cgroup-unknown")),
                runtime: h
                    .runtime
                    .clone()
                    .unwrap_or_else(|| t!("fleet-runtime-none")),
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
