//! The `[[workload]]` checks: defaults, errors located at their key with what is allowed,
//! and the errors in English (as they always read) and in Spanish.

use super::*;

fn table(kind: &str) -> WorkloadTable {
    WorkloadTable {
        kind: Some(kind.into()),
        ..Default::default()
    }
}

fn spec(t: &WorkloadTable) -> WorkloadSpec {
    from_table(t, Some(Duration::from_secs(5))).unwrap().spec
}

fn errors(t: &WorkloadTable) -> Vec<OptionError> {
    from_table(t, Some(Duration::from_secs(5))).unwrap_err()
}

#[test]
fn defaults() {
    assert_eq!(
        spec(&table("forkbomb")),
        WorkloadSpec::Forkbomb {
            style: BombStyle::Classic
        }
    );
    assert_eq!(
        spec(&table("threadbomb")),
        WorkloadSpec::Threadbomb {
            style: BombStyle::Classic
        }
    );
    assert_eq!(
        spec(&table("cpuspin")),
        WorkloadSpec::Cpuspin {
            threads: None,
            duty: 1.0
        }
    );
    let mut t = table("memhog");
    t.size = Some(toml::Value::String("1GiB".into()));
    assert_eq!(
        spec(&t),
        WorkloadSpec::Memhog {
            size: 1 << 30,
            rate: None,
            chunk: 4 << 20,
            backing: Backing::Anon,
            hold: true
        }
    );
    t.start_after = Some("2s".into());
    assert_eq!(
        from_table(&t, None).unwrap().start_after,
        Duration::from_secs(2)
    );
}

#[test]
fn errors_name_the_key_and_the_allowed_range() {
    let mut t = table("forkbomb");
    t.style = Some("nuclear".into());
    let e = errors(&t);
    assert_eq!(e[0].key, "style");
    assert!(e[0].message.contains("\"classic\""));

    let mut t = table("command");
    t.style = Some("classic".into());
    let e = errors(&t);
    assert!(
        e.iter()
            .any(|e| e.key == "style" && e.message.contains("not an option"))
    );
    assert!(
        e.iter()
            .any(|e| e.key == "argv" && e.message.contains("required"))
    );

    let e = from_table(&table("spoon"), None).unwrap_err();
    assert!(e[0].message.contains("\"forkbomb\""));
    let e = from_table(&WorkloadTable::default(), None).unwrap_err();
    assert_eq!(e[0].key, "kind");

    let cases = memhog_cases()
        .into_iter()
        .chain(cpuspin_cases())
        .chain(foreign_option_cases());
    for (t, key, hint) in cases {
        let e = errors(&t);
        assert!(
            e.iter().any(|e| e.key == key && e.message.contains(hint)),
            "{key}: want {hint:?} in {e:?}"
        );
    }
}

/// (table, key, hint): memhog options out of range or of the wrong type.
fn memhog_cases() -> Vec<(WorkloadTable, &'static str, &'static str)> {
    vec![
        (table("memhog"), "size", "required"),
        (
            WorkloadTable {
                size: Some(toml::Value::String("1KiB".into())),
                ..table("memhog")
            },
            "size",
            "at least 4KiB",
        ),
        (
            WorkloadTable {
                size: Some(toml::Value::String("2TiB".into())),
                ..table("memhog")
            },
            "size",
            "at most 1TiB",
        ),
        (
            WorkloadTable {
                size: Some(toml::Value::Boolean(true)),
                ..table("memhog")
            },
            "size",
            "not a size",
        ),
        (
            WorkloadTable {
                size: Some(toml::Value::Integer(1 << 20)),
                chunk: Some(toml::Value::String("1B".into())),
                ..table("memhog")
            },
            "chunk",
            "4KiB to 1GiB",
        ),
        (
            WorkloadTable {
                size: Some(toml::Value::Integer(1 << 20)),
                rate: Some("fast".into()),
                ..table("memhog")
            },
            "rate",
            "per second",
        ),
        (
            WorkloadTable {
                size: Some(toml::Value::Integer(1 << 20)),
                backing: Some("disk".into()),
                ..table("memhog")
            },
            "backing",
            "\"shm\"",
        ),
    ]
}

/// (table, key, hint): cpuspin options, and `start_after`, out of range.
fn cpuspin_cases() -> Vec<(WorkloadTable, &'static str, &'static str)> {
    vec![
        (
            WorkloadTable {
                threads: Some(0),
                ..table("cpuspin")
            },
            "threads",
            "1 to 4096",
        ),
        (
            WorkloadTable {
                duty: Some(toml::Value::Float(1.5)),
                ..table("cpuspin")
            },
            "duty",
            "0 < duty <= 1",
        ),
        (
            WorkloadTable {
                duty: Some(toml::Value::Float(0.0)),
                ..table("cpuspin")
            },
            "duty",
            "0 < duty <= 1",
        ),
        (
            WorkloadTable {
                start_after: Some("9s".into()),
                ..table("cpuspin")
            },
            "start_after",
            "before the end",
        ),
        (
            WorkloadTable {
                start_after: Some("soon".into()),
                ..table("cpuspin")
            },
            "start_after",
            "duration",
        ),
    ]
}

#[test]
fn english_errors_read_as_they_always_did() {
    use crate::i18n::{Lang, with};
    with(Lang::En, || {
        let mut t = table("forkbomb");
        t.style = Some("nuclear".into());
        assert_eq!(
            errors(&t)[0].message,
            format!("unknown style \"nuclear\"; one of {}", BombStyle::NAMES)
        );
        let kinds = KINDS
            .iter()
            .map(|k| format!("{:?}", k.name))
            .collect::<Vec<_>>()
            .join(", ");
        let e = from_table(&table("spoon"), None).unwrap_err();
        assert_eq!(
            e[0].message,
            format!("unknown kind \"spoon\"; one of {kinds}")
        );
        let e = from_table(&WorkloadTable::default(), None).unwrap_err();
        assert_eq!(e[0].message, format!("required; one of {kinds}"));
        let e = errors(&WorkloadTable {
            threads: Some(0),
            ..table("cpuspin")
        });
        assert_eq!(e[0].message, "0 is out of range; use 1 to 4096");
        let e = errors(&WorkloadTable {
            size: Some(toml::Value::Boolean(true)),
            ..table("memhog")
        });
        assert_eq!(
            e[0].message,
            format!("true is not a size; expected {}", units::SIZE_HELP)
        );
        let e = errors(&WorkloadTable {
            start_after: Some("9s".into()),
            ..table("cpuspin")
        });
        assert_eq!(
            e[0].message,
            "\"9s\" is not before the end of the run's duration"
        );
        let e = errors(&table("command"));
        assert_eq!(
            e[0].message,
            "required for kind \"command\": the program and its arguments, e.g. argv = [\"perl\", \"-e\", \"fork while fork\"]"
        );
    });
}

#[test]
fn errors_speak_spanish_with_values_and_names_as_written() {
    use crate::i18n::{Lang, with};
    with(Lang::Es, || {
        let e = from_table(&table("spoon"), None).unwrap_err();
        assert!(
            e[0].message
                .starts_with("tipo de carga desconocido \"spoon\"; debe ser uno de \"forkbomb\", "),
            "{e:?}"
        );
        let e = from_table(&WorkloadTable::default(), None).unwrap_err();
        assert!(
            e[0].message
                .starts_with("es obligatorio; debe ser uno de \"forkbomb\""),
            "{e:?}"
        );
        for (t, want) in spanish_cases() {
            let e = errors(&t);
            assert!(
                e.iter().any(|e| e.message.starts_with(want)),
                "want {want:?} in {e:?}"
            );
        }
    });
}

/// (table, key, hint): an option of another kind.
fn foreign_option_cases() -> Vec<(WorkloadTable, &'static str, &'static str)> {
    vec![(
        WorkloadTable {
            duty: Some(toml::Value::Float(0.5)),
            ..table("memhog")
        },
        "duty",
        "not an option of kind \"memhog\"",
    )]
}

/// (table, the start of one of its errors in Spanish): a value or a name in each, as written.
fn spanish_cases() -> Vec<(WorkloadTable, &'static str)> {
    vec![
        (
            WorkloadTable {
                style: Some("nuclear".into()),
                ..table("forkbomb")
            },
            "estilo desconocido \"nuclear\"; debe ser \"classic\", \"binary\" o \"churn\"",
        ),
        (
            WorkloadTable {
                duty: Some(toml::Value::Float(0.5)),
                size: Some(toml::Value::Integer(1 << 20)),
                ..table("memhog")
            },
            "no es una opción del tipo \"memhog\" (sus opciones: size, ",
        ),
        (
            WorkloadTable {
                threads: Some(0),
                ..table("cpuspin")
            },
            "0 está fuera de rango; usa de 1 a 4096",
        ),
        (
            WorkloadTable {
                duty: Some(toml::Value::Float(1.5)),
                ..table("cpuspin")
            },
            "1.5 está fuera de rango; usa un número con 0 < duty <= 1, p. ej. 0.5",
        ),
        (
            WorkloadTable {
                start_after: Some("9s".into()),
                ..table("cpuspin")
            },
            "\"9s\" no es anterior al final de la duración de la ejecución",
        ),
        (
            table("memhog"),
            "es obligatorio para el tipo \"memhog\": cuánta memoria",
        ),
        (
            WorkloadTable {
                size: Some(toml::Value::Boolean(true)),
                ..table("memhog")
            },
            "true no es un tamaño; se esperaba un tamaño como \"256MiB\"",
        ),
        (
            WorkloadTable {
                size: Some(toml::Value::String("1KiB".into())),
                ..table("memhog")
            },
            "1,0 KiB es demasiado pequeño; como mínimo 4KiB",
        ),
        (
            WorkloadTable {
                size: Some(toml::Value::Integer(1 << 20)),
                chunk: Some(toml::Value::String("1B".into())),
                ..table("memhog")
            },
            "1 B está fuera de rango; usa de 4KiB a 1GiB",
        ),
        (
            WorkloadTable {
                size: Some(toml::Value::Integer(1 << 20)),
                backing: Some("disk".into()),
                ..table("memhog")
            },
            "backing desconocido \"disk\"; debe ser \"anon\" o \"shm\"",
        ),
        (
            WorkloadTable {
                tries: Some(vec!["fly".into()]),
                ..table("escape")
            },
            "intento desconocido \"fly\"; debe ser uno de cgroup-move, ",
        ),
        (
            table("command"),
            "es obligatorio para el tipo \"command\": el programa",
        ),
        (
            WorkloadTable {
                argv: Some(vec![String::new()]),
                ..table("command")
            },
            "su primer elemento debe nombrar un programa",
        ),
    ]
}
