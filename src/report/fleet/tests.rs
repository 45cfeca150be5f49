//! The fleet report in both languages: one fleet rendered in English (the sentences it has
//! always had, byte for byte) and in Spanish (every heading, header and sentence translated;
//! metric names, file names and node names as they are).

use std::path::PathBuf;

use super::chart::chart_title;
use super::*;
use crate::i18n::{self, Lang};

/// The stored run's summary as one JSON line, as node `node` ran `scenario` at `at`;
/// `peak` sets pids.peak, `kernel` the node's kernel, `verdict` a failed expectation
/// (`failed`) or a run that did not complete (`error`).
fn line(node: &str, scenario: &str, at: &str, peak: f64, kernel: &str, verdict: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/forkbomb-run/summary.json"
    );
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["host"]["node"] = node.into();
    v["scenario"]["name"] = scenario.into();
    v["started_at"] = at.into();
    v["metrics"]["pids.peak"] = peak.into();
    if !kernel.is_empty() {
        v["host"]["kernel"] = kernel.into();
    }
    match verdict {
        "failed" => {
            v["verdict"] = "failed".into();
            v["expectations"][0]["held"] = false.into();
            v["expectations"][0]["value"] = peak.into();
        }
        "error" => {
            v["verdict"] = "error".into();
            v["aborted"] = true.into();
        }
        _ => {}
    }
    serde_json::to_string(&v).unwrap()
}

/// Three nodes, two scenarios, six runs: n1 ran forkbomb twice and memhog; n2 (another
/// kernel) failed forkbomb and did not run memhog; n3's memhog did not complete.
fn fleet() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let lines = [
        line("n1", "forkbomb", "2026-01-01T00:00:00.000Z", 40.0, "", ""),
        line("n1", "forkbomb", "2026-01-01T00:00:01.000Z", 45.0, "", ""),
        line("n1", "memhog", "2026-01-01T00:00:02.000Z", 3.0, "", ""),
        line(
            "n2",
            "forkbomb",
            "2026-01-01T00:00:03.000Z",
            1500.0,
            "5.15.0",
            "failed",
        ),
        line("n3", "forkbomb", "2026-01-01T00:00:04.000Z", 50.0, "", ""),
        line("n3", "memhog", "2026-01-01T00:00:05.000Z", 3.0, "", "error"),
    ];
    let path = tmp.path().join("fleet.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    (tmp, path)
}

/// report.md, report.html and junit.xml of the fleet in `lang`.
fn rendered(lang: Lang) -> (String, String, String) {
    let (_tmp, path) = fleet();
    i18n::with(lang, || {
        let f = Fleet::load(&[path]).unwrap();
        let r = FleetReport::of(&f);
        (markdown(&r, &[]), html(&r, &[]), junit(&r))
    })
}

fn has_all(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "no {w:?} in:\n{text}");
    }
}

/// The headings and sentences of the English report that a Spanish one must not have.
const ENGLISH: &[&str] = &[
    "Fleet report",
    "Verdicts: nodes",
    "Where the nodes differ",
    "The worst node per metric",
    "<h2>Nodes</h2>",
    "## Nodes",
    "Verdict:",
    "node × scenario cells held",
    "did not complete",
    "have no run",
    "the same on every node",
    "DIFFERS",
    "worst of",
    "worst node",
    "fleet median",
    "best node",
    "what it measures",
    "what held it",
    ">verdict<",
    "| verdict |",
    "cgroup mode",
    "container runtime",
    "none (host)",
    "HELD",
    "FAILED",
    "peak 45",
];

#[test]
fn the_fleet_report_in_english_is_as_it_was() {
    let (md, html, junit) = rendered(Lang::En);
    has_all(
        &md,
        &[
            "# Fleet report: 3 nodes, 2 scenarios, 6 runs\n",
            "Verdict: **FAILED**. 3 of 5 node × scenario cells held, 1 FAILED, 1 did not complete; 1 cell has no run (a node did not run that scenario).\n",
            "## Verdicts: nodes × scenarios\n\n| node | forkbomb | memhog |\n",
            "| n1 | HELD (worst of 2) | HELD |\n| n2 | FAILED | — |\n| n3 | HELD | ERROR |\n",
            "## Where the nodes differ\n\n- kernel: DIFFERS: 5.15.0 on n2; 6.18.44-fc-v657 on n1, n3\n",
            "- container runtime: the same on every node: none (host)\n",
            "- limitlab version: the same on every node: ",
            "## The worst node per metric\n\n| scenario | metric | worst node | fleet median | best node |\n",
            "| forkbomb | `pids.peak` | n2 (1,500) | 50 | n1 (45) |\n",
            "| node | verdict | what held it | `pids.limit` |",
            "## Nodes\n\n| node | kernel | cgroup mode | container runtime | CPUs | limitlab |\n",
        ],
    );
    has_all(
        &html,
        &[
            "<html lang=\"en\">",
            "<title>Fleet report: 3 nodes, 2 scenarios, 6 runs — FAILED</title>",
            "<h2>Verdicts: nodes × scenarios</h2><table id=\"matrix\"><tr><th>node</th>",
            "<small>worst of 2</small><br><small>peak 45 / limit 50 tasks, fork p99 ",
            "<td class=\"cell missing\">no run</td>",
            "<h2>Where the nodes differ</h2>",
            "<h2>The worst node per metric</h2>",
            "<tr><th>scenario</th><th>metric</th><th>worst node</th><th>fleet median</th><th>best node</th><th>what it measures</th></tr>\n",
            "<table><tr><th>node</th><th>verdict</th><th>what held it</th>\n<th><code>pids.limit</code></th>",
            "<h2>Nodes</h2><table id=\"nodes\"><tr><th>node</th><th>kernel</th><th>cgroup mode</th><th>container runtime</th><th>CPUs</th><th>limitlab</th></tr>\n",
        ],
    );
    has_all(
        &junit,
        &[
            "message=\"on n2: pids.peak = 1,500, expected &lt;= 50\">on n2: pids.peak = 1,500, expected &lt;= 50 (from ",
            "<error type=\"run\" message=\"the run did not complete\">",
        ],
    );
    i18n::with(Lang::En, || {
        assert_eq!(chart_title("forkbomb", 3, 3), "forkbomb on 3 nodes");
        assert_eq!(chart_title("memhog", 1, 1), "memhog on 1 node");
        assert_eq!(
            chart_title("forkbomb", 24, 1000),
            "forkbomb: the 24 of 1000 nodes with the slowest host forks"
        );
    });
}

#[test]
fn the_fleet_report_in_spanish_says_everything_in_spanish() {
    let (md, html, junit) = rendered(Lang::Es);
    has_all(
        &md,
        &[
            "# Informe de la flota: 3 nodos, 2 escenarios, 6 ejecuciones\n",
            "Veredicto: **FALLIDO**. Se cumplieron 3 de 5 celdas nodo × escenario, 1 con veredicto FALLIDO, 1 sin terminar; 1 celda no tiene ejecución (un nodo no ejecutó ese escenario).\n",
            "## Veredictos: nodos × escenarios\n\n| nodo | forkbomb | memhog |\n",
            "| n1 | CUMPLIDO (la peor de 2) | CUMPLIDO |\n| n2 | FALLIDO | — |\n| n3 | CUMPLIDO | ERROR |\n",
            "## En qué difieren los nodos\n\n- kernel: DIFIERE: 5.15.0 en n2; 6.18.44-fc-v657 en n1, n3\n",
            "- runtime de contenedores: igual en todos los nodos: ninguno (en la máquina)\n",
            "- versión de limitlab: igual en todos los nodos: ",
            "## El peor nodo por métrica\n\n| escenario | métrica | peor nodo | mediana de la flota | mejor nodo |\n",
            "| forkbomb | `pids.peak` | n2 (1.500) | 50 | n1 (45) |\n",
            "| nodo | veredicto | qué la contuvo | `pids.limit` |",
            "## Nodos\n\n| nodo | kernel | modo de cgroups | runtime de contenedores | CPU | limitlab |\n",
        ],
    );
    has_all(
        &html,
        &[
            "<html lang=\"es\">",
            "<title>Informe de la flota: 3 nodos, 2 escenarios, 6 ejecuciones — FALLIDO</title>",
            "<h2>Veredictos: nodos × escenarios</h2><table id=\"matrix\"><tr><th>nodo</th>",
            "<small>la peor de 2</small><br><small>máximo 45 / límite 50 tareas, fork p99 ",
            "<td class=\"cell missing\">sin ejecución</td>",
            "<h2>En qué difieren los nodos</h2>",
            "<h2>El peor nodo por métrica</h2>",
            "<th>peor nodo</th><th>mediana de la flota</th><th>mejor nodo</th><th>qué mide</th>",
            "<h2>Nodos</h2>",
        ],
    );
    for text in [&md, &html] {
        for english in ENGLISH {
            assert!(!text.contains(english), "English {english:?} in:\n{text}");
        }
    }
    has_all(
        &junit,
        &[
            "message=\"en n2: pids.peak = 1.500, ",
            "(leído de ",
            "<error type=\"run\" message=\"la ejecución no terminó\">",
            // Names the CI reads stay as they are.
            "<testsuites name=\"limitlab fleet\"",
            "classname=\"limitlab.fleet.n2\" name=\"forkbomb\"",
        ],
    );
    i18n::with(Lang::Es, || {
        assert_eq!(chart_title("forkbomb", 3, 3), "forkbomb en 3 nodos");
        assert_eq!(chart_title("memhog", 1, 1), "memhog en 1 nodo");
        assert_eq!(
            chart_title("forkbomb", 24, 1000),
            "forkbomb: los 24 de 1.000 nodos con los forks de la máquina más lentos"
        );
    });
}

#[test]
fn the_fleet_errors_are_translated() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.jsonl");
    let logs = tmp.path().join("logs.jsonl");
    std::fs::write(&logs, "limitlab: starting\n").unwrap();
    let error = |lang, path: &PathBuf| {
        i18n::with(lang, || {
            Fleet::load(std::slice::from_ref(path))
                .unwrap_err()
                .to_string()
        })
    };
    assert!(error(Lang::En, &missing).ends_with(
        "nope.jsonl does not exist; give results folders (with summary.json beneath) or files of JSON lines"
    ));
    assert!(
        error(Lang::Es, &missing).ends_with("nope.jsonl no existe; pasa carpetas de resultados (con summary.json dentro) o archivos de líneas JSON")
    );
    assert!(
        error(Lang::En, &logs).contains(
            "holds no run summary (1 line that is not JSON skipped); expected one JSON line per run"
        ),
        "{}",
        error(Lang::En, &logs)
    );
    assert!(
        error(Lang::Es, &logs)
            .contains("no contiene ningún resumen de ejecución (1 línea omitida por no ser JSON)"),
        "{}",
        error(Lang::Es, &logs)
    );
    assert!(
        error(Lang::Es, &tmp.path().to_path_buf()).contains("no contiene ningún summary.json"),
        "{}",
        error(Lang::Es, &tmp.path().to_path_buf())
    );
}
