//! The report of a run, as `report.md` and as a single self-contained `report.html`
//! (inline CSS and SVG, no external asset, opens offline). Both are rendered from one
//! [`Doc`], built from the summary and the events alone.

use std::fmt::Write;

use super::summary::sentences;
use super::terminal::format_value;
use crate::record::{Event, Summary, Verdict};
use crate::units;

/// A chart to show: its file stem (`pids`), a title, and its SVG.
#[derive(Debug, Clone, Copy)]
pub struct Figure<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub svg: &'a str,
}

/// Everything a report shows, as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub title: String,
    pub verdict: Verdict,
    pub description: Option<String>,
    /// What ran: (label, value).
    pub facts: Vec<(String, String)>,
    /// (metric, value, expected, held)
    pub expectations: Vec<(String, String, String, bool)>,
    pub sentences: Vec<String>,
    /// (t, kind, detail)
    pub events: Vec<(String, String, String)>,
    /// (metric, value), for the metrics this run has a value of
    pub numbers: Vec<(String, String)>,
    /// The metrics without a value: no such workload or target in this run, or the kernel
    /// does not provide it. Named in one line, not a table row each.
    pub not_measured: Vec<String>,
}

/// The line under the key numbers naming the metrics without a value.
fn not_measured_line(names: &[String], code: impl Fn(&str) -> String) -> Option<String> {
    (!names.is_empty()).then(|| {
        format!(
            "Not measured in this run (no such workload or target, or not provided by this kernel): {}.",
            names.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ")
        )
    })
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Held => "HELD",
        Verdict::Failed => "FAILED",
        Verdict::Error => "ERROR",
    }
}

/// Builds the document of one run.
pub fn build(s: &Summary, events: &[Event]) -> Doc {
    let plan = &s.scenario;
    let mut facts = vec![
        (
            "scenario".to_string(),
            format!("{} ({})", plan.name, plan.source.display()),
        ),
        ("started".into(), s.started_at.clone()),
        ("duration".into(), units::format_duration(plan.duration)),
        (
            "workloads".into(),
            plan.workloads
                .iter()
                .map(|w| {
                    let after = if w.start_after.is_zero() {
                        String::new()
                    } else {
                        format!(" after {}", units::format_duration(w.start_after))
                    };
                    format!("{}{after}", w.spec.describe())
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    ];
    let limits = if s.limits.is_empty() {
        "none written".to_string()
    } else {
        s.limits
            .iter()
            .map(|l| match l.value.parse::<u64>() {
                Ok(bytes) if l.control.starts_with("memory.") && bytes >= 1 << 20 => {
                    format!(
                        "{} = {} ({})",
                        l.control,
                        l.value,
                        units::format_size(bytes)
                    )
                }
                _ => format!("{} = {}", l.control, l.value),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    facts.push(("limits (as written to the kernel)".into(), limits));
    let ns: Vec<&str> = plan.sandbox.namespaces.iter().map(|n| n.name()).collect();
    facts.push((
        "sandbox".into(),
        format!(
            "namespaces {}; uid {} gid {}; syscall filter {}",
            ns.join(", "),
            plan.sandbox.uid,
            plan.sandbox.gid,
            if plan.sandbox.seccomp { "on" } else { "off" }
        ),
    ));
    let h = &s.host;
    facts.push((
        "host".into(),
        format!(
            "{}, Linux {}, {}, {} CPUs{}",
            h.hostname,
            h.kernel,
            h.cgroup_mode
                .map(|m| m.to_string())
                .unwrap_or_else(|| "cgroups unknown".into()),
            h.cpus,
            h.memory_bytes
                .map(|m| format!(", {}", units::format_size(m)))
                .unwrap_or_default()
        ),
    ));
    if let Some(node) = &h.node {
        facts.push(("node".into(), node.clone()));
    }
    if let Some(runtime) = &h.runtime {
        facts.push(("container runtime".into(), runtime.clone()));
    }
    if let Some(from) = &h.cgroup_source {
        facts.push(("cgroups from".into(), from.clone()));
    }
    facts.push((
        "pressure (PSI)".into(),
        match h.psi_scope {
            crate::record::PsiScope::Cgroup => "the sandbox's own cgroup",
            crate::record::PsiScope::System => "system-wide (/proc/pressure)",
            crate::record::PsiScope::None => "not available on this kernel",
        }
        .into(),
    ));
    facts.push(("limitlab".into(), s.limitlab_version.clone()));

    let expectations = s
        .expectations
        .iter()
        .map(|o| {
            let v = o
                .value
                .map(|v| format_value(&o.metric, v))
                .unwrap_or_else(|| unmeasured(s).into());
            (o.metric.clone(), v, o.expected.clone(), o.held)
        })
        .collect();
    let mut said: Vec<String> = s.notes.clone();
    said.extend(sentences(s));
    if let Some(view) = &s.view {
        said.push(view.sentence());
    }
    if let Some(r) = &s.abort_reason {
        said.insert(0, format!("The run was aborted: {r}."));
    }
    let events = events
        .iter()
        .map(|e| {
            (
                format!("{:.1} ms", e.t_ms),
                format!("{:?}", e.kind),
                e.detail.clone(),
            )
        })
        .map(|(t, k, d)| (t, snake(&k), d))
        .collect();
    let numbers = s
        .metrics
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), format_value(k, (*v)?))))
        .collect();
    let not_measured = s
        .metrics
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k.clone())
        .collect();
    Doc {
        title: plan.name.clone(),
        verdict: s.verdict,
        description: plan.description.clone(),
        facts,
        expectations,
        sentences: said,
        events,
        numbers,
        not_measured,
    }
}

/// What an expectation without a value says: a run that did not complete (a workload that
/// could not start, say) measured nothing, which is not the kernel's doing.
pub fn unmeasured(s: &Summary) -> &'static str {
    if s.aborted {
        "not measured: the run did not complete"
    } else {
        "not available"
    }
}

/// `LimitHit` → `limit_hit`, the way events.csv spells it.
fn snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// `report.md`; charts are referenced as the `.svg` files beside it.
pub fn markdown(d: &Doc, figures: &[Figure<'_>]) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {} — {}\n", d.title, verdict_word(d.verdict));
    if let Some(desc) = &d.description {
        let _ = writeln!(m, "{desc}\n");
    }
    let _ = writeln!(m, "## What ran\n\n| | |\n|---|---|");
    for (k, v) in &d.facts {
        let _ = writeln!(m, "| {} | {} |", md_cell(k), md_cell(v));
    }
    let _ = writeln!(m, "\n## Verdict\n");
    if d.expectations.is_empty() {
        let _ = writeln!(m, "The scenario states no expectations.");
    } else {
        let _ = writeln!(m, "| expectation | value | expected | |\n|---|---|---|---|");
        for (metric, v, want, held) in &d.expectations {
            let mark = if *held { "held" } else { "**FAILED**" };
            let _ = writeln!(
                m,
                "| `{metric}` | {} | {} | {mark} |",
                md_cell(v),
                md_cell(want)
            );
        }
    }
    let _ = writeln!(m, "\n## What happened\n");
    for s in &d.sentences {
        let _ = writeln!(m, "- {s}");
    }
    if !figures.is_empty() {
        let _ = writeln!(m, "\n## Charts\n");
        for f in figures {
            let _ = writeln!(m, "![{}]({}.svg)\n", f.title, f.name);
        }
        m.pop();
    }
    let _ = writeln!(m, "\n## Events\n\n| t | event | detail |\n|---|---|---|");
    for (t, k, detail) in &d.events {
        let _ = writeln!(m, "| {t} | {k} | {} |", md_cell(detail));
    }
    let _ = writeln!(m, "\n## Key numbers\n\n| metric | value |\n|---|---|");
    for (k, v) in &d.numbers {
        let _ = writeln!(m, "| `{k}` | {} |", md_cell(v));
    }
    if let Some(line) = not_measured_line(&d.not_measured, |n| format!("`{n}`")) {
        let _ = writeln!(m, "\n{line}");
    }
    m
}

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The style of every HTML report.
pub const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1d2433;line-height:1.45}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #dde2ea;padding-bottom:.2em}\
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}td,th{border:1px solid #dde2ea;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f3f5f9}code{font-size:.95em}.badge{display:inline-block;padding:.15em .6em;border-radius:.3em;color:#fff;font-weight:600}\
.held{background:#1f8a4c}.failed{background:#c0392b}.error{background:#8e44ad}.ok{color:#1f8a4c;font-weight:600}.fail{color:#c0392b;font-weight:600}\
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#5a6478}";

/// The opening of an HTML document with the report style.
pub fn html_head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body>\n",
        esc(title)
    )
}

/// `report.html`: one file, charts inline.
pub fn html(d: &Doc, figures: &[Figure<'_>]) -> String {
    let class = match d.verdict {
        Verdict::Held => "held",
        Verdict::Failed => "failed",
        Verdict::Error => "error",
    };
    let mut h = html_head(&format!("{} — {}", d.title, verdict_word(d.verdict)));
    let _ = writeln!(
        h,
        "<h1>{} <span class=\"badge {class}\">{}</span></h1>",
        esc(&d.title),
        verdict_word(d.verdict)
    );
    if let Some(desc) = &d.description {
        let _ = writeln!(h, "<p>{}</p>", esc(desc));
    }
    let _ = writeln!(h, "<h2>What ran</h2><table>");
    for (k, v) in &d.facts {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    let _ = writeln!(h, "</table><h2>Verdict</h2>");
    if d.expectations.is_empty() {
        let _ = writeln!(h, "<p>The scenario states no expectations.</p>");
    } else {
        let _ = writeln!(
            h,
            "<table><tr><th>expectation</th><th>value</th><th>expected</th><th></th></tr>"
        );
        for (metric, v, want, held) in &d.expectations {
            let mark = if *held {
                "<span class=\"ok\">held</span>"
            } else {
                "<span class=\"fail\">FAILED</span>"
            };
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{mark}</td></tr>",
                esc(metric),
                esc(v),
                esc(want)
            );
        }
        let _ = writeln!(h, "</table>");
    }
    let _ = writeln!(h, "<h2>What happened</h2><ul>");
    for s in &d.sentences {
        let _ = writeln!(h, "<li>{}</li>", esc(s));
    }
    let _ = writeln!(h, "</ul>");
    if !figures.is_empty() {
        let _ = writeln!(h, "<h2>Charts</h2>");
        for f in figures {
            let _ = writeln!(
                h,
                "<figure>{}<figcaption>{}</figcaption></figure>",
                strip_xml_prolog(f.svg),
                esc(f.title)
            );
        }
    }
    let _ = writeln!(
        h,
        "<h2>Events</h2><table><tr><th>t</th><th>event</th><th>detail</th></tr>"
    );
    for (t, k, detail) in &d.events {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(t),
            esc(k),
            esc(detail)
        );
    }
    let _ = writeln!(h, "</table><h2>Key numbers</h2><table>");
    for (k, v) in &d.numbers {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            esc(k),
            esc(v)
        );
    }
    let _ = writeln!(h, "</table>");
    if let Some(line) = not_measured_line(&d.not_measured, |n| format!("<code>{}</code>", esc(n))) {
        let _ = writeln!(h, "<p>{line}</p>");
    }
    let _ = writeln!(h, "</body></html>");
    h
}

/// An SVG file's `<?xml ...?>` line does not belong inside HTML.
pub fn strip_xml_prolog(svg: &str) -> &str {
    match svg.trim_start().strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map(|(_, after)| after.trim_start())
            .unwrap_or(svg),
        None => svg,
    }
}
