//! The fleet's `report.html`: the Markdown's sections as one self-contained page, with the
//! verdict matrix's cells tagged (`data-node`, `data-scenario`, `data-verdict`) and the node
//! charts inline.

use std::fmt::Write;

use super::findings::{COLUMNS, FleetReport, count, shown_value};
use super::read::Run;
use super::verdict_word;
use crate::report::document::{Figure, esc, html_head, verdict_class};
use crate::t;

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
    verdict_matrix(&mut h, r);
    differences(&mut h, r);
    worst_nodes(&mut h, r);
    for (i, s) in r.scenarios.iter().enumerate() {
        scenario_table(&mut h, r, s);
        if let Some(f) = figures.get(i) {
            let _ = writeln!(h, "{}", f.html());
        }
    }
    nodes_table(&mut h, r);
    let _ = writeln!(h, "</body></html>");
    h
}

/// The verdict of every node × scenario cell.
fn verdict_matrix(h: &mut String, r: &FleetReport<'_>) {
    let _ = writeln!(
        h,
        "<h2>{}</h2><table id=\"matrix\"><tr><th>{}</th>",
        esc(&t!("fleet-matrix")),
        esc(&t!("fact-node"))
    );
    for s in &r.scenarios {
        let _ = write!(h, "<th>{}</th>", esc(s));
    }
    let _ = writeln!(h, "</tr>");
    for n in &r.nodes {
        let _ = write!(h, "<tr><th>{}</th>", esc(n));
        for s in &r.scenarios {
            match r.cells.get(&(*n, *s)) {
                Some((run, k)) => matrix_cell(h, n, s, run, *k),
                None => {
                    let _ = write!(
                        h,
                        "<td class=\"cell missing\">{}</td>",
                        esc(&t!("fleet-no-run"))
                    );
                }
            }
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table>");
}

/// One cell of the matrix: the verdict of the run shown, out of `runs`, and its key numbers.
fn matrix_cell(h: &mut String, node: &str, scenario: &str, run: &Run, runs: usize) {
    let su = &run.summary;
    let more = if runs > 1 {
        format!(
            " <small>{}</small>",
            esc(&t!("fleet-worst-of", runs = count(runs)))
        )
    } else {
        String::new()
    };
    let _ = write!(
        h,
        "<td class=\"cell\" data-node=\"{}\" data-scenario=\"{}\" data-verdict=\"{}\"><span class=\"badge {}\">{}</span>{more}<br><small>{}</small></td>",
        esc(node),
        esc(scenario),
        verdict_class(su.verdict),
        verdict_class(su.verdict),
        verdict_word(su.verdict),
        esc(&t!(
            "fleet-cell-numbers",
            peak = shown_value(su, "pids.peak"),
            limit = shown_value(su, "pids.limit"),
            p99 = shown_value(su, "host.fork_p99_ms")
        )),
    );
}

/// The facts the nodes differ in, or agree on.
fn differences(h: &mut String, r: &FleetReport<'_>) {
    let _ = writeln!(
        h,
        "<h2>{}</h2><ul id=\"differences\">",
        esc(&t!("fleet-differences"))
    );
    for d in &r.differences {
        let class = if d.values.len() > 1 { "fail" } else { "ok" };
        let _ = writeln!(
            h,
            "<li><b>{}</b>: <span class=\"{class}\">{}</span></li>",
            esc(d.fact),
            esc(&d.line())
        );
    }
    let _ = writeln!(h, "</ul>");
}

/// The worst node per scenario and metric, against the median and the best.
fn worst_nodes(h: &mut String, r: &FleetReport<'_>) {
    let _ = writeln!(h, "<h2>{}</h2>", esc(&t!("fleet-worst")));
    if r.worst.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", esc(&t!("fleet-worst-none")));
        return;
    }
    let _ = write!(h, "<table id=\"worst\"><tr>");
    header_cells(
        h,
        &[
            t!("fact-scenario"),
            t!("col-metric"),
            t!("fleet-col-worst-node"),
            t!("fleet-col-median"),
            t!("fleet-col-best-node"),
            t!("fleet-col-measures"),
        ],
    );
    let _ = writeln!(h, "</tr>");
    for w in &r.worst {
        let [worst, median, best, help] = w.cells();
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

/// One scenario's table: a row per node that ran it.
fn scenario_table(h: &mut String, r: &FleetReport<'_>, s: &str) {
    let _ = write!(h, "<h2>{}</h2><table><tr>", esc(s));
    header_cells(
        h,
        &[
            t!("fact-node"),
            t!("sweep-col-verdict"),
            t!("sweep-col-held-by"),
        ],
    );
    let _ = writeln!(h);
    for c in COLUMNS {
        let _ = write!(h, "<th><code>{}</code></th>", esc(c));
    }
    let _ = writeln!(h, "</tr>");
    for n in &r.nodes {
        let Some((run, _)) = r.cells.get(&(*n, s)) else {
            continue;
        };
        let su = &run.summary;
        let _ = write!(
            h,
            "<tr><td>{}</td><td><span class=\"badge {}\">{}</span></td><td>{}</td>",
            esc(n),
            verdict_class(su.verdict),
            verdict_word(su.verdict),
            esc(&su
                .held_by
                .clone()
                .unwrap_or_else(|| t!("sweep-nothing-had-to")))
        );
        for c in COLUMNS {
            let _ = write!(h, "<td>{}</td>", esc(&shown_value(su, c)));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table>");
}

/// Each node's facts, from its latest run.
fn nodes_table(h: &mut String, r: &FleetReport<'_>) {
    let _ = write!(
        h,
        "<h2>{}</h2><table id=\"nodes\"><tr>",
        esc(&t!("fleet-nodes-heading"))
    );
    header_cells(
        h,
        &[
            t!("fact-node"),
            t!("fleet-fact-kernel"),
            t!("fleet-fact-cgroup-mode"),
            t!("fact-container-runtime"),
            t!("fleet-col-cpus"),
            "limitlab".into(),
        ],
    );
    let _ = writeln!(h, "</tr>");
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
    h.push_str("</table>");
}

/// `<th>` cells of a table's header row.
fn header_cells(h: &mut String, names: &[String]) {
    for n in names {
        let _ = write!(h, "<th>{}</th>", esc(n));
    }
}
