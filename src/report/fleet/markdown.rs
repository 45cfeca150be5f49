//! The fleet's `report.md`: the verdict matrix of nodes × scenarios, where the nodes differ,
//! the worst node per metric, a table per scenario with its chart, and the nodes' facts.

use std::fmt::Write;

use super::findings::{COLUMNS, FleetReport, shown_value};
use super::verdict_word;

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
    verdict_matrix(&mut m, r);
    let _ = writeln!(m, "\n## Where the nodes differ\n");
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
}

/// The worst node per scenario and metric, against the median and the best.
fn worst_nodes(m: &mut String, r: &FleetReport<'_>) {
    let _ = writeln!(m, "\n## The worst node per metric\n");
    if r.worst.is_empty() {
        let _ = writeln!(
            m,
            "No metric differs between nodes (or fewer than two nodes ran each scenario)."
        );
        return;
    }
    let _ = writeln!(
        m,
        "| scenario | metric | worst node | fleet median | best node |\n|---|---|---|---|---|"
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
        let Some((run, _)) = r.cells.get(&(*n, s)) else {
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
            let _ = write!(m, " {} |", shown_value(su, c));
        }
        let _ = writeln!(m);
    }
}

/// Each node's facts, from its latest run.
fn nodes_table(m: &mut String, r: &FleetReport<'_>) {
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
}
