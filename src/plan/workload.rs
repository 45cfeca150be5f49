//! The `[[workload]]` tables, resolved: each table's kind and options checked against the
//! catalogue ([`crate::workloads::KINDS`]) and turned into a [`WorkloadSpec`].

use std::time::Duration;

use crate::plan::Diagnostics;
use crate::scenario::{KeyPath, WorkloadTable};
use crate::t;
use crate::units;
use crate::workloads::{
    Backing, BombStyle, KINDS, KindDef, Workload, WorkloadSpec, counters::MAX_WORKLOADS, escape,
};

/// The largest memory hog limitlab accepts.
pub const MAX_HOG: u64 = 1 << 40;

/// A problem with one key of a `[[workload]]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub key: &'static str,
    pub message: String,
}

fn err(key: &'static str, message: impl Into<String>) -> OptionError {
    OptionError {
        key,
        message: message.into(),
    }
}

/// Collects option errors while a table is read.
#[derive(Default)]
struct Errors(Vec<OptionError>);

impl Errors {
    fn push(&mut self, key: &'static str, message: impl Into<String>) {
        self.0.push(err(key, message));
    }
    fn check<T>(&mut self, key: &'static str, r: Result<T, String>) -> Option<T> {
        r.map_err(|m| self.push(key, m)).ok()
    }
}

fn size_of(v: &toml::Value) -> Result<u64, String> {
    units::size_value(v, |other| {
        format!("{other} is not a size; expected {}", units::SIZE_HELP)
    })
}

/// Resolves every `[[workload]]` table (at least one, at most [`MAX_WORKLOADS`]); each
/// problem is located at its table's key.
pub fn plan(
    tables: &[WorkloadTable],
    duration: Option<Duration>,
    d: &mut Diagnostics,
) -> Vec<Workload> {
    if tables.len() > MAX_WORKLOADS {
        d.push(
            &KeyPath::root().key("workload").index(MAX_WORKLOADS),
            t!("plan-too-many-workloads", max = MAX_WORKLOADS),
        );
    }
    if tables.is_empty() {
        d.push(&KeyPath::root(), t!("plan-workload-required"));
    }
    let mut specs = Vec::new();
    for (i, table) in tables.iter().enumerate() {
        match from_table(table, duration) {
            Ok(spec) => specs.push(spec),
            Err(list) => {
                for oe in list {
                    d.push(
                        &KeyPath::root().key("workload").index(i).key(oe.key),
                        oe.message,
                    );
                }
            }
        }
    }
    specs
}

/// Resolves one `[[workload]]` table, checking that every key belongs to its kind.
/// `duration` bounds `start_after`.
pub fn from_table(
    table: &WorkloadTable,
    duration: Option<Duration>,
) -> Result<Workload, Vec<OptionError>> {
    let (kind, def) = kind_of(table)?;
    let mut e = Errors::default();
    check_options_of(table, kind, def, &mut e);
    let start_after = parse_start_after(table.start_after.as_deref(), duration, &mut e);
    let spec = match kind {
        "forkbomb" => e
            .check("style", parse_style(table))
            .map(|style| WorkloadSpec::Forkbomb { style }),
        "threadbomb" => e
            .check("style", parse_style(table))
            .map(|style| WorkloadSpec::Threadbomb { style }),
        "memhog" => memhog_spec(table, &mut e),
        "cpuspin" => cpuspin_spec(table, &mut e),
        "escape" => escape_spec(table, &mut e),
        "command" => command_spec(table, &mut e),
        _ => unreachable!("kind {kind} is in KINDS"),
    };
    match spec {
        Some(spec) if e.0.is_empty() => Ok(Workload { spec, start_after }),
        _ => Err(e.0),
    }
}

/// The table's `kind` and its catalogue entry.
fn kind_of(table: &WorkloadTable) -> Result<(&str, &'static KindDef), Vec<OptionError>> {
    let kind_names = KINDS
        .iter()
        .map(|k| format!("{:?}", k.name))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(kind) = table.kind.as_deref() else {
        return Err(vec![err("kind", format!("required; one of {kind_names}"))]);
    };
    let Some(def) = KINDS.iter().find(|k| k.name == kind) else {
        return Err(vec![err(
            "kind",
            format!("unknown kind {kind:?}; one of {kind_names}"),
        )]);
    };
    Ok((kind, def))
}

/// Every option given must be one of the kind's own (`def`).
fn check_options_of(table: &WorkloadTable, kind: &str, def: &KindDef, e: &mut Errors) {
    let present = toml::Table::try_from(table).unwrap_or_default();
    let allowed = def
        .options
        .iter()
        .map(|o| o.name)
        .collect::<Vec<_>>()
        .join(", ");
    for k in present.keys().filter(|k| *k != "kind") {
        if !def.options.iter().any(|o| o.name == k.as_str())
            && let Some(o) = KINDS.iter().flat_map(|d| d.options).find(|o| o.name == k)
        {
            e.push(
                o.name,
                format!("is not an option of kind {kind:?} (its options: {allowed})"),
            );
        }
    }
}

/// Any kind: `start_after`, before the end of the run (zero when absent or wrong).
fn parse_start_after(text: Option<&str>, duration: Option<Duration>, e: &mut Errors) -> Duration {
    let Some(t) = text else {
        return Duration::ZERO;
    };
    match units::parse_duration(t) {
        Ok(d) if duration.is_some_and(|dur| d >= dur) => {
            e.push(
                "start_after",
                format!("{t:?} is not before the end of the run's duration"),
            );
            Duration::ZERO
        }
        r => e.check("start_after", r).unwrap_or_default(),
    }
}

/// forkbomb, threadbomb: `style`.
fn parse_style(table: &WorkloadTable) -> Result<BombStyle, String> {
    match table.style.as_deref() {
        None => Ok(BombStyle::Classic),
        Some(s) => BombStyle::parse(s)
            .ok_or_else(|| format!("unknown style {s:?}; one of {}", BombStyle::NAMES)),
    }
}

/// memhog: `size` (required), `chunk`, `rate`, `backing`, `hold`.
fn memhog_spec(table: &WorkloadTable, e: &mut Errors) -> Option<WorkloadSpec> {
    let size = match &table.size {
        None => {
            e.push(
                "size",
                "required for kind \"memhog\": how much to allocate, e.g. size = \"1GiB\"",
            );
            None
        }
        Some(v) => e.check("size", hog_size(v)),
    };
    let chunk = match &table.chunk {
        None => Some(4 << 20),
        Some(v) => e.check("chunk", hog_chunk(v)),
    };
    let rate = table
        .rate
        .as_deref()
        .and_then(|r| e.check("rate", units::parse_rate(r)));
    let backing = match table.backing.as_deref() {
        None | Some("anon") => Some(Backing::Anon),
        Some("shm") => Some(Backing::Shm),
        Some(b) => {
            e.push(
                "backing",
                format!("unknown backing {b:?}; \"anon\" or \"shm\""),
            );
            None
        }
    };
    match (size, chunk, backing) {
        (Some(size), Some(chunk), Some(backing)) => Some(WorkloadSpec::Memhog {
            size,
            rate,
            chunk: chunk.min(size),
            backing,
            hold: table.hold.unwrap_or(true),
        }),
        _ => None,
    }
}

/// memhog `size`: 4KiB to [`MAX_HOG`].
fn hog_size(v: &toml::Value) -> Result<u64, String> {
    size_of(v).and_then(|b| match b {
        0..4096 => Err(format!(
            "{} is too small; at least 4KiB",
            units::format_size(b)
        )),
        b if b > MAX_HOG => Err(format!(
            "{} is too large; at most 1TiB",
            units::format_size(b)
        )),
        b => Ok(b),
    })
}

/// memhog `chunk`: 4KiB to 1GiB.
fn hog_chunk(v: &toml::Value) -> Result<u64, String> {
    size_of(v).and_then(|c| match c {
        4096..=0x4000_0000 => Ok(c),
        c => Err(format!(
            "{} is out of range; use 4KiB to 1GiB",
            units::format_size(c)
        )),
    })
}

/// cpuspin: `threads` (1 to 4096; default one per CPU) and `duty` (0 < duty <= 1).
fn cpuspin_spec(table: &WorkloadTable, e: &mut Errors) -> Option<WorkloadSpec> {
    let threads = match table.threads {
        None => Some(None),
        Some(n) if (1..=4096).contains(&n) => Some(Some(n as usize)),
        Some(n) => {
            e.push("threads", format!("{n} is out of range; use 1 to 4096"));
            None
        }
    };
    let duty = match &table.duty {
        None => Some(1.0),
        Some(v) => e.check("duty", parse_duty(v)),
    };
    match (threads, duty) {
        (Some(threads), Some(duty)) => Some(WorkloadSpec::Cpuspin { threads, duty }),
        _ => None,
    }
}

/// cpuspin `duty`: a number with 0 < duty <= 1.
fn parse_duty(v: &toml::Value) -> Result<f64, String> {
    let d = match v {
        toml::Value::Float(f) => Some(*f),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    };
    match d {
        Some(d) if d > 0.0 && d <= 1.0 => Ok(d),
        _ => Err(format!(
            "{v} is out of range; use a number with 0 < duty <= 1, e.g. 0.5"
        )),
    }
}

/// escape: `tries`, each one of [`escape::ATTEMPTS`] (default: all).
fn escape_spec(table: &WorkloadTable, e: &mut Errors) -> Option<WorkloadSpec> {
    let tries = table.tries.clone().unwrap_or_default();
    let known: Vec<&str> = escape::ATTEMPTS.iter().map(|(n, _)| *n).collect();
    match tries.iter().find(|t| !known.contains(&t.as_str())) {
        Some(bad) => {
            e.push(
                "tries",
                format!("unknown attempt {bad:?}; one of {}", known.join(", ")),
            );
            None
        }
        None => Some(WorkloadSpec::Escape { tries }),
    }
}

/// command: `argv` (required), a program and its arguments.
fn command_spec(table: &WorkloadTable, e: &mut Errors) -> Option<WorkloadSpec> {
    match &table.argv {
        None => {
            e.push("argv", "required for kind \"command\": the program and its arguments, e.g. argv = [\"perl\", \"-e\", \"fork while fork\"]");
            None
        }
        Some(argv) if argv.is_empty() || argv[0].is_empty() => {
            e.push("argv", "must name a program as its first element");
            None
        }
        Some(argv) if argv.iter().any(|a| a.contains('\0')) => {
            e.push("argv", "arguments cannot contain NUL bytes");
            None
        }
        Some(argv) => Some(WorkloadSpec::Command { argv: argv.clone() }),
    }
}

#[cfg(test)]
mod tests {
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
}
