//! The HTML reports in a real browser (headless Chromium), in English and in Spanish: a
//! run's report, a sweep's and the coursework's. Each page must load without a console
//! message, show its verdict, hold every chart, and paint each chart (a screenshot, cut
//! into the charts' boxes, is not blank there). Screenshots stay in
//! target/ci-artifacts/browser/ for a person to look at.

mod common;

use std::path::Path;

use common::browser::{Browser, Page, artifacts};
use common::*;

/// The least share of a chart's box that must be painted: a chart draws a title, axes,
/// grid lines, a legend and its data on white (measured: 4-9 % on these reports); a box
/// that did not render is white (0 %), a chart that only says "not available" ~1 %.
const PAINTED: f64 = 0.02;

/// Re-renders a results folder's report in `lang`.
fn render(dir: &Path, lang: &str) {
    let o = limitlab()
        .args(["--lang", lang, "report"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

/// Opens `dir/report.html`, keeps its screenshot as `<name>-<lang>.png`, and checks what a
/// reader would see: no console message, the verdict, `charts` each present and painted,
/// and the words of `lang` (`says`).
fn check(b: &Browser, dir: &Path, name: &str, lang: &str, charts: &[&str], says: &[&str]) -> Page {
    let png = artifacts().join(format!("{name}-{lang}.png"));
    let page = b.check(&dir.join("report.html"), &png);
    assert!(
        page.console.is_empty(),
        "{name} ({lang}) logged to the console:\n{}",
        page.console.join("\n")
    );
    assert!(
        page.dom.contains(&format!("<html lang=\"{lang}\">")),
        "{name}: not marked as {lang}"
    );
    for s in says {
        assert!(page.dom.contains(s), "{name} ({lang}) does not say {s:?}");
    }
    assert!(
        page.width <= common::browser::WIDTH,
        "{name} ({lang}) is {} px wide at a {} px window: something overflows sideways, see {}",
        page.width,
        common::browser::WIDTH,
        page.png.display()
    );
    let ids: Vec<&str> = page.figures.iter().map(|(f, _)| f.id.as_str()).collect();
    let want: Vec<String> = charts.iter().map(|c| format!("chart-{c}")).collect();
    assert_eq!(ids, want, "{name} ({lang}): the charts on the page");
    for (f, painted) in &page.figures {
        assert!(
            f.w >= 300.0 && f.h >= 150.0,
            "{name} ({lang}): {} is laid out at {}x{}",
            f.id,
            f.w,
            f.h
        );
        assert!(
            *painted >= PAINTED,
            "{name} ({lang}): {} is blank ({:.1} % painted), see {}",
            f.id,
            painted * 100.0,
            page.png.display()
        );
    }
    eprintln!(
        "{name} ({lang}): {} px tall, charts painted {}; {}",
        page.height,
        page.figures
            .iter()
            .map(|(f, p)| format!("{} {:.1} %", f.id, p * 100.0))
            .collect::<Vec<_>>()
            .join(", "),
        page.png.display()
    );
    page
}

#[test]
fn the_browser_check_sees_console_errors_and_blank_charts() {
    let Some(b) = Browser::for_test("the_browser_check_sees_console_errors_and_blank_charts")
    else {
        return;
    };
    // The check itself can fail: a page with a script error and an empty chart box.
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("report.html");
    std::fs::write(
        &html,
        "<!DOCTYPE html><html lang=\"en\"><body><figure id=\"chart-empty\"><svg width=\"400\" height=\"200\"></svg></figure>\
         <figure id=\"chart-full\"><svg width=\"400\" height=\"200\"><rect width=\"400\" height=\"200\" fill=\"#0072b2\"/></svg></figure>\
         <script>console.error('broken'); missing();</script></body></html>",
    )
    .unwrap();
    let page = b.check(&html, &tmp.path().join("shot.png"));
    assert!(
        page.console.iter().any(|l| l.contains("broken")),
        "{:?}",
        page.console
    );
    assert!(
        page.console.iter().any(|l| l.contains("missing")),
        "{:?}",
        page.console
    );
    let painted: Vec<(&str, f64)> = page
        .figures
        .iter()
        .map(|(f, p)| (f.id.as_str(), *p))
        .collect();
    assert_eq!(painted.len(), 2);
    assert_eq!(painted[0], ("chart-empty", 0.0));
    assert!(painted[1].1 > 0.99, "{painted:?}");
}

#[test]
fn a_run_report_paints_in_a_real_browser_in_both_languages() {
    let Some(b) = Browser::for_test("a_run_report_paints_in_a_real_browser_in_both_languages")
    else {
        return;
    };
    // The stored fork bomb run (no root needed): its report, re-rendered in each language.
    let tmp = tempfile::tempdir().unwrap();
    for f in ["summary.json", "samples.csv", "events.csv", "workload.log"] {
        std::fs::copy(
            root().join("tests/fixtures/forkbomb-run").join(f),
            tmp.path().join(f),
        )
        .unwrap();
    }
    let charts = ["pids", "memory", "cpu", "psi", "host"];
    render(tmp.path(), "en");
    check(
        &b,
        tmp.path(),
        "run",
        "en",
        &charts,
        &[
            "HELD</span>",
            "What happened",
            "Tasks in the sandbox (pids.current)",
            "3,610",
        ],
    );
    render(tmp.path(), "es");
    check(
        &b,
        tmp.path(),
        "run",
        "es",
        &charts,
        &[
            "CUMPLIDO</span>",
            "Qué pasó",
            "Tareas en el sandbox (pids.current)",
            "3.610",
            "tiempo desde que empezó la carga (s)",
        ],
    );
}

#[test]
fn a_sweep_report_paints_in_a_real_browser_in_both_languages() {
    let Some(_lock) = exclusive("a_sweep_report_paints_in_a_real_browser_in_both_languages") else {
        return;
    };
    let Some(b) = Browser::for_test("a_sweep_report_paints_in_a_real_browser_in_both_languages")
    else {
        return;
    };
    let ran = run_text(
        "sweep",
        "duration = \"500ms\"\n[[workload]]\nkind = \"forkbomb\"\n[matrix]\n\"limits.pids\" = [20, 50]\n[expect]\n\"pids.peak\" = \"<= 50\"\n",
    );
    ran.expect_exit(0);
    check(
        &b,
        &ran.out,
        "sweep",
        "en",
        &["comparison"],
        &["HELD", "What the sweep shows", "Comparison of 2 runs"],
    );
    // A cell's own report, as the sweep table links it.
    let cell = ran.out.join("01-limits.pids-20");
    assert!(cell.join("report.html").is_file(), "{}", cell.display());
    render(&ran.out, "es");
    check(
        &b,
        &ran.out,
        "sweep",
        "es",
        &["comparison"],
        &[
            "CUMPLIDO",
            "Lo que muestra el barrido",
            "Comparación de 2 ejecuciones",
        ],
    );
    check(
        &b,
        &cell,
        "sweep-cell",
        "es",
        &["pids", "memory", "cpu", "psi", "host"],
        &["CUMPLIDO</span>", "Qué la contuvo: pids.max = 20."],
    );
    assert_nothing_left();
}

#[test]
fn the_coursework_report_paints_in_a_real_browser_in_both_languages() {
    let Some(_lock) = exclusive("the_coursework_report_paints_in_a_real_browser_in_both_languages")
    else {
        return;
    };
    let Some(b) =
        Browser::for_test("the_coursework_report_paints_in_a_real_browser_in_both_languages")
    else {
        return;
    };
    let ran = run_file(&root().join("scenarios/coursework.toml"));
    // The RLIMIT_NPROC cell counts every process of the sandbox's uid (nobody) on the
    // machine: where other sandboxes run as nobody at the same time (a shared machine), it
    // can fail to start; its report then says so, and the page must still be right.
    let code = ran.output.status.code();
    assert!(matches!(code, Some(0) | Some(4)), "{}", text(&ran.output));
    check(
        &b,
        &ran.out,
        "coursework",
        "en",
        &["comparison"],
        &[
            "What is a fork bomb, and how do you prevent it?",
            "What the sweep shows",
            "safety ceiling",
            "sandbox.rlimits.nproc=100",
        ],
    );
    render(&ran.out, "es");
    check(
        &b,
        &ran.out,
        "coursework",
        "es",
        &["comparison"],
        &[
            "¿Qué es una bomba fork y cómo se previene?",
            "Lo que muestra el barrido",
            "techo de seguridad de limitlab",
            "sandbox.rlimits.nproc=100",
            "Comparación de ",
        ],
    );
    assert_nothing_left();
}
