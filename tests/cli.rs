//! The command line without root: bad input is refused before anything is created.

mod common;

use common::*;

const GOOD: &str = "duration = \"1s\"\n[limits]\npids = 10\n[[workload]]\nkind = \"forkbomb\"\n";

#[test]
fn bad_scenario_exits_2_names_the_place_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = scenario(
        tmp.path(),
        "bad",
        "duration = \"1s\"\n[limits]\npids = 0\n[[workload]]\nkind = \"forkbomb\"\n",
    );
    let out = tmp.path().join("out");
    let o = limitlab()
        .current_dir(tmp.path())
        .args(["run", "--out"])
        .arg(&out)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.toml:3:8: limits.pids"), "{err}");
    assert!(err.contains("positive integer"), "{err}");
    assert!(!out.exists(), "no results folder for bad input");
    assert!(!tmp.path().join("results").exists());
    assert!(dead_cgroups().is_empty());
}

#[test]
fn one_bad_file_stops_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    let good = scenario(tmp.path(), "good", GOOD);
    let bad = scenario(
        tmp.path(),
        "worse",
        "duration = \"1s\"\n[[workload]]\nkind = \"forkbomb\"\nstyle = \"atomic\"\n",
    );
    let o = limitlab()
        .current_dir(tmp.path())
        .arg("run")
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("worse.toml:4:9: workload[0].style"),
        "{}",
        text(&o)
    );
    assert!(!tmp.path().join("results").exists(), "nothing ran");
}

#[test]
fn unknown_program_is_bad_input_before_anything_starts() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(
        tmp.path(),
        "nocmd",
        "duration = \"1s\"\n[[workload]]\nkind = \"command\"\nargv = [\"no-such-program-limitlab\"]\n",
    );
    let o = limitlab()
        .current_dir(tmp.path())
        .arg("run")
        .arg(&s)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("command not found"),
        "{}",
        text(&o)
    );
    assert!(!tmp.path().join("results").exists());
}

#[test]
fn unreadable_inputs_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (tmp.path().to_path_buf(), "is a directory"),
        (tmp.path().join("missing.toml"), "cannot read"),
        (scenario(tmp.path(), "empty", ""), "duration is required"),
        (
            {
                let p = tmp.path().join("binary.toml");
                std::fs::write(&p, [0xffu8, 0xfe, 0x00, 0x12]).unwrap();
                p
            },
            "not UTF-8",
        ),
    ];
    for (path, want) in cases {
        let o = limitlab().arg("validate").arg(&path).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(want),
            "{want}: {}",
            text(&o)
        );
    }
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    let mut files: Vec<_> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3);
    let o = limitlab().arg("validate").args(&files).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn help_teaches_with_examples() {
    let o = limitlab().arg("--help").output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("Examples:") && s.contains("limitlab run scenarios/forkbomb.toml"),
        "{s}"
    );
    assert!(s.contains("Exit codes"), "{s}");
    let o = limitlab().args(["run", "--help"]).output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("samples.csv") && s.contains("--safety-ceiling"),
        "{s}"
    );
    let o = limitlab().arg("run").output().unwrap();
    assert_eq!(o.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn a_standalone_bomb_refuses_to_run_uncapped() {
    // The bomb must see no cap, yet one must hold it should the refusal ever break: inside a
    // limitlab sandbox its cgroup namespace shows its cgroups as the hierarchies' roots (no
    // pids.max above it that it can see), while the kernel still applies the sandbox's
    // pids.max = 50. As uid 0 (without capabilities) RLIMIT_NPROC is no cap either, so it
    // must refuse.
    let Some(_lock) = exclusive("a_standalone_bomb_refuses_to_run_uncapped") else {
        return;
    };
    let ran = run_text(
        "standalone",
        &format!(
            "duration = \"30s\"\n[sandbox]\nuid = 0\ngid = 0\n[limits]\npids = 50\n[[workload]]\nkind = \"command\"\nargv = [\"{BIN}\", \"__workload\", \"forkbomb\"]\n[expect]\n\"workload.exit_code\" = \"== 2\"\n\"pids.limit_hits\" = \"== 0\"\n"
        ),
    );
    ran.expect_exit(0);
    let log = ran.read("workload.log");
    assert!(log.contains("refusing"), "{log}");
    assert_nothing_left();
}

#[test]
fn a_standalone_bomb_refuses_in_the_run_language() {
    // As above, in a run made in Spanish: the workload is handed the run's language.
    let Some(_lock) = exclusive("a_standalone_bomb_refuses_in_the_run_language") else {
        return;
    };
    let ran = run_text_with(
        "standalone-es",
        &format!(
            "duration = \"30s\"\n[sandbox]\nuid = 0\ngid = 0\n[limits]\npids = 50\n[[workload]]\nkind = \"command\"\nargv = [\"{BIN}\", \"__workload\", \"forkbomb\"]\n[expect]\n\"workload.exit_code\" = \"== 2\"\n\"pids.limit_hits\" = \"== 0\"\n"
        ),
        &[("LC_ALL", "es_CO.UTF-8")],
    );
    ran.expect_exit(0);
    let log = ran.read("workload.log");
    assert!(
        log.contains("no se arranca una bomba sin nada que le ponga tope: ningún límite de pids de un cgroup se aplica a este proceso y RLIMIT_NPROC es ilimitado (o eres root). Ejecuta la carga con `limitlab run`"),
        "{log}"
    );
    assert!(!log.contains("refusing"), "{log}");
    assert_nothing_left();
}

#[test]
fn special_files_and_huge_files_are_refused_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.toml");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let huge = tmp.path().join("huge.toml");
    let line = "# padding padding padding padding padding padding padding padding\n";
    std::fs::write(&huge, line.repeat(10 * 1024 * 1024 / line.len())).unwrap();
    for (path, want) in [
        (fifo, "not a regular file"),
        (std::path::PathBuf::from("/dev/zero"), "not a regular file"),
        (huge, "limited to"),
    ] {
        let o = limitlab().arg("validate").arg(&path).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(want),
            "{want}: {}",
            text(&o)
        );
    }
}

#[test]
fn an_unreadable_file_is_a_clear_error() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIPPED an_unreadable_file_is_a_clear_error: needs root to run as another user");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario(tmp.path(), "secret", GOOD);
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let bin = tmp.path().join("limitlab");
    std::fs::copy(BIN, &bin).unwrap();
    let o = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .arg("validate")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("secret.toml:1:1: (file): cannot read: Permission denied"),
        "{}",
        text(&o)
    );
}

#[test]
fn the_language_follows_the_locale_and_lang_overrides_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = scenario(
        tmp.path(),
        "bad",
        "duration = \"1s\"\n[limits]\npids = 0\n[[workload]]\nkind = \"forkbomb\"\n",
    );
    let good = scenario(tmp.path(), "good", GOOD);
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let o = limitlab()
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .envs(env.iter().copied())
            .args(args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let bad = bad.to_str().unwrap();
    let good = good.to_str().unwrap();
    // English by default, byte for byte as before.
    let (code, _, err) = run(&["validate", bad], &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.ends_with(
            "bad.toml:3:8: limits.pids: 0 is not allowed; use a positive integer or \"max\" (no scenario limit)\n"
        ),
        "{err}"
    );
    let (_, out, _) = run(&["validate", good], &[]);
    assert!(
        out.ends_with("good.toml: good for 1s, 1 workload, 0 expectations\n"),
        "{out}"
    );
    // es_CO.UTF-8 in LANG, LC_MESSAGES or LC_ALL: Spanish; the file, line, column and key stay.
    for var in ["LANG", "LC_MESSAGES", "LC_ALL"] {
        let (code, _, err) = run(&["validate", bad], &[(var, "es_CO.UTF-8")]);
        assert_eq!(code, Some(2), "{var}");
        assert!(
            err.contains("bad.toml:3:8: limits.pids: 0 no se admite; usa un entero positivo"),
            "{var}: {err}"
        );
    }
    // LC_ALL wins over LANG (POSIX), and --lang over both.
    let (_, out, _) = run(
        &["validate", good],
        &[("LANG", "es_CO.UTF-8"), ("LC_ALL", "C")],
    );
    assert!(out.contains("1 workload,"), "{out}");
    let (_, out, _) = run(
        &["--lang", "en", "validate", good],
        &[("LC_ALL", "es_CO.UTF-8")],
    );
    assert!(out.contains("1 workload,"), "{out}");
    let (_, out, _) = run(&["validate", good, "--lang", "es"], &[]);
    assert!(
        out.contains("good durante 1s, 1 carga, 0 expectativas"),
        "{out}"
    );
    // Counts take their plural form, in either language.
    let two = scenario(
        tmp.path(),
        "two",
        "duration = \"1s\"\n[[workload]]\nkind = \"forkbomb\"\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"pids.peak\" = \"> 0\"\n",
    );
    let two = two.to_str().unwrap();
    let (_, out, _) = run(&["validate", two], &[]);
    assert!(
        out.ends_with("two.toml: two for 1s, 2 workloads, 1 expectation\n"),
        "{out}"
    );
    let (_, out, _) = run(&["--lang", "es", "validate", two], &[]);
    assert!(
        out.contains("two durante 1s, 2 cargas, 1 expectativa"),
        "{out}"
    );
    let (code, _, err) = run(&["--lang", "fr", "validate", good], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("'fr'") && err.contains("en") && err.contains("es"),
        "{err}"
    );
    // doctor speaks it too; the check names stay as they are.
    let (_, out, _) = run(&["--lang", "es", "doctor"], &[]);
    assert!(
        out.contains("namespaces") && out.contains("espacios de nombres"),
        "{out}"
    );
}

#[test]
fn list_frames_its_catalogue_in_the_language() {
    let en = stdout_of(plain_limitlab().arg("list"));
    for words in [
        "Workload kinds ([[workload]] kind = \"...\"):\n\n  forkbomb: ",
        "    style (default: classic)\n",
        "    size (required)\n",
        "\nThe sandbox ([sandbox] keys):\n\n  ",
        "\nWhat the workload sees:\n\n  ",
        "\nMetrics ([expect] \"metric\" = \"comparison\"):\n\n  run.duration_ms ",
        "\nComparisons: < <= == != >= > and a number, or an inclusive range low..high; byte and ms\nmetrics take units (\"< 128MiB\", \"< 2s\"). Escape attempts (kind = \"escape\", tries = [...]):\n",
    ] {
        assert!(en.contains(words), "{words:?} in\n{en}");
    }
    let es = stdout_of(plain_limitlab().args(["--lang", "es", "list"]));
    for words in [
        "Tipos de carga ([[workload]] kind = \"...\"):\n\n  forkbomb: ",
        "    style (predeterminado: classic)\n",
        "    size (obligatorio)\n",
        "\nEl sandbox (claves de [sandbox]):\n\n  ",
        "\nLo que ve la carga:\n\n  ",
        "\nMétricas ([expect] \"métrica\" = \"comparación\"):\n\n  run.duration_ms ",
        "\nComparaciones: < <= == != >= > y un número, o un rango inclusivo bajo..alto;",
        "Intentos de escape (kind = \"escape\", tries = [...]):\n",
    ] {
        assert!(es.contains(words), "{words:?} in\n{es}");
    }
    for english in ["Workload kinds", "(default:", "(required)", "Comparisons:"] {
        assert!(!es.contains(english), "{english:?} in\n{es}");
    }
}

/// `limitlab` with no locale in its environment (English unless the arguments say otherwise).
fn plain_limitlab() -> std::process::Command {
    let mut c = limitlab();
    for var in ["LIMITLAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        c.env_remove(var);
    }
    c
}

fn stdout_of(c: &mut std::process::Command) -> String {
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn every_visible_command_and_option_has_its_help_in_spanish() {
    use clap::CommandFactory;
    use limitlab::i18n::{Lang, message};
    // The arguments that show no help in English either (a bare <BASELINE>): nothing to
    // translate. Any other visible argument needs a doc comment, and that doc comment its
    // message in i18n/en/help.ftl (word for word) and in i18n/es/help.ftl.
    const WITHOUT_HELP: [&str; 3] = [
        "help-compare-baseline",
        "help-compare-current",
        "help-completions-shell",
    ];
    let texts = limitlab::cli::help::texts(&limitlab::cli::Cli::command());
    let mut problems = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for t in &texts {
        if !ids.insert(t.id.as_str()) {
            problems.push(format!("{}: two texts have this id", t.id));
        }
        let Some(english) = &t.english else {
            if !WITHOUT_HELP.contains(&t.id.as_str()) {
                problems.push(format!("{}: a visible argument without help", t.id));
            }
            continue;
        };
        match message(Lang::Es, &t.id, &[]) {
            None => problems.push(format!("{}: no Spanish in i18n/es/help.ftl", t.id)),
            Some(es) if es == *english => {
                problems.push(format!("{}: the Spanish is the English", t.id))
            }
            Some(_) => {}
        }
        if message(Lang::En, &t.id, &[]).as_ref() != Some(english) {
            problems.push(format!(
                "{}: i18n/en/help.ftl does not say what the doc comment says:\n{english}",
                t.id
            ));
        }
    }
    // And no message for a text that is gone.
    let ftl = std::fs::read_to_string(root().join("i18n/es/help.ftl")).unwrap();
    for line in ftl.lines() {
        let Some((id, _)) = line.split_once(" =") else {
            continue;
        };
        if id.starts_with("help-") && !id.starts_with("help-clap-") && !ids.contains(id) {
            problems.push(format!("{id}: in help.ftl, but no help text has this id"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(texts.len() > 50, "only {} texts", texts.len());
}

#[test]
fn help_speaks_spanish_when_asked_and_english_as_before() {
    use clap::CommandFactory;
    // English: exactly what the derive renders.
    let english = stdout_of(plain_limitlab().args(["run", "--help"]));
    let derive = limitlab::cli::Cli::command()
        .try_get_matches_from(["limitlab", "run", "--help"])
        .unwrap_err()
        .render()
        .to_string();
    assert_eq!(english, derive);
    assert!(english.contains("Options:") && english.contains("[default: 2048]"));
    // --lang es anywhere on the command line.
    let es = stdout_of(plain_limitlab().args(["--lang", "es", "run", "--help"]));
    for words in [
        "Ejecuta escenarios y comprueba sus expectativas",
        "Uso: limitlab run [OPCIONES] <SCENARIO>...",
        "Argumentos:",
        "Opciones:",
        "El tope de pids para los escenarios que no fijan ninguno",
        "[predeterminado: 2048]",
        "Imprime la ayuda",
        "Cada ejecución escribe results/<name>/",
        "Ejemplos:",
    ] {
        assert!(es.contains(words), "{words:?} in\n{es}");
    }
    assert!(
        !es.contains("Options:") && !es.contains("Print help"),
        "{es}"
    );
    assert_eq!(
        stdout_of(plain_limitlab().args(["run", "--help", "--lang=es"])),
        es
    );
    assert_eq!(
        stdout_of(plain_limitlab().args(["--lang", "es", "help", "run"])),
        es
    );
    // The locale, when --lang is not given; --lang en wins over it.
    let top = stdout_of(plain_limitlab().arg("--help").env("LANG", "es_CO.UTF-8"));
    for words in [
        "limitlab inicia un sandbox aislado",
        "Comandos:",
        "Códigos de salida",
    ] {
        assert!(top.contains(words), "{words:?} in\n{top}");
    }
    let short = stdout_of(plain_limitlab().arg("-h").env("LANG", "es_CO.UTF-8"));
    assert!(
        short.contains("Demuestra que los límites de recursos se mantienen"),
        "{short}"
    );
    let en = stdout_of(
        plain_limitlab()
            .args(["--lang", "en", "--help"])
            .env("LC_ALL", "es_CO.UTF-8"),
    );
    assert_eq!(en, stdout_of(plain_limitlab().arg("--help")));
    // clap's errors too, with the usage line and exit code 2.
    let o = plain_limitlab()
        .arg("run")
        .env("LANG", "es_CO.UTF-8")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("faltan estos argumentos obligatorios")
            && err.contains("Uso: limitlab run <SCENARIO>...")
            && err.contains("Para más información, prueba '--help'."),
        "{err}"
    );
    // The man page and the completions stay English in every language.
    for what in [
        &["man"][..],
        &["completions", "bash"],
        &["completions", "fish"],
    ] {
        let en = stdout_of(plain_limitlab().args(what));
        let es = stdout_of(plain_limitlab().args(what).env("LANG", "es_CO.UTF-8"));
        assert!(en == es, "{what:?}");
    }
}

/// `limitlab ARGS` with no locale: (exit code, stdout, stderr).
fn plain_output(args: &[&str]) -> (Option<i32>, String, String) {
    let o = plain_limitlab().args(args).output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn workload_and_matrix_problems_are_explained_in_spanish_and_read_as_before_in_english() {
    let tmp = tempfile::tempdir().unwrap();
    let workloads = scenario(
        tmp.path(),
        "workloads",
        "duration = \"1s\"\n[[workload]]\nkind = \"spoon\"\n[[workload]]\nkind = \"cpuspin\"\nthreads = 0\n[[workload]]\nkind = \"memhog\"\nsize = \"1MiB\"\nduty = 0.5\nbacking = \"disk\"\n",
    );
    let sweep = scenario(
        tmp.path(),
        "sweep",
        "duration = \"1s\"\n[[workload]]\nkind = \"forkbomb\"\n[matrix]\n\"name\" = [\"a\"]\n\"limits.pids\" = 10\n",
    );
    let (workloads, sweep) = (workloads.to_str().unwrap(), sweep.to_str().unwrap());

    let (code, _, err) = plain_output(&["--lang", "es", "validate", workloads]);
    assert_eq!(code, Some(2), "{err}");
    for want in [
        "workloads.toml:3:8: workload[0].kind: tipo de carga desconocido \"spoon\"; debe ser uno de \"forkbomb\", ",
        "workloads.toml:6:11: workload[1].threads: 0 está fuera de rango; usa de 1 a 4096\n",
        "workload[2].duty: no es una opción del tipo \"memhog\" (sus opciones: size, ",
        "workload[2].backing: backing desconocido \"disk\"; debe ser \"anon\" o \"shm\"\n",
    ] {
        assert!(err.contains(want), "want {want:?} in:\n{err}");
    }
    let (code, _, err) = plain_output(&["validate", sweep, "--lang", "es"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("sweep.toml:5:11: matrix.name[0]: \"name\" no puede variar en un barrido"),
        "{err}"
    );
    assert!(
        err.contains(
            "matrix.\"limits.pids\": debe ser una lista no vacía de valores para el barrido, p. ej. [10, 100, 1000]"
        ),
        "{err}"
    );

    // English, without a locale, exactly as it was.
    let (_, _, err) = plain_output(&["validate", workloads]);
    for want in [
        "workloads.toml:3:8: workload[0].kind: unknown kind \"spoon\"; one of \"forkbomb\", ",
        "workloads.toml:6:11: workload[1].threads: 0 is out of range; use 1 to 4096\n",
        "workload[2].duty: is not an option of kind \"memhog\" (its options: size, ",
        "workload[2].backing: unknown backing \"disk\"; \"anon\" or \"shm\"\n",
    ] {
        assert!(err.contains(want), "want {want:?} in:\n{err}");
    }
    let (_, _, err) = plain_output(&["validate", sweep]);
    assert!(
        err.contains("sweep.toml:5:11: matrix.name[0]: \"name\" cannot vary in a sweep (every cell shares the scenario's name)\n"),
        "{err}"
    );
}

#[test]
fn init_comments_and_list_sandbox_keys_follow_the_language() {
    let tmp = tempfile::tempdir().unwrap();
    let es = tmp.path().join("es.toml");
    let en = tmp.path().join("en.toml");
    let (code, _, err) = plain_output(&[
        "--lang",
        "es",
        "init",
        "--kind",
        "memhog",
        es.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = plain_output(&["init", "--kind", "memhog", en.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    let es_text = std::fs::read_to_string(&es).unwrap();
    let en_text = std::fs::read_to_string(&en).unwrap();
    assert!(
        es_text.starts_with("# Una carga que acapara memoria frente a un límite de memoria"),
        "{es_text}"
    );
    assert!(
        es_text.contains("swap = \"0B\"                     # sin swap: el límite es el límite\n"),
        "{es_text}"
    );
    assert!(
        en_text.contains("swap = \"0B\"                     # no swap: the limit is the limit\n"),
        "{en_text}"
    );
    let table = |t: &str| t.parse::<toml::Table>().unwrap();
    assert_eq!(table(&es_text), table(&en_text), "the TOML is the same");
    // The Spanish starter validates, in Spanish.
    let (code, out, err) = plain_output(&["--lang", "es", "validate", es.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("es durante 5s, 1 carga,"), "{out}");

    let es_list = stdout_of(plain_limitlab().args(["--lang", "es", "list"]));
    assert!(
        es_list.contains(
            "  sandbox.uid (predeterminado: 65534)\n      El uid con el que corre la carga (65534 es nobody).\n"
        ),
        "{es_list}"
    );
    let en_list = stdout_of(plain_limitlab().arg("list"));
    assert!(
        en_list.contains(
            "  sandbox.uid (default: 65534)\n      The uid the workload runs as (65534 is nobody).\n"
        ),
        "{en_list}"
    );
}
