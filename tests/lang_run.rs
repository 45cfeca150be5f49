//! A run made with `--lang es` is Spanish all the way down: what the workload saw and the
//! events in report.md, the details of events.csv, the charts' event labels, and what the
//! sandbox's own processes say (the harness hands them its language in LIMITLAB_LANG). The
//! same run with `--lang en` reads as it always did, and summary.json keeps its data in
//! English in both.

mod common;

use std::path::Path;

use common::*;

/// `limitlab --lang LANG run --quiet --out OUT FILE`, with no language from the
/// environment (only `--lang` decides).
fn run_in(lang: &str, file: &Path) -> Ran {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = limitlab()
        .env_remove("LIMITLAB_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .args(["--lang", lang, "run", "--quiet", "--out"])
        .arg(&out)
        .arg(file)
        .output()
        .expect("limitlab runs");
    Ran { tmp, out, output }
}

/// The details column of events.csv, one per event.
fn details(events_csv: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(events_csv.as_bytes());
    r.records().map(|rec| rec.unwrap()[2].to_string()).collect()
}

/// The bullet of report.md's "what happened" that says what the workload saw.
fn view_line(report: &str, starts: &str) -> String {
    report
        .lines()
        .find(|l| l.starts_with(&format!("- {starts}")))
        .unwrap_or_else(|| panic!("no line starting with {starts:?} in\n{report}"))
        .to_string()
}

#[test]
fn a_spanish_forkbomb_run_says_what_it_saw_and_what_happened_in_spanish() {
    let Some(_lock) =
        exclusive("a_spanish_forkbomb_run_says_what_it_saw_and_what_happened_in_spanish")
    else {
        return;
    };
    let file = root().join("scenarios/forkbomb.toml");
    let es = run_in("es", &file);
    es.expect_exit(0);
    let report = es.read("report.md");
    assert!(report.contains("## Qué pasó"), "{report}");
    let saw = view_line(&report, "El sandbox vio ");
    for part in [
        "El sandbox vio la raíz de la máquina, de solo lectura; con escritura: tmpfs privados en /tmp",
        "/dev: mínimo, como el --dev de bubblewrap (devpts y shm privados) (",
        "/proc: nuevo, del espacio de nombres pid del sandbox;",
        "/sys: nuevo, de solo lectura, del espacio de nombres de red del sandbox;",
        "enmascarado: ",
    ] {
        assert!(saw.contains(part), "{part:?} not in {saw}");
    }
    for english in ["the host's", "fresh", "minimal", "read-only"] {
        assert!(!saw.contains(english), "{english:?} left in {saw}");
    }

    // events.csv: details in Spanish, the limit hit still named by its controller first.
    let events = es.read("events.csv");
    assert!(events.starts_with("t_ms,kind,detail\n"), "{events}");
    let d = details(&events);
    assert!(
        d.iter()
            .any(|x| x.starts_with("carga 0: forkbomb (classic) (pid ")
                && x.ends_with(" en el sandbox)")),
        "{events}"
    );
    assert!(
        d.iter()
            .any(|x| x.starts_with("pids: el límite de pids rechazó un fork")),
        "{events}"
    );
    assert!(
        d.iter()
            .any(|x| x == "matando todos los procesos del sandbox"),
        "{events}"
    );
    assert!(
        d.iter()
            .any(|x| x.contains(" tareas en ") && x.ends_with("; quedaron 0")),
        "{events}"
    );
    for english in ["workload 0", "refused a fork", "killing every", "left"] {
        assert!(!events.contains(english), "{english:?} in {events}");
    }
    // The events table of report.md shows them as events.csv has them.
    assert!(
        report.contains("| limit_hit | pids: el límite de pids rechazó un fork"),
        "{report}"
    );
    assert!(
        report.contains("| teardown_start | matando todos los procesos del sandbox |"),
        "{report}"
    );
    // The chart reads the hit as a pids one (its label is the pids label, in Spanish).
    assert!(es.read("pids.svg").contains("límite de pids alcanzado"));

    // summary.json keeps the view's words as data, in English.
    assert_eq!(es.summary()["view"]["root"], "the host's root, read-only");
    assert_nothing_left();

    // The same run in English reads as it always did.
    let en = run_in("en", &file);
    en.expect_exit(0);
    let report = en.read("report.md");
    let saw = view_line(&report, "The sandbox saw ");
    assert!(
        saw.starts_with(
            "- The sandbox saw the host's root, read-only; writable: private tmpfs at /tmp"
        ),
        "{saw}"
    );
    assert!(
        saw.contains("/proc: fresh, of the sandbox's pid namespace;"),
        "{saw}"
    );
    let d = details(&en.read("events.csv"));
    assert!(
        d.iter()
            .any(|x| x.starts_with("workload 0: forkbomb (classic) (pid ")
                && x.ends_with(" in the sandbox)")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|x| x.starts_with("pids: the pids limit refused a fork at ")
                && x.ends_with(" tasks")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|x| x == "killing every process in the sandbox"),
        "{d:?}"
    );
    assert!(d.iter().any(|x| x.ends_with("; 0 left")), "{d:?}");
    assert!(report.contains("| teardown_start | killing every process in the sandbox |"));
    assert!(en.read("pids.svg").contains("pids limit hit"));
    assert_nothing_left();
}

#[test]
fn the_workloads_are_handed_the_run_language() {
    let Some(_lock) = exclusive("the_workloads_are_handed_the_run_language") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // A command workload that says the language it was given, and a built-in one whose own
    // line (memhog's "reached ...") is limitlab's, said in that language.
    let file = scenario(
        tmp.path(),
        "lang",
        "duration = \"10s\"\n[limits]\npids = 50\nmemory = \"256MiB\"\n\
         [[workload]]\nkind = \"command\"\nargv = [\"sh\", \"-c\", \"echo LIMITLAB_LANG=$LIMITLAB_LANG; exit 3\"]\n\
         [[workload]]\nkind = \"memhog\"\nsize = \"8MiB\"\nhold = false\n\
         [expect]\n\"workload.exit_code\" = \"== 3\"\n",
    );
    let es = run_in("es", &file);
    let log = es.read("workload.log");
    assert!(
        log.contains("LIMITLAB_LANG=es\n"),
        "{log}\n{}",
        text(&es.output)
    );
    assert!(log.contains("memhog: llegó a 8,0 MiB en "), "{log}");
    let d = details(&es.read("events.csv"));
    assert!(
        d.iter().any(|x| x == "carga 0: terminó con código 3"),
        "{d:?}"
    );
    assert!(
        d.iter().any(|x| x.starts_with("carga 1: memhog 8,0 MiB ")),
        "{d:?}"
    );
    // The record keeps the init's status as it is.
    assert_eq!(es.summary()["exits"][0]["status"], "exited 3");
    assert_nothing_left();

    let en = run_in("en", &file);
    let log = en.read("workload.log");
    assert!(
        log.contains("LIMITLAB_LANG=en\n"),
        "{log}\n{}",
        text(&en.output)
    );
    assert!(log.contains("memhog: reached 8.0 MiB in "), "{log}");
    let d = details(&en.read("events.csv"));
    assert!(d.iter().any(|x| x == "workload 0: exited 3"), "{d:?}");
    assert!(
        d.iter()
            .any(|x| x.starts_with("workload 1: memhog 8.0 MiB ")),
        "{d:?}"
    );
    assert_eq!(en.summary()["exits"][0]["status"], "exited 3");
    assert_nothing_left();
}
