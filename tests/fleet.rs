//! `limitlab merge` and `compare` on fleets: real runs on this machine labelled as different
//! nodes, merged into one fleet report, checked as Markdown, JUnit and in a real browser.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::browser::{Browser, artifacts};
use common::{exclusive, limitlab, root, text};

/// The fixture's summary as JSON, labelled with `node` (and a start time of its own, so
/// runs of one node are distinct).
fn fixture_line(node: &str, scenario: &str, at: &str) -> String {
    let text = std::fs::read_to_string(root().join("tests/fixtures/forkbomb-run/summary.json"))
        .expect("fixture");
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["host"]["node"] = node.into();
    v["scenario"]["name"] = scenario.into();
    v["started_at"] = at.into();
    serde_json::to_string(&v).unwrap()
}

fn merge(args: &[&Path], out: &Path) -> Output {
    limitlab()
        .arg("merge")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("limitlab runs")
}

#[test]
fn merge_refuses_bad_input_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fleet");

    let missing = tmp.path().join("nope.jsonl");
    let o = merge(&[&missing], &out);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("does not exist"), "{}", text(&o));

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = merge(&[&empty], &out);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("holds no summary.json"), "{}", text(&o));

    // A line that starts like JSON but is not: named by file and line.
    let bad = tmp.path().join("bad.jsonl");
    let good = fixture_line("n1", "forkbomb", "2026-01-01T00:00:00.000Z");
    std::fs::write(&bad, format!("{good}\n{{\"format\": 1, oops\n")).unwrap();
    let o = merge(&[&bad], &out);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{}:2: not a JSON line", bad.display())),
        "{}",
        text(&o)
    );

    // Another results format: said, with the line.
    let other = tmp.path().join("other.jsonl");
    std::fs::write(&other, good.replacen("\"format\":1", "\"format\":99", 1)).unwrap();
    let o = merge(&[&other], &out);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(":1 holds results format 99"),
        "{}",
        text(&o)
    );

    // Only log lines: no summary.
    let logs = tmp.path().join("logs.jsonl");
    std::fs::write(&logs, "limitlab: starting\nsomething else\n").unwrap();
    let o = merge(&[&logs], &out);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("holds no run summary"), "{}", text(&o));
    assert!(!out.join("report.html").exists());
}

#[test]
fn merge_reads_kubectl_logs_and_compare_finds_a_missing_node() {
    let tmp = tempfile::tempdir().unwrap();
    // What `kubectl logs --prefix` gives: log lines (skipped), prefixed JSON lines.
    let logs = tmp.path().join("fleet.jsonl");
    let lines = [
        "limitlab: a log line on stderr".to_string(),
        format!(
            "[pod/limitlab-x/limitlab] {}",
            fixture_line("n1", "forkbomb", "2026-01-01T00:00:00.000Z")
        ),
        fixture_line("n2", "forkbomb", "2026-01-01T00:00:01.000Z"),
        fixture_line("n2", "memhog", "2026-01-01T00:00:02.000Z"),
    ];
    std::fs::write(&logs, lines.join("\n") + "\n").unwrap();
    let out = tmp.path().join("fleet");
    let o = merge(&[&logs, &logs], &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("2 nodes, 2 scenarios, 3 runs"), "{stdout}");
    assert!(
        stdout.contains("3 runs read twice counted once"),
        "{stdout}"
    );
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let cases: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            format!(
                "{} {}",
                n.attribute("classname").unwrap(),
                n.attribute("name").unwrap()
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            "limitlab.fleet.n1 forkbomb",
            "limitlab.fleet.n2 forkbomb",
            "limitlab.fleet.n2 memhog"
        ]
    );

    // The current fleet without n2: a regression per scenario n2 had, and n2 named.
    let current = tmp.path().join("current.jsonl");
    std::fs::write(&current, &lines[1]).unwrap();
    let o = limitlab()
        .args(["compare"])
        .arg(&logs)
        .arg(&current)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("node n2: REGRESSION  in the baseline fleet, missing from the current one"),
        "{stdout}"
    );
    assert!(stdout.contains("2 regression(s)"), "{stdout}");
    // The same fleet against itself: nothing moved.
    let o = limitlab()
        .args(["compare"])
        .arg(&logs)
        .arg(&logs)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("n1: forkbomb:"));
}

/// `merge` of the fixture's JSON lines with the language picked by `how` (an argument or
/// the environment), the locale variables of this process taken away first.
fn merge_in(how: &[(&str, &str)], args: &[&Path], out: &Path) -> Output {
    let mut c = limitlab();
    for var in ["LIMITLAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        c.env_remove(var);
    }
    for (k, v) in how {
        if k.starts_with("--") {
            c.args([k, v]);
        } else {
            c.env(k, v);
        }
    }
    c.arg("merge")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("limitlab runs")
}

/// The headings and words of the English fleet report, none of which a Spanish one has.
const ENGLISH_HEADINGS: &[&str] = &[
    "Fleet report",
    "Verdict:",
    "Verdicts: nodes × scenarios",
    "Where the nodes differ",
    "The worst node per metric",
    "No metric differs between nodes",
    "<h2>Nodes</h2>",
    "## Nodes",
    "node × scenario cells held",
    "the same on every node",
    "what held it",
    "container runtime",
    "cgroup mode",
    "no run<",
    "HELD",
    "FAILED",
];

#[test]
fn merge_writes_the_fleet_report_in_spanish_with_lang_es_or_the_locale() {
    let tmp = tempfile::tempdir().unwrap();
    let lines = tmp.path().join("fleet.jsonl");
    let runs = [
        fixture_line("n1", "forkbomb", "2026-01-01T00:00:00.000Z"),
        fixture_line("n2", "forkbomb", "2026-01-01T00:00:01.000Z"),
        fixture_line("n2", "memhog", "2026-01-01T00:00:02.000Z"),
    ];
    std::fs::write(&lines, runs.join("\n") + "\n").unwrap();

    // English, with no language asked for: as it always was.
    let out = tmp.path().join("en");
    let o = merge_in(&[("LANG", "C.UTF-8")], &[&lines], &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with(
            "HELD: 2 nodes, 2 scenarios, 3 runs: 3 held, 0 failed, 0 did not complete\nreport: "
        ),
        "{stdout}"
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.starts_with("# Fleet report: 2 nodes, 2 scenarios, 3 runs\n\nVerdict: **HELD**. 3 of 3 node × scenario cells held; 1 cell has no run (a node did not run that scenario).\n"), "{md}");
    assert!(md.contains("\n## The worst node per metric\n\nNo metric differs between nodes (or fewer than two nodes ran each scenario).\n"), "{md}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(html.contains("<h2>Where the nodes differ</h2>"), "{html}");

    for (how, name) in [
        (&[("--lang", "es")][..], "lang"),
        (&[("LANG", "es_CO.UTF-8")][..], "locale"),
    ] {
        let out = tmp.path().join(name);
        let o = merge_in(how, &[&lines], &out);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.starts_with("CUMPLIDO: 2 nodos, 2 escenarios, 3 ejecuciones: 3 cumplidas, 0 fallidas, 0 sin terminar\ninforme: "),
            "{name}: {stdout}"
        );
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        for want in [
            "# Informe de la flota: 2 nodos, 2 escenarios, 3 ejecuciones\n",
            "Veredicto: **CUMPLIDO**. Se cumplieron 3 de 3 celdas nodo × escenario; 1 celda no tiene ejecución (un nodo no ejecutó ese escenario).\n",
            "## Veredictos: nodos × escenarios\n",
            "| n1 | CUMPLIDO | — |",
            "## En qué difieren los nodos\n",
            "- kernel: igual en todos los nodos: ",
            "## El peor nodo por métrica\n\nNinguna métrica difiere entre los nodos",
            "| nodo | veredicto | qué la contuvo | `pids.limit` |",
            "## Nodos\n",
            "![forkbomb en 2 nodos](nodes-1.svg)",
        ] {
            assert!(md.contains(want), "{name}: no {want:?} in:\n{md}");
        }
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        for want in [
            "<html lang=\"es\">",
            "<h1>Informe de la flota: 2 nodos, 2 escenarios, 3 ejecuciones <span class=\"badge held\">CUMPLIDO</span></h1>",
            "<h2>Veredictos: nodos × escenarios</h2>",
            "<td class=\"cell missing\">sin ejecución</td>",
            "<h2>En qué difieren los nodos</h2>",
            "<h2>El peor nodo por métrica</h2>",
            "<h2>Nodos</h2>",
            "<small>máximo 50 / límite 50 tareas, fork p99 ",
        ] {
            assert!(html.contains(want), "{name}: no {want:?} in:\n{html}");
        }
        for english in ENGLISH_HEADINGS {
            assert!(
                !md.contains(english),
                "{name}: English {english:?} in:\n{md}"
            );
            assert!(
                !html.contains(english),
                "{name}: English {english:?} in:\n{html}"
            );
        }
        let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
        assert!(junit.contains("classname=\"limitlab.fleet.n2\" name=\"memhog\""));
    }

    // An error, in Spanish too.
    let o = merge_in(
        &[("--lang", "es")],
        &[&tmp.path().join("nope.jsonl")],
        &tmp.path().join("x"),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("nope.jsonl no existe; pasa carpetas de resultados"),
        "{}",
        text(&o)
    );
}

/// A scenario whose expectation fails: the fork bomb stays under 100, not under 5.
const TOO_STRICT: &str = r#"
name = "forkbomb"
duration = "2s"
[limits]
pids = 100
[[workload]]
kind = "forkbomb"
style = "classic"
[expect]
"pids.peak" = "<= 5"
"#;

#[test]
fn fleet_of_real_runs_renders_in_a_browser() {
    let Some(_lock) = exclusive("fleet_of_real_runs_renders_in_a_browser") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let forkbomb = root().join("scenarios/forkbomb.toml");
    let memhog = root().join("scenarios/memhog.toml");
    // node-a and node-b: JSON lines on stdout (--node, and NODE_NAME as the Downward API
    // sets it); node-c: a results folder, with an expectation that fails.
    let run = |node: &str, by_env: bool, scenarios: &[&Path], out: &Path| -> Output {
        let mut c = limitlab();
        c.args(["run", "--format", "json", "--out"]).arg(out);
        if by_env {
            c.env("NODE_NAME", node);
        } else {
            c.args(["--node", node]);
        }
        c.args(scenarios).output().expect("limitlab runs")
    };
    let a = run(
        "node-a",
        false,
        &[&forkbomb, &memhog],
        &tmp.path().join("a"),
    );
    assert_eq!(a.status.code(), Some(0), "{}", text(&a));
    let b = run("node-b", true, &[&forkbomb], &tmp.path().join("b"));
    assert_eq!(b.status.code(), Some(0), "{}", text(&b));
    let strict = common::scenario(tmp.path(), "strict", TOO_STRICT);
    let c = run("node-c", false, &[&strict], &tmp.path().join("c"));
    assert_eq!(c.status.code(), Some(1), "{}", text(&c));
    // What these runs left: their own teardown reports (each scenario expects
    // teardown.leaked == 0) and limitlab cgroups whose harness is gone. (The machine-wide
    // process check would count other suites' containers running at the same time.)
    let dead = common::dead_cgroups();
    assert!(dead.is_empty(), "limitlab cgroups left behind: {dead:?}");

    let (a_file, b_file) = json_lines_per_node(tmp.path(), &a, &b);

    let out = tmp.path().join("fleet");
    let o = merge(&[&a_file, &b_file, &tmp.path().join("c")], &out);
    assert_eq!(o.status.code(), Some(1), "node-c failed: {}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("3 nodes, 2 scenarios, 4 runs"), "{stdout}");
    assert!(stdout.contains("FAILED node-c: forkbomb"), "{stdout}");

    check_fleet_files(&out);
    check_fleet_html(&out);
}

/// One JSON line per run, each with its node; written to a file per node for `merge`.
fn json_lines_per_node(dir: &Path, a: &Output, b: &Output) -> (PathBuf, PathBuf) {
    // One JSON line per run, each with its node.
    let a_lines: Vec<serde_json::Value> = String::from_utf8_lossy(&a.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(a_lines.len(), 2, "{}", text(a));
    assert!(a_lines.iter().all(|v| v["host"]["node"] == "node-a"));
    for v in &a_lines {
        assert_eq!(v["teardown"]["leaked_processes"], 0, "{v}");
    }
    let a_file = dir.join("node-a.jsonl");
    std::fs::write(&a_file, &a.stdout).unwrap();
    let b_file = dir.join("node-b.jsonl");
    std::fs::write(&b_file, &b.stdout).unwrap();

    (a_file, b_file)
}

/// The fleet's Markdown and JUnit: a row per node, the worst node, one test case per run.
fn check_fleet_files(out: &Path) {
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| node-c | FAILED | —"), "{md}");
    assert!(md.contains("| node-a | HELD | HELD |"), "{md}");
    assert!(md.contains("## The worst node per metric"), "{md}");
    assert!(md.contains("- kernel: the same on every node"), "{md}");

    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let suites = doc.root_element();
    assert_eq!(suites.attribute("tests"), Some("4"));
    assert_eq!(suites.attribute("failures"), Some("1"));
    let failed: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .map(|n| n.attribute("message").unwrap())
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].starts_with("on node-c: pids.peak = "),
        "{failed:?}"
    );
}

/// The fleet's HTML report: self-contained, and in a real browser a chart per scenario,
/// painted, and a cell per node x scenario with its verdict.
fn check_fleet_html(out: &Path) {
    let html = out.join("report.html");
    let body = std::fs::read_to_string(&html).unwrap();
    assert!(
        !body.contains("src=\"http") && !body.contains("href=\"http"),
        "the report is self-contained"
    );
    let Some(browser) = Browser::for_test("fleet_of_real_runs_renders_in_a_browser") else {
        return;
    };
    let page = browser.check(&html, &artifacts().join("fleet.png"));
    assert!(
        page.console.is_empty(),
        "the fleet report logged to the console:\n{}",
        page.console.join("\n")
    );
    assert!(
        page.width <= common::browser::WIDTH,
        "the fleet report is {} px wide at a {} px window, see {}",
        page.width,
        common::browser::WIDTH,
        page.png.display()
    );
    let ids: Vec<&str> = page.figures.iter().map(|(f, _)| f.id.as_str()).collect();
    assert_eq!(
        ids,
        ["chart-nodes-1", "chart-nodes-2"],
        "a chart per scenario"
    );
    for (f, painted) in &page.figures {
        assert!(
            *painted >= 0.02,
            "{} is blank ({:.1} % painted), see {}",
            f.id,
            painted * 100.0,
            page.png.display()
        );
    }
    let dom = &page.dom;
    // The browser parsed the matrix: one cell per node x scenario that ran, with verdicts.
    let verdicts: Vec<&str> = dom
        .split("data-verdict=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(verdicts, ["held", "held", "held", "failed"], "{dom}");
    assert_eq!(dom.matches("<svg").count(), 2, "a chart per scenario");
    assert!(
        dom.contains("no run"),
        "node-b and node-c did not run memhog"
    );
}
