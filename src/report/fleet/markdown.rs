//! The fleet's `report.md`: the verdict matrix of nodes × scenarios, where the nodes differ,
//! the worst node per metric, a table per scenario with its chart, and the nodes' facts.

use std::fmt::Write;

use super::findings::{COLUMNS, FleetReport, count, shown_value};
use super::verdict_word;
use crate::t;

/// `report.md` of a fleet. `charts` are (file stem, title) of the charts beside it.
pub fn markdown(r: &FleetReport<'_>, charts: &[(String, String)]) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", r.title());
    let _ = writeln!(
        m,
        "{}: **{}**. {}\n",
        t!("doc-verdict"),
        verdict_word(r.verdict()),
        r.headline()
    );
    verdict_matrix(&mut m, r);
    let _ = writeln!(m, "\n## {}\n", t!("fleet-differences"));
    for d in &r.differences {
        let _ = writeln!(m, "- {}: {}", d.fact, d.line());
    }
    worst_nodes(&mut m, r);
    for (i, s) in r.scenarios.iter().enumerate() {
        scenario_table(&mut m, r, s);
        if let Some((stem, title)) = charts.get(i) {
            let _ = writeln!(m, "\n![{title}]({stem}.svg)");
        }
    }
    nodes_table(&mut m, r);
    m
}

/// The verdict of every node × scenario cell.
fn verdict_matrix(m: &mut String, r: &FleetReport<'_>) {
    let _ = writeln!(m, "## {}\n", t!("fleet-matrix"));
    let _ = write!(m, "| {} |", t!("fact-node"));
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
                Some((run, 1)) => verdict_word(run.summary.verdict),
                Some((run, k)) => format!(
                    "{} ({})",
                    verdict_word(run.summary.verdict),
                    t!("fleet-worst-of", runs = count(*k))
                ),
                None => "—".into(),
            };
            let _ = write!(m, " {cell} |");
        }
        let _ = writeln!(m);
    }
}

/// The worst node per scenario and metric, against the median and the best.
fn worst_nodes(m: &mut String, r: &FleetReport<'_>) {
    let _ = writeln!(m, "\n## {}\n", t!("fleet-worst"));
    if r.worst.is_empty() {
        let _ = writeln!(m, "{}", t!("fleet-worst-none"));
        return;
    }
    let _ = writeln!(
        m,
        "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
        t!("fact-scenario"),
        t!("col-metric"),
        t!("fleet-col-worst-node"),
        t!("fleet-col-median"),
        t!("fleet-col-best-node")
    );
    for w in &r.worst {
        let [worst, median, best, _] = w.cells();
        let _ = writeln!(
            m,
            "| {} | `{}` | {worst} | {median} | {best} |",
            w.scenario, w.metric
        );
    }
}

/// One scenario's table: a row per node that ran it.
fn scenario_table(m: &mut String, r: &FleetReport<'_>, s: &str) {
    let _ = writeln!(m, "\n## {s}\n");
    let _ = write!(
        m,
        "| {} | {} | {} |",
        t!("fact-node"),
        t!("sweep-col-verdict"),
        t!("sweep-col-held-by")
    );
    for c in COLUMNS {
        let _ = write!(m, " `{c}` |");
    }
    let _ = write!(m, "\n|---|---|---|");
    for _ in COLUMNS {
        let _ = write!(m, "---|");
    }
    let _ = writeln!(m);
    for n in &r.nodes {
        let Some((run, _)) = r.cells.get(&(*n, s)) else {
            continue;
        };
        let su = &run.summary;
        let _ = write!(
            m,
            "| {n} | {} | {} |",
            verdict_word(su.verdict),
            su.held_by
                .clone()
                .unwrap_or_else(|| t!("sweep-nothing-had-to"))
        );
        for c in COLUMNS {
            let _ = write!(m, " {} |", shown_value(su, c));
        }
        let _ = writeln!(m);
    }
}

/// Each node's facts, from its latest run.
fn nodes_table(m: &mut String, r: &FleetReport<'_>) {
    let _ = writeln!(m, "\n## {}\n", t!("fleet-nodes-heading"));
    let _ = writeln!(
        m,
        "| {} | {} | {} | {} | {} | limitlab |\n|---|---|---|---|---|---|",
        t!("fact-node"),
        t!("fleet-fact-kernel"),
        t!("fleet-fact-cgroup-mode"),
        t!("fact-container-runtime"),
        t!("fleet-col-cpus")
    );
    for (n, f) in r.fleet.node_facts() {
        let _ = writeln!(
            m,
            "| {n} | {} | {} | {} | {} | {} |",
            f.kernel, f.cgroup_mode, f.runtime, f.cpus, f.limitlab
        );
    }
}
