//! The node chart: one per scenario, comparing the nodes that ran it (at most
//! [`CHART_NODES`], the ones with the slowest host forks), written as `nodes-N.svg` and
//! `.png` beside the report.

use std::path::Path;

use super::findings::{FleetReport, count};
use crate::data::stream::write_atomic;
use crate::record::Summary;
use crate::report::charts;
use crate::t;

/// The most nodes one scenario's chart shows (the worst by the host's fork p99).
pub const CHART_NODES: usize = 24;

/// A scenario's chart, written: its file stem (`nodes-1`), its title and its SVG.
pub(super) struct NodeChart {
    pub(super) stem: String,
    pub(super) title: String,
    pub(super) svg: String,
}

impl<'a> FleetReport<'a> {
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

/// Draws the chart of every scenario, in order, and writes each into `dir`.
pub(super) fn write_node_charts(dir: &Path, r: &FleetReport<'_>) -> anyhow::Result<Vec<NodeChart>> {
    let mut written = Vec::new();
    for (i, s) in r.scenarios.iter().enumerate() {
        let (rows, total) = r.chart_rows(s);
        let title = chart_title(s, rows.len(), total);
        let chart = charts::render_comparison_titled(&title, &rows)?;
        let stem = format!("nodes-{}", i + 1);
        write_atomic(&dir.join(format!("{stem}.svg")), chart.svg.as_bytes())?;
        write_atomic(&dir.join(format!("{stem}.png")), &chart.png)?;
        written.push(NodeChart {
            stem,
            title,
            svg: chart.svg,
        });
    }
    Ok(written)
}

/// `forkbomb on 5 nodes`, or `forkbomb: the 24 of 30 nodes with the slowest host forks`.
pub(super) fn chart_title(scenario: &str, shown: usize, total: usize) -> String {
    let (n, all) = (count(shown), count(total));
    if shown < total {
        t!(
            "fleet-chart-slowest",
            scenario = scenario,
            shown = n,
            total = all
        )
    } else if total == 1 {
        t!("fleet-chart-one", scenario = scenario, total = all)
    } else {
        t!("fleet-chart", scenario = scenario, total = all)
    }
}
