//! A fleet: the runs of many nodes (results folders, or files of JSON lines from many hosts)
//! put side by side. `limitlab merge` writes its report (Markdown, HTML, JUnit with one test
//! case per node × scenario, and a chart per scenario comparing the nodes); `limitlab
//! compare` compares two fleets node by node.
//!
//! `read.rs` reads and merges the runs; `findings.rs` computes what the report shows;
//! `markdown.rs`, `html.rs`, `junit.rs` and `chart.rs` (the node chart) write it, in the
//! language of [`crate::i18n::current`] (`i18n/*/fleet.ftl`); `tests.rs` renders both.

mod chart;
mod findings;
mod html;
mod junit;
mod markdown;
mod read;
#[cfg(test)]
mod tests;

use std::path::Path;

pub use chart::CHART_NODES;
pub use findings::{COLUMNS, Difference, FleetReport, WORST_OF, Worst};
pub use html::html;
pub use junit::junit;
pub use markdown::markdown;
pub use read::{Fleet, Run};

use crate::data::stream::write_atomic;
use crate::record::Verdict;
use crate::report::document::Figure;

/// HELD, FAILED, ERROR (CUMPLIDO, FALLIDO, ERROR): the words of a run's verdict.
pub fn verdict_word(v: Verdict) -> String {
    crate::report::terminal::verdict_word(v)
}

/// Writes the fleet report into `dir`: `report.md`, `report.html`, `junit.xml`, and a
/// chart per scenario (`nodes-N.svg`, `.png`).
pub fn write(dir: &Path, r: &FleetReport<'_>) -> anyhow::Result<()> {
    let charts = chart::write_node_charts(dir, r)?;
    let figures: Vec<Figure<'_>> = charts
        .iter()
        .map(|c| Figure {
            name: &c.stem,
            title: &c.title,
            svg: &c.svg,
        })
        .collect();
    let stems: Vec<(String, String)> = charts
        .iter()
        .map(|c| (c.stem.clone(), c.title.clone()))
        .collect();
    write_atomic(&dir.join("report.md"), markdown(r, &stems).as_bytes())?;
    write_atomic(&dir.join("report.html"), html(r, &figures).as_bytes())?;
    write_atomic(&dir.join("junit.xml"), junit(r).as_bytes())?;
    Ok(())
}
