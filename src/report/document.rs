//! The report of a run, as `report.md` and as a single self-contained `report.html`
//! (inline CSS and SVG, no external asset, opens offline). Both are rendered from one
//! [`Doc`], built from the summary and the events alone.

use std::fmt::Write;

use super::summary::sentences;
use super::terminal::{format_value, verdict_word};
use crate::data::Event;
use crate::plan::expect::Outcome;
use crate::record::{Summary, Verdict};
use crate::{i18n, t, units};

/// A chart to show: its file stem (`pids`), a title, and its SVG.
#[derive(Debug, Clone, Copy)]
pub struct Figure<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub svg: &'a str,
}

impl Figure<'_> {
    /// The chart inline in an HTML page, as every report shows it: `id="chart-NAME"` for
    /// links and tests, its title as the label. The chart draws its own title, so there is
    /// no caption repeating it.
    pub fn html(&self) -> String {
        format!(
            "<figure id=\"chart-{}\" aria-label=\"{}\">{}</figure>",
            esc(self.name),
            esc(self.title),
            strip_xml_prolog(self.svg)
        )
    }
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
        t!(
            "doc-not-measured",
            names = names.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ")
        )
    })
}

/// Builds the document of one run.
pub fn build(s: &Summary, events: &[Event]) -> Doc {
    let plan = &s.scenario;
    let expectations = s
        .expectations
        .iter()
        .map(|o| {
            (
                o.metric.clone(),
                expectation_value(o, s),
                o.expected.clone(),
                o.held,
            )
        })
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
        description: plan.description_here(),
        facts: facts(s),
        expectations,
        sentences: what_happened(s),
        events: event_rows(events),
        numbers,
        not_measured,
    }
}

/// What ran: the scenario, its timing, workloads, limits and sandbox, and the host.
fn facts(s: &Summary) -> Vec<(String, String)> {
    let plan = &s.scenario;
    let mut facts = vec![
        (
            t!("fact-scenario"),
            format!("{} ({})", plan.name, plan.source.display()),
        ),
        (t!("fact-started"), s.started_at.clone()),
        (t!("fact-duration"), duration(s)),
        (t!("fact-workloads"), workloads(s)),
        (t!("fact-limits"), limits(s)),
    ];
    let ns: Vec<&str> = plan.sandbox.namespaces.iter().map(|n| n.name()).collect();
    facts.push((
        t!("fact-sandbox"),
        t!(
            "fact-sandbox-value",
            namespaces = ns.join(", "),
            uid = plan.sandbox.uid,
            gid = plan.sandbox.gid,
            seccomp = i18n::on_off(plan.sandbox.seccomp)
        ),
    ));
    facts.extend(host_facts(s));
    facts.push(("limitlab".into(), s.limitlab_version.clone()));
    facts
}

/// Each workload, with how long after the start it was started.
fn workloads(s: &Summary) -> String {
    s.scenario
        .workloads
        .iter()
        .map(|w| {
            let after = if w.start_after.is_zero() {
                String::new()
            } else {
                t!(
                    "fact-start-after",
                    after = units::format_duration(w.start_after)
                )
            };
            format!("{}{after}", w.spec.describe())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The limits as written, a memory size also in MiB or GiB.
fn limits(s: &Summary) -> String {
    if s.limits.is_empty() {
        return t!("fact-limits-none");
    }
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
}

/// The host: its name, kernel, cgroups, CPUs and memory; its node, container runtime and
/// where the cgroups came from, when known; where the PSI figures come from.
fn host_facts(s: &Summary) -> Vec<(String, String)> {
    let h = &s.host;
    let mut facts = vec![(
        t!("fact-host"),
        t!(
            "fact-host-value",
            hostname = h.hostname,
            kernel = h.kernel,
            cgroups = h
                .cgroup_mode
                .map(|m| m.text())
                .unwrap_or_else(|| t!("fact-cgroups-unknown")),
            cpus = crate::i18n::count(h.cpus).ungrouped(),
            memory = h
                .memory_bytes
                .map(|m| format!(", {}", units::format_size(m)))
                .unwrap_or_default()
        ),
    )];
    if let Some(node) = &h.node {
        facts.push((t!("fact-node"), node.clone()));
    }
    if let Some(runtime) = &h.runtime {
        facts.push((t!("fact-container-runtime"), runtime.clone()));
    }
    let granted = h.cgroup_grant.as_ref();
    if let Some(from) =
        crate::sandbox::cgroup::grant::source_line(granted, h.cgroup_source.as_deref())
    {
        facts.push((t!("fact-cgroups-from"), from));
    }
    facts.push((
        t!("fact-psi"),
        match h.psi_scope {
            crate::data::PsiScope::Cgroup => t!("fact-psi-cgroup"),
            crate::data::PsiScope::System => t!("fact-psi-system"),
            crate::data::PsiScope::None => t!("fact-psi-none"),
        },
    ));
    facts
}

/// The sentences of "what happened": why the run was aborted, the notes, what the numbers
/// say, and what the workload could see of the host.
fn what_happened(s: &Summary) -> Vec<String> {
    let mut said: Vec<String> = s.notes.clone();
    said.extend(sentences(s));
    if let Some(view) = &s.view {
        said.push(view.sentence());
    }
    if let Some(r) = &s.abort_reason {
        said.insert(0, t!("doc-aborted", reason = r));
    }
    said
}

/// The events as rows: (t, kind as events.csv spells it, detail).
fn event_rows(events: &[Event]) -> Vec<(String, String, String)> {
    events
        .iter()
        .map(|e| {
            (
                format!("{} ms", i18n::fixed(e.t_ms, 1)),
                format!("{:?}", e.kind),
                e.detail.clone(),
            )
        })
        .map(|(t, k, d)| (t, snake(&k), d))
        .collect()
}

/// An expectation's value as reports show it, or what its absence means.
pub fn expectation_value(o: &Outcome, s: &Summary) -> String {
    o.value
        .map(|v| format_value(&o.metric, v))
        .unwrap_or_else(|| unmeasured(s))
}

/// What an expectation without a value says: a run that did not complete (a workload that
/// could not start, say) measured nothing, which is not the kernel's doing.
pub fn unmeasured(s: &Summary) -> String {
    if s.aborted {
        t!("doc-unmeasured-aborted")
    } else {
        t!("doc-unavailable")
    }
}

/// How long the run was planned to last, and how long it lasted where that reads otherwise:
/// a run ends early when every workload has exited (an OOM-killed hog, a bomb that gave up).
fn duration(s: &Summary) -> String {
    let planned = units::format_duration(s.scenario.duration);
    let ran = s
        .metrics
        .get("run.duration_ms")
        .copied()
        .flatten()
        .map(|ms| units::format_duration(std::time::Duration::from_secs_f64(ms.max(0.0) / 1000.0)));
    match ran {
        Some(ran) if ran != planned => t!("fact-duration-value", planned = planned, ran = ran),
        _ => planned,
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
    let _ = writeln!(m, "## {}\n\n| | |\n|---|---|", t!("doc-what-ran"));
    for (k, v) in &d.facts {
        let _ = writeln!(m, "| {} | {} |", md_cell(k), md_cell(v));
    }
    let _ = writeln!(m, "\n## {}\n", t!("doc-verdict"));
    if d.expectations.is_empty() {
        let _ = writeln!(m, "{}", t!("doc-no-expectations"));
    } else {
        let _ = writeln!(
            m,
            "| {} | {} | {} | |\n|---|---|---|---|",
            t!("col-expectation"),
            t!("col-value"),
            t!("col-expected")
        );
        for (metric, v, want, held) in &d.expectations {
            let mark = if *held {
                t!("mark-held")
            } else {
                format!("**{}**", t!("verdict-failed"))
            };
            let _ = writeln!(
                m,
                "| `{metric}` | {} | {} | {mark} |",
                md_cell(v),
                md_cell(want)
            );
        }
    }
    let _ = writeln!(m, "\n## {}\n", t!("doc-what-happened"));
    for s in &d.sentences {
        let _ = writeln!(m, "- {s}");
    }
    if !figures.is_empty() {
        let _ = writeln!(m, "\n## {}\n", t!("doc-charts"));
        for f in figures {
            let _ = writeln!(m, "![{}]({}.svg)\n", f.title, f.name);
        }
        m.pop();
    }
    let _ = writeln!(
        m,
        "\n## {}\n\n| t | {} | {} |\n|---|---|---|",
        t!("doc-events"),
        t!("col-event"),
        t!("col-detail")
    );
    for (t, k, detail) in &d.events {
        let _ = writeln!(m, "| {t} | {k} | {} |", md_cell(detail));
    }
    let _ = writeln!(
        m,
        "\n## {}\n\n| {} | {} |\n|---|---|",
        t!("doc-key-numbers"),
        t!("col-metric"),
        t!("col-value")
    );
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
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body>\n",
        i18n::current().code(),
        esc(title)
    )
}

/// A verdict's class in [`CSS`]: `held`, `failed`, `error` (its badge's colour).
pub fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Held => "held",
        Verdict::Failed => "failed",
        Verdict::Error => "error",
    }
}

/// `report.html`: one file, charts inline.
pub fn html(d: &Doc, figures: &[Figure<'_>]) -> String {
    let class = verdict_class(d.verdict);
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
    let _ = writeln!(h, "<h2>{}</h2><table>", t!("doc-what-ran"));
    for (k, v) in &d.facts {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    let _ = writeln!(h, "</table><h2>{}</h2>", t!("doc-verdict"));
    if d.expectations.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", t!("doc-no-expectations"));
    } else {
        let _ = writeln!(
            h,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
            t!("col-expectation"),
            t!("col-value"),
            t!("col-expected")
        );
        for (metric, v, want, held) in &d.expectations {
            let mark = if *held {
                format!("<span class=\"ok\">{}</span>", t!("mark-held"))
            } else {
                format!("<span class=\"fail\">{}</span>", t!("verdict-failed"))
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
    let _ = writeln!(h, "<h2>{}</h2><ul>", t!("doc-what-happened"));
    for s in &d.sentences {
        let _ = writeln!(h, "<li>{}</li>", esc(s));
    }
    let _ = writeln!(h, "</ul>");
    if !figures.is_empty() {
        let _ = writeln!(h, "<h2>{}</h2>", t!("doc-charts"));
        for f in figures {
            let _ = writeln!(h, "{}", f.html());
        }
    }
    let _ = writeln!(
        h,
        "<h2>{}</h2><table><tr><th>t</th><th>{}</th><th>{}</th></tr>",
        t!("doc-events"),
        t!("col-event"),
        t!("col-detail")
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
    let _ = writeln!(h, "</table><h2>{}</h2><table>", t!("doc-key-numbers"));
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
