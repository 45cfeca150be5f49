//! A sweep's folder: one sub-folder per cell, `sweep.json` naming them, and a combined
//! report that puts the cells side by side.

use std::fmt::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::document::{Figure, esc, html_head};
use super::terminal::format_value;
use crate::record::{FORMAT_VERSION, Summary, Verdict};
use crate::{i18n, t};

/// `sweep.json`: what a sweep folder holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepIndex {
    pub format: u32,
    pub limitlab_version: String,
    pub name: String,
    pub description: Option<String>,
    /// The description in Spanish, when the scenario has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_es: Option<String>,
    pub source: std::path::PathBuf,
    pub cells: Vec<CellEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellEntry {
    /// `limits.pids=100`
    pub label: String,
    /// Its folder, relative to the sweep's.
    pub dir: String,
    /// `None` when the cell could not run (its error is in `error`).
    pub verdict: Option<Verdict>,
    pub error: Option<String>,
}

impl SweepIndex {
    pub fn new(
        name: &str,
        description: Option<String>,
        description_es: Option<String>,
        source: &Path,
    ) -> SweepIndex {
        SweepIndex {
            format: FORMAT_VERSION,
            limitlab_version: crate::VERSION.into(),
            name: name.into(),
            description,
            description_es,
            source: source.to_path_buf(),
            cells: Vec::new(),
        }
    }

    pub fn load(path: &Path) -> anyhow::Result<SweepIndex> {
        let text = std::fs::read_to_string(path)?;
        let index: SweepIndex = serde_json::from_str(&text).map_err(|e| {
            crate::coded(
                crate::Exit::BadInput,
                t!("sweep-not-an-index", path = path.display(), error = e),
            )
        })?;
        if index.format != FORMAT_VERSION {
            return Err(crate::coded(
                crate::Exit::BadInput,
                t!(
                    "sweep-format",
                    path = path.display(),
                    format = index.format,
                    writer = index.limitlab_version,
                    version = env!("CARGO_PKG_VERSION"),
                    reads = FORMAT_VERSION
                ),
            ));
        }
        Ok(index)
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut json = serde_json::to_vec_pretty(self)?;
        json.push(b'\n');
        crate::data::stream::write_atomic(path, &json)
    }
}

/// The metrics the combined table shows, in order.
pub const COLUMNS: &[&str] = &[
    "pids.peak",
    "pids.limit_hits",
    "pids.time_to_limit_ms",
    "workload.forks_failed",
    "memory.peak_bytes",
    "host.fork_p99_ms",
    "teardown.leaked",
];

/// The cells that ran, with their summaries (in index order).
pub struct Cells<'a> {
    pub index: &'a SweepIndex,
    pub summaries: Vec<Option<&'a Summary>>,
}

fn verdict_word(v: Option<Verdict>) -> String {
    super::terminal::verdict_word(v.unwrap_or(Verdict::Error))
}

fn cell_value(s: Option<&Summary>, metric: &str) -> String {
    s.and_then(|s| s.metrics.get(metric).copied().flatten())
        .map(|v| format_value(metric, v))
        .unwrap_or_else(|| t!("sweep-na"))
}

fn held_by(s: Option<&Summary>) -> String {
    s.and_then(|s| s.held_by.clone())
        .unwrap_or_else(|| t!("sweep-nothing-had-to"))
}

/// What the sweep shows, one sentence per cell from its summary alone, so the cells read
/// side by side: what held the workload, how far it got, and what the host felt meanwhile.
pub fn findings(c: &Cells<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (cell, s) in c.index.cells.iter().zip(&c.summaries) {
        let Some(s) = s else {
            let why = cell.error.clone().unwrap_or_else(|| t!("sweep-no-summary"));
            out.push((cell.label.clone(), t!("sweep-did-not-run", why = why)));
            continue;
        };
        let m = |name: &str| s.metrics.get(name).copied().flatten();
        let mut parts = vec![match &s.held_by {
            Some(h) => t!("sweep-held-by", held_by = h),
            None => t!("sweep-no-limit-had-to"),
        }];
        if let Some(peak) = m("pids.peak") {
            let peak = i18n::count(peak);
            parts.push(match m("pids.time_to_limit_ms") {
                Some(ms) => t!("sweep-peak-reached", peak = peak, ms = i18n::fixed(ms, 0)),
                None => t!("sweep-peak", peak = peak),
            });
        }
        if let Some(f) = m("workload.forks_failed").filter(|f| *f > 0.0) {
            parts.push(t!("sweep-forks-refused", count = i18n::count(f)));
        }
        if let Some(p99) = m("host.fork_p99_ms") {
            let p99 = i18n::fixed(p99, 1);
            parts.push(match m("host.fork_failures").filter(|f| *f > 0.0) {
                Some(f) => t!(
                    "sweep-host-forks-failed",
                    p99 = p99,
                    failed = i18n::count(f)
                ),
                None => t!("sweep-host-forks-ok", p99 = p99),
            });
        }
        let verdict = match s.verdict {
            Verdict::Held => t!("sweep-every-held"),
            Verdict::Failed => t!("sweep-one-failed"),
            Verdict::Error => t!("sweep-incomplete"),
        };
        out.push((
            cell.label.clone(),
            t!("sweep-finding", parts = parts.join("; "), verdict = verdict),
        ));
    }
    out
}

/// The combined `report.md` of a sweep.
pub fn markdown(c: &Cells<'_>, comparison: Option<&Figure<'_>>) -> String {
    let i = c.index;
    let mut m = String::new();
    let _ = writeln!(
        m,
        "# {} — {}\n",
        i.name,
        t!(
            "sweep-of-cells",
            cells = i18n::count(i.cells.len()).ungrouped()
        )
    );
    if let Some(d) = &crate::i18n::pick(&i.description, &i.description_es) {
        let _ = writeln!(m, "{d}\n");
    }
    let _ = writeln!(
        m,
        "{}\n",
        t!(
            "sweep-scenario",
            source = format!("`{}`", i.source.display())
        )
    );
    let _ = write!(
        m,
        "| {} | {} | {} |",
        t!("sweep-col-cell"),
        t!("sweep-col-verdict"),
        t!("sweep-col-held-by")
    );
    for col in COLUMNS {
        let _ = write!(m, " `{col}` |");
    }
    let _ = write!(m, "\n|---|---|---|");
    for _ in COLUMNS {
        let _ = write!(m, "---|");
    }
    let _ = writeln!(m);
    for (cell, s) in i.cells.iter().zip(&c.summaries) {
        let _ = write!(
            m,
            "| [{}]({}/report.md) | {} | {} |",
            cell.label,
            cell.dir,
            verdict_word(cell.verdict),
            held_by(*s)
        );
        for col in COLUMNS {
            let _ = write!(m, " {} |", cell_value(*s, col));
        }
        let _ = writeln!(m);
    }
    if let Some(f) = comparison {
        let _ = writeln!(m, "\n![{}]({}.svg)", f.title, f.name);
    }
    let _ = writeln!(m, "\n## {}\n", t!("sweep-shows"));
    for (label, line) in findings(c) {
        let _ = writeln!(m, "- `{label}`: {line}");
    }
    let _ = writeln!(m, "\n## {}\n", t!("sweep-each-cell"));
    for (cell, s) in i.cells.iter().zip(&c.summaries) {
        let _ = writeln!(m, "### {} — {}\n", cell.label, verdict_word(cell.verdict));
        match (s, &cell.error) {
            (Some(s), _) => {
                for line in s.notes.iter().chain(super::summary::sentences(s).iter()) {
                    let _ = writeln!(m, "- {line}");
                }
            }
            (None, Some(e)) => {
                let _ = writeln!(m, "- {}", t!("sweep-cell-did-not-run", error = e));
            }
            (None, None) => {}
        }
        let _ = writeln!(m);
    }
    m
}

/// The combined `report.html` of a sweep: one file, the comparison chart inline.
pub fn html(c: &Cells<'_>, comparison: Option<&Figure<'_>>) -> String {
    let i = c.index;
    let mut h = html_head(&format!("{} — {}", i.name, t!("sweep-a-sweep")));
    let _ = writeln!(
        h,
        "<h1>{} <small>{}</small></h1>",
        esc(&i.name),
        t!(
            "sweep-of-cells",
            cells = i18n::count(i.cells.len()).ungrouped()
        )
    );
    if let Some(d) = &crate::i18n::pick(&i.description, &i.description_es) {
        let _ = writeln!(h, "<p>{}</p>", esc(d));
    }
    let _ = write!(
        h,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th>",
        t!("sweep-col-cell"),
        t!("sweep-col-verdict"),
        t!("sweep-col-held-by")
    );
    // A metric's name may break after its dots and underscores: seven unbroken names made
    // the table wider than the page (seen in a browser at 1200 px).
    for col in COLUMNS {
        let _ = write!(
            h,
            "<th><code>{}</code></th>",
            esc(col).replace('.', ".<wbr>").replace('_', "_<wbr>")
        );
    }
    let _ = writeln!(h, "</tr>");
    for (cell, s) in i.cells.iter().zip(&c.summaries) {
        let class = match cell.verdict {
            Some(Verdict::Held) => "ok",
            _ => "fail",
        };
        let _ = write!(
            h,
            "<tr><td><a href=\"{}/report.html\">{}</a></td><td class=\"{class}\">{}</td><td>{}</td>",
            esc(&cell.dir),
            esc(&cell.label),
            verdict_word(cell.verdict),
            esc(&held_by(*s))
        );
        for col in COLUMNS {
            let _ = write!(h, "<td>{}</td>", esc(&cell_value(*s, col)));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table>");
    if let Some(f) = comparison {
        let _ = writeln!(h, "{}", f.html());
    }
    let _ = writeln!(h, "<h2>{}</h2><ul>", t!("sweep-shows"));
    for (label, line) in findings(c) {
        let _ = writeln!(h, "<li><code>{}</code>: {}</li>", esc(&label), esc(&line));
    }
    let _ = writeln!(h, "</ul>");
    for (cell, s) in i.cells.iter().zip(&c.summaries) {
        let _ = writeln!(
            h,
            "<h2>{} — {}</h2><ul>",
            esc(&cell.label),
            verdict_word(cell.verdict)
        );
        if let Some(s) = s {
            for line in s.notes.iter().chain(super::summary::sentences(s).iter()) {
                let _ = writeln!(h, "<li>{}</li>", esc(line));
            }
        } else if let Some(e) = &cell.error {
            let _ = writeln!(
                h,
                "<li>{}</li>",
                esc(&t!("sweep-cell-did-not-run", error = e))
            );
        }
        let _ = writeln!(h, "</ul>");
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, with};

    #[test]
    fn a_bad_index_is_said_in_both_languages() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("sweep.json");
        std::fs::write(
            &path,
            r#"{"format":99,"limitlab_version":"9.9","name":"x","description":null,"source":"x.toml","cells":[]}"#,
        )
        .unwrap();
        let err = |lang| with(lang, || SweepIndex::load(&path).unwrap_err().to_string());
        let p = path.display();
        let v = env!("CARGO_PKG_VERSION");
        assert_eq!(
            err(Lang::En),
            format!(
                "{p} holds results format 99 (written by limitlab 9.9); this limitlab {v} reads format {FORMAT_VERSION} only"
            )
        );
        assert_eq!(
            err(Lang::Es),
            format!(
                "{p} tiene resultados en el formato 99 (escritos por limitlab 9.9); este limitlab {v} solo lee el formato {FORMAT_VERSION}"
            )
        );
        std::fs::write(&path, "{}").unwrap();
        assert!(err(Lang::En).starts_with(&format!("{p} is not a limitlab sweep index: ")));
        assert!(
            err(Lang::Es).starts_with(&format!("{p} no es un índice de barrido de limitlab: "))
        );
    }
}
