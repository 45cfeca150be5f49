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
        t!(
            "plan-workload-not-a-size",
            value = other,
            help = units::size_help()
        )
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
        return Err(vec![err(
            "kind",
            t!("plan-kind-required", kinds = kind_names),
        )]);
    };
    let Some(def) = KINDS.iter().find(|k| k.name == kind) else {
        return Err(vec![err(
            "kind",
            t!(
                "plan-kind-unknown",
                kind = format!("{kind:?}"),
                kinds = kind_names
            ),
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
                t!(
                    "plan-option-of-other-kind",
                    kind = format!("{kind:?}"),
                    options = allowed
                ),
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
                t!("plan-start-after-late", value = format!("{t:?}")),
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
        Some(s) => {
            BombStyle::parse(s).ok_or_else(|| t!("plan-style-unknown", style = format!("{s:?}")))
        }
    }
}

/// memhog: `size` (required), `chunk`, `rate`, `backing`, `hold`.
fn memhog_spec(table: &WorkloadTable, e: &mut Errors) -> Option<WorkloadSpec> {
    let size = match &table.size {
        None => {
            e.push("size", t!("plan-memhog-size-required"));
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
                t!("plan-backing-unknown", backing = format!("{b:?}")),
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
        0..4096 => Err(t!("plan-hog-size-small", size = units::format_size(b))),
        b if b > MAX_HOG => Err(t!("plan-hog-size-large", size = units::format_size(b))),
        b => Ok(b),
    })
}

/// memhog `chunk`: 4KiB to 1GiB.
fn hog_chunk(v: &toml::Value) -> Result<u64, String> {
    size_of(v).and_then(|c| match c {
        4096..=0x4000_0000 => Ok(c),
        c => Err(t!("plan-hog-chunk-range", size = units::format_size(c))),
    })
}

/// cpuspin: `threads` (1 to 4096; default one per CPU) and `duty` (0 < duty <= 1).
fn cpuspin_spec(table: &WorkloadTable, e: &mut Errors) -> Option<WorkloadSpec> {
    let threads = match table.threads {
        None => Some(None),
        Some(n) if (1..=4096).contains(&n) => Some(Some(n as usize)),
        Some(n) => {
            e.push("threads", t!("plan-threads-range", value = n));
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
        _ => Err(t!("plan-duty-range", value = v)),
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
                t!(
                    "plan-attempt-unknown",
                    attempt = format!("{bad:?}"),
                    attempts = known.join(", ")
                ),
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
            e.push("argv", t!("plan-argv-required"));
            None
        }
        Some(argv) if argv.is_empty() || argv[0].is_empty() => {
            e.push("argv", t!("plan-argv-no-program"));
            None
        }
        Some(argv) if argv.iter().any(|a| a.contains('\0')) => {
            e.push("argv", t!("plan-argv-nul"));
            None
        }
        Some(argv) => Some(WorkloadSpec::Command { argv: argv.clone() }),
    }
}

#[cfg(test)]
mod tests;
