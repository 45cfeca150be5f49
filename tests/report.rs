//! The report stage on stored results: everything it writes comes from the results folder
//! alone, so these tests need no root and no live system.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use limitlab::record::RunRecord;
use limitlab::report::{junit, load, summary};

fn fixture() -> PathBuf {
    root().join("tests/fixtures/forkbomb-run")
}

/// A copy of the fixture folder to write into.
fn copy_fixture() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["summary.json", "samples.csv", "events.csv", "workload.log"] {
        std::fs::copy(fixture().join(f), tmp.path().join(f)).unwrap();
    }
    tmp
}

#[test]
fn the_summary_is_recomputed_exactly_from_the_saved_samples() {
    let (stored, record) = load::run(&fixture()).unwrap();
    let again = summary::build(&record, Vec::new());
    // Every metric the stored summary has comes out the same (a newer limitlab may compute
    // more), and so do the expectations, the verdict and what held it.
    for (name, value) in &stored.metrics {
        assert_eq!(again.metrics.get(name), Some(value), "{name}");
    }
    assert_eq!(again.expectations, stored.expectations);
    assert_eq!(again.verdict, stored.verdict);
    assert_eq!(again.held_by, stored.held_by);
}

#[test]
fn report_reproduces_the_stored_markdown() {
    let tmp = copy_fixture();
    let o = limitlab().arg("report").arg(tmp.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let got = std::fs::read_to_string(tmp.path().join("report.md")).unwrap();
    let want =
        std::fs::read_to_string(root().join("tests/fixtures/forkbomb-run.report.md")).unwrap();
    assert_eq!(
        got, want,
        "report.md drifted from tests/fixtures/forkbomb-run.report.md"
    );
    for f in ["summary.json", "samples.csv", "events.csv"] {
        assert_eq!(
            std::fs::read(tmp.path().join(f)).unwrap(),
            std::fs::read(fixture().join(f)).unwrap(),
            "{f} is evidence and is never rewritten"
        );
    }
}

#[test]
fn the_html_report_is_self_contained() {
    let tmp = copy_fixture();
    let o = limitlab().arg("report").arg(tmp.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for external in [
        "src=", "href=", "<link", "<script", "url(", "@import", "http://", "https://",
    ] {
        let hits: Vec<&str> = html.matches(external).collect();
        // An inline SVG names its XML namespace; that is not a reference to load anything.
        let allowed = if external == "http://" {
            html.matches("xmlns=\"http://www.w3.org/").count()
        } else {
            0
        };
        assert!(hits.len() <= allowed, "{external} in report.html");
    }
    assert!(html.contains("<style>") && html.contains("pids.peak"));
}

#[test]
fn an_incompatible_results_format_is_refused() {
    let tmp = copy_fixture();
    let path = tmp.path().join("summary.json");
    let text =
        std::fs::read_to_string(&path)
            .unwrap()
            .replacen("\"format\": 1", "\"format\": 99", 1);
    std::fs::write(&path, text).unwrap();
    for args in [vec!["report"], vec!["compare", fixture().to_str().unwrap()]] {
        let o = limitlab().args(&args).arg(tmp.path()).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", common::text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("results format 99") && err.contains("reads format 1 only"),
            "{err}"
        );
    }
    let o = limitlab()
        .arg("report")
        .arg("/nonexistent-results")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// A copy of the fixture with its summary changed by `edit`.
fn edited(edit: impl Fn(&mut serde_json::Value)) -> tempfile::TempDir {
    let tmp = copy_fixture();
    let path = tmp.path().join("summary.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    tmp
}

fn compare(a: &Path, b: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let o = limitlab()
        .arg("compare")
        .arg(a)
        .arg(b)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn compare_passes_the_same_run_and_catches_regressions() {
    let (code, out) = compare(&fixture(), &fixture(), &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("no regression"), "{out}");

    // Teardown three times slower: past any tolerance in its bad direction.
    let slow = edited(|v| {
        let t = v["metrics"]["teardown.ms"].as_f64().unwrap();
        v["metrics"]["teardown.ms"] = serde_json::json!(t * 3.0 + 50.0);
    });
    let (code, out) = compare(&fixture(), slow.path(), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("REGRESSION") && out.contains("teardown.ms"),
        "{out}"
    );
    let (code, out) = compare(&fixture(), slow.path(), &["--tolerance", "100000"]);
    assert_eq!(code, Some(2), "{out}");

    // An expectation that held and now fails.
    let broken = edited(|v| {
        v["expectations"][0]["held"] = serde_json::json!(false);
    });
    let (code, out) = compare(&fixture(), broken.path(), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("expectation pids.peak <= 50 held in the baseline and fails now"),
        "{out}"
    );

    // Faster is better, never a regression; a describing metric changing is shown only.
    let better = edited(|v| {
        v["metrics"]["teardown.ms"] = serde_json::json!(0.0);
        v["metrics"]["pids.limit_hits"] = serde_json::json!(1.0);
    });
    let (code, out) = compare(&fixture(), better.path(), &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("better") && out.contains("changed"), "{out}");
}

/// A sweep folder of two cells, each a copy of the fixture run, the second edited by `edit`;
/// `drop_second` leaves the second cell's summary out (a cell that could not run).
fn sweep_of_fixture(edit: impl Fn(&mut serde_json::Value), drop_second: bool) -> tempfile::TempDir {
    use limitlab::report::sweep::{CellEntry, SweepIndex};
    let tmp = tempfile::tempdir().unwrap();
    let mut index = SweepIndex::new("forkbomb", None, None, Path::new("forkbomb.toml"));
    for (i, label) in ["limits.pids=100", "limits.pids=1000"]
        .into_iter()
        .enumerate()
    {
        let dir = format!("cell-{i}");
        let cell = tmp.path().join(&dir);
        std::fs::create_dir(&cell).unwrap();
        for f in ["summary.json", "samples.csv", "events.csv", "workload.log"] {
            std::fs::copy(fixture().join(f), cell.join(f)).unwrap();
        }
        if i == 1 {
            let path = cell.join("summary.json");
            if drop_second {
                std::fs::remove_file(&path).unwrap();
            } else {
                let mut v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                edit(&mut v);
                std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
            }
        }
        index.cells.push(CellEntry {
            label: label.into(),
            dir,
            verdict: Some(limitlab::record::Verdict::Held),
            error: None,
        });
    }
    index.write(&tmp.path().join("sweep.json")).unwrap();
    tmp
}

#[test]
fn report_and_compare_speak_spanish_when_asked() {
    // The host line says the cgroup mode in Spanish; summary.json keeps "hybrid".
    let tmp = copy_fixture();
    let o = limitlab()
        .args(["--lang", "es", "report"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let md = std::fs::read_to_string(tmp.path().join("report.md")).unwrap();
    assert!(
        md.contains("cgroup v1 híbrido (controladores v1 + árbol cgroup2), 2 CPU"),
        "{md}"
    );
    let json = std::fs::read_to_string(tmp.path().join("summary.json")).unwrap();
    assert!(json.contains("\"cgroup_mode\": \"hybrid\""), "{json}");
    // compare's table: its words, lines and total; the metric names stay.
    let (code, out) = compare(&fixture(), &fixture(), &["--lang", "es"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("  ninguna métrica se movió más de 10 %\nninguna regresión\n"),
        "{out}"
    );
    let slow = edited(|v| {
        let t = v["metrics"]["teardown.ms"].as_f64().unwrap();
        v["metrics"]["teardown.ms"] = serde_json::json!(t * 3.0 + 50.0);
    });
    let (code, out) = compare(&fixture(), slow.path(), &["--lang", "es"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("  REGRESIÓN   teardown.ms") && out.ends_with("\n1 regresión\n"),
        "{out}"
    );
}

#[test]
fn compare_of_sweeps_matches_cells_and_counts_a_lost_cell() {
    let base = sweep_of_fixture(|_| {}, false);
    let (code, out) = compare(base.path(), base.path(), &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("limits.pids=100:") && out.contains("limits.pids=1000:"),
        "{out}"
    );
    assert!(out.contains("no regression"), "{out}");

    // One cell's teardown three times slower: that cell, and only it, regressed.
    let slow = sweep_of_fixture(
        |v| {
            let t = v["metrics"]["teardown.ms"].as_f64().unwrap();
            v["metrics"]["teardown.ms"] = serde_json::json!(t * 3.0 + 50.0);
        },
        false,
    );
    let (code, out) = compare(base.path(), slow.path(), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("1 regression(s)"), "{out}");
    let cell = &out[out.find("limits.pids=1000:").unwrap()..];
    assert!(
        cell.contains("REGRESSION") && cell.contains("teardown.ms"),
        "{out}"
    );

    // A cell the baseline proved and the current sweep has no summary of.
    let lost = sweep_of_fixture(|_| {}, true);
    let (code, out) = compare(base.path(), lost.path(), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("limits.pids=1000:\n  REGRESSION  in the baseline, but the current results have no summary of it"),
        "{out}"
    );
    // The other way round, a new cell is only not compared.
    let (code, out) = compare(lost.path(), base.path(), &[]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn junit_has_one_case_per_expectation() {
    let s = load::summary(&fixture().join("summary.json")).unwrap();
    let mut failing = s.clone();
    failing.expectations[1].held = false;
    failing.verdict = limitlab::record::Verdict::Failed;
    let xml = junit::render(&[
        junit::Entry {
            summary: &s,
            results: "a".into(),
        },
        junit::Entry {
            summary: &failing,
            results: "b".into(),
        },
    ]);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("6"));
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("errors"), Some("0"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 2);
    let cases: Vec<_> = suites[1]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 3);
    assert!(cases[1].children().any(|n| n.has_tag_name("failure")));
    assert_eq!(cases[0].attribute("name"), Some("pids.peak <= 50"));
}

#[test]
fn junit_texts_follow_the_language_and_its_xml_does_not() {
    use limitlab::i18n::{Lang, with};
    let mut failing = load::summary(&fixture().join("summary.json")).unwrap();
    failing.expectations[1].held = false;
    failing.verdict = limitlab::record::Verdict::Failed;
    let mut leaked = failing.clone();
    leaked.verdict = limitlab::record::Verdict::Error;
    leaked.abort_reason = None;
    leaked.teardown.leaked_processes = 2;
    let xml = |lang| {
        with(lang, || {
            junit::render(&[
                junit::Entry {
                    summary: &failing,
                    results: "a".into(),
                },
                junit::Entry {
                    summary: &leaked,
                    results: "b".into(),
                },
            ])
        })
    };
    let en = xml(Lang::En);
    for text in [
        "<failure type=\"expectation\" message=\"pids.limit_hits = 3,610, expected &gt;= 1\">pids.limit_hits = 3,610, expected &gt;= 1</failure>",
        "<error type=\"run\" message=\"teardown left 2 things behind\">",
    ] {
        assert!(en.contains(text), "{text} in\n{en}");
    }
    let es = xml(Lang::Es);
    for text in [
        "<failure type=\"expectation\" message=\"pids.limit_hits = 3.610, se esperaba &gt;= 1\">pids.limit_hits = 3.610, se esperaba &gt;= 1</failure>",
        "<error type=\"run\" message=\"el desmontaje dejó atrás 2 cosas\">",
        // The names CI reads stay as they are.
        "<testcase classname=\"limitlab.forkbomb\" name=\"pids.limit_hits &gt;= 1\">",
    ] {
        assert!(es.contains(text), "{text} in\n{es}");
    }
    leaked.teardown.leaked_processes = 1;
    let one = with(Lang::Es, || {
        junit::render(&[junit::Entry {
            summary: &leaked,
            results: "c".into(),
        }])
    });
    assert!(
        one.contains("message=\"el desmontaje dejó atrás 1 cosa\""),
        "{one}"
    );
}

#[test]
fn a_truncated_last_sample_row_is_tolerated() {
    let tmp = copy_fixture();
    let path = tmp.path().join("samples.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = &text[..text.len() - 20];
    std::fs::write(&path, cut).unwrap();
    let full: RunRecord = load::run(&fixture()).unwrap().1;
    let (_, r) = load::run(tmp.path()).unwrap();
    assert_eq!(
        r.samples.len(),
        full.samples.len() - 1,
        "the cut row is dropped, the rest kept"
    );
}

/// Reads a run folder into memory, as `limitlab run` holds a run: its summary and charts.
fn in_memory(
    dir: &Path,
) -> (
    limitlab::record::Summary,
    Vec<limitlab::report::charts::Chart>,
) {
    let (stored, record) = load::run(dir).unwrap();
    let mut s = summary::build(&record, Vec::new());
    s.limitlab_version = stored.limitlab_version;
    (s, limitlab::report::charts::render_run(&record).unwrap())
}

/// Asserts that `limitlab report`'s streamed pass over `dir` (which it rewrites) gives the
/// summary and the charts the in-memory path gives.
fn assert_streaming_agrees(dir: &Path) {
    let (want, charts) = in_memory(dir);
    let got = limitlab::report::rebuild_run(dir).unwrap();
    assert_eq!(
        serde_json::to_value(&got).unwrap(),
        serde_json::to_value(&want).unwrap(),
        "the streamed summary differs from the in-memory one"
    );
    for c in &charts {
        let svg = std::fs::read_to_string(dir.join(format!("{}.svg", c.name))).unwrap();
        assert!(svg == c.svg, "{}.svg differs between the two paths", c.name);
        let png = std::fs::read(dir.join(format!("{}.png", c.name))).unwrap();
        assert!(png == c.png, "{}.png differs between the two paths", c.name);
    }
}

#[test]
fn streaming_the_samples_gives_the_in_memory_summary_and_charts_on_a_real_run() {
    let tmp = copy_fixture();
    assert_streaming_agrees(tmp.path());
}

#[test]
fn streaming_the_samples_gives_the_in_memory_summary_and_charts_on_generated_runs() {
    use limitlab::data::stream::{EventLog, SampleWriter};
    // Lengths around the parser's blocks and batches, and a made-up run with gaps, a probe
    // that failed, a target and the phase ending before the last samples.
    for n in [1, 2, 3, 999, 20_000] {
        let mut record = limitlab::report::charts::synthetic::run(n);
        for (i, s) in record.samples.iter_mut().enumerate() {
            if i % 7 == 3 {
                s.memory_bytes = None;
                s.pids_current = None;
            }
            if i % 13 == 0 {
                s.host_fork_failures = Some(i as u64 / 13);
                s.target_pids_max_events = Some(i as u64 / 5 + 40);
                s.target_pids_current = Some(i as u64 % 90);
            }
            s.pids_peak = (i % 2 == 0).then_some(100);
        }
        record.workload_end_ms = record.samples[n / 2].t_ms;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut w = SampleWriter::create(&dir.join("samples.csv")).unwrap();
        record.samples.iter().for_each(|s| w.write(s).unwrap());
        w.finish().unwrap();
        let events = EventLog::create(Some(&dir.join("events.csv"))).unwrap();
        for e in &record.events {
            events.record_at(e.t_ms, e.kind, e.detail.clone());
        }
        events.finish().unwrap();
        summary::write(
            &dir.join("summary.json"),
            &summary::build(&record, Vec::new()),
        )
        .unwrap();
        assert_streaming_agrees(dir);
    }
}

#[test]
fn a_samples_file_cut_short_streams_like_it_loads() {
    // A run killed mid-write leaves a last row cut short: both paths keep every row before
    // it, and the streamed time axis is the one those rows span.
    let tmp = copy_fixture();
    let path = tmp.path().join("samples.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = text.trim_end().rfind(',').unwrap();
    std::fs::write(&path, &text[..cut]).unwrap();
    assert_streaming_agrees(tmp.path());
    // A damaged row in the middle ends the samples there, for both.
    let mut lines: Vec<&str> = text.lines().collect();
    let middle = lines.len() / 2;
    lines[middle] = "12.5,oops";
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    assert_streaming_agrees(tmp.path());
    let (s, _) = in_memory(tmp.path());
    assert_eq!(
        s.metrics["sampling.samples"],
        Some((middle - 1) as f64),
        "the rows before the damaged one"
    );
}

/// The exporters' exact text: the fixture run, read back and written again, is the same
/// bytes (samples.csv row by row, summary.json as a whole).
#[test]
fn samples_and_summary_are_written_back_byte_for_byte() {
    use limitlab::data::stream::SampleWriter;
    let (stored, record) = load::run(&fixture()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("samples.csv");
    let mut w = SampleWriter::create(&csv).unwrap();
    for s in &record.samples {
        w.write(s).unwrap();
    }
    w.finish().unwrap();
    // The fixture predates the target columns at the end: this version writes them empty.
    let written = std::fs::read_to_string(&csv).unwrap();
    let stored_csv = std::fs::read_to_string(fixture().join("samples.csv")).unwrap();
    let (header, old_header) = (
        written.lines().next().unwrap(),
        stored_csv.lines().next().unwrap(),
    );
    let added = header
        .strip_prefix(old_header)
        .unwrap_or_else(|| panic!("columns are only ever added at the end: {header}"));
    let empty = ",".repeat(added.matches(',').count());
    let expected: String = std::iter::once(header.to_string())
        .chain(
            stored_csv
                .lines()
                .skip(1)
                .map(|row| format!("{row}{empty}")),
        )
        .map(|l| l + "\n")
        .collect();
    assert_eq!(written, expected);
    let json = tmp.path().join("summary.json");
    summary::write(&json, &stored).unwrap();
    assert_eq!(
        std::fs::read_to_string(&json).unwrap(),
        std::fs::read_to_string(fixture().join("summary.json")).unwrap()
    );
}
