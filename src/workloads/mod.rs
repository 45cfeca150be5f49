//! Attack workloads: what they are (the one list of kinds and options), how a scenario's
//! `[[workload]]` table becomes a [`WorkloadSpec`], and the `limitlab __workload` entry that
//! runs a built-in one inside the sandbox (a fresh image, exec'd from `/proc/self/exe`).

pub mod command;
pub mod counters;
pub mod forkbomb;

use serde::{Deserialize, Serialize};

use crate::scenario::WorkloadTable;

/// How a fork bomb multiplies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum BombStyle {
    /// Every process forks forever and stays (`while(1) fork();`).
    Classic,
    /// Each process spawns two and exits, like bash's `:(){ :|:& };:`.
    Binary,
    /// One process forks a child that exits at once, waits for it, and repeats.
    Churn,
}

impl BombStyle {
    pub const NAMES: &'static str = "\"classic\", \"binary\" or \"churn\"";
    pub fn name(self) -> &'static str {
        match self {
            BombStyle::Classic => "classic",
            BombStyle::Binary => "binary",
            BombStyle::Churn => "churn",
        }
    }
    fn parse(text: &str) -> Option<BombStyle> {
        [BombStyle::Classic, BombStyle::Binary, BombStyle::Churn]
            .into_iter()
            .find(|s| s.name() == text)
    }
}

/// A workload as the plan resolved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum WorkloadSpec {
    Forkbomb { style: BombStyle },
    Command { argv: Vec<String> },
}

impl WorkloadSpec {
    pub fn kind(&self) -> &'static str {
        match self {
            WorkloadSpec::Forkbomb { .. } => "forkbomb",
            WorkloadSpec::Command { .. } => "command",
        }
    }

    /// Built-in workloads run as `limitlab __workload ...` and report through the counter page.
    pub fn is_builtin(&self) -> bool {
        !matches!(self, WorkloadSpec::Command { .. })
    }

    /// The argv to execute inside the sandbox. Built-ins get the counter page as fd 3.
    pub fn argv(&self, slot: usize) -> Vec<String> {
        match self {
            WorkloadSpec::Forkbomb { style } => vec![
                "limitlab".into(),
                "__workload".into(),
                "forkbomb".into(),
                "--style".into(),
                style.name().into(),
                "--counters-fd".into(),
                counters::WORKLOAD_FD.to_string(),
                "--slot".into(),
                slot.to_string(),
            ],
            WorkloadSpec::Command { argv } => argv.clone(),
        }
    }

    /// One line for people: `forkbomb (classic)`, `command: perl -e ...`.
    pub fn describe(&self) -> String {
        match self {
            WorkloadSpec::Forkbomb { style } => format!("forkbomb ({})", style.name()),
            WorkloadSpec::Command { argv } => format!("command: {}", argv.join(" ")),
        }
    }
}

/// An option of a workload kind, for validation messages and `limitlab list`.
#[derive(Debug)]
pub struct OptionDef {
    pub name: &'static str,
    pub help: &'static str,
    pub default: Option<&'static str>,
}

#[derive(Debug)]
pub struct KindDef {
    pub name: &'static str,
    pub help: &'static str,
    pub options: &'static [OptionDef],
}

/// Every workload kind and its options.
pub const KINDS: &[KindDef] = &[
    KindDef {
        name: "forkbomb",
        help: "a built-in fork bomb that counts the forks it made and the ones the kernel refused",
        options: &[OptionDef {
            name: "style",
            help: "classic: every process forks forever and stays; binary: each process spawns two and exits (like :(){ :|:& };:); churn: fork, exit, wait, repeat as fast as possible",
            default: Some("classic"),
        }],
    },
    KindDef {
        name: "command",
        help: "any program, run unprivileged inside the sandbox (host binaries are visible)",
        options: &[OptionDef {
            name: "argv",
            help: "the program and its arguments, e.g. [\"perl\", \"-e\", \"fork while fork\"]; looked up in PATH",
            default: None,
        }],
    },
];

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

/// Resolves one `[[workload]]` table into a spec, checking that every key belongs to its kind.
pub fn from_table(table: &WorkloadTable) -> Result<WorkloadSpec, Vec<OptionError>> {
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
    let present = toml::Table::try_from(table).unwrap_or_default();
    let mut errors: Vec<OptionError> = present
        .keys()
        .filter(|k| *k != "kind" && !def.options.iter().any(|o| o.name == k.as_str()))
        .filter_map(|k| {
            let key = KINDS
                .iter()
                .flat_map(|d| d.options)
                .find(|o| o.name == k)?
                .name;
            let allowed = def
                .options
                .iter()
                .map(|o| o.name)
                .collect::<Vec<_>>()
                .join(", ");
            Some(err(
                key,
                format!("is not an option of kind {kind:?} (its options: {allowed})"),
            ))
        })
        .collect();
    let spec = match kind {
        "forkbomb" => {
            let style = match table.style.as_deref() {
                None => Some(BombStyle::Classic),
                Some(s) => BombStyle::parse(s).or_else(|| {
                    errors.push(err(
                        "style",
                        format!("unknown style {s:?}; one of {}", BombStyle::NAMES),
                    ));
                    None
                }),
            };
            style.map(|style| WorkloadSpec::Forkbomb { style })
        }
        "command" => match &table.argv {
            None => {
                errors.push(err(
                    "argv",
                    "required for kind \"command\": the program and its arguments, e.g. argv = [\"perl\", \"-e\", \"fork while fork\"]",
                ));
                None
            }
            Some(argv) if argv.is_empty() || argv[0].is_empty() => {
                errors.push(err("argv", "must name a program as its first element"));
                None
            }
            Some(argv) if argv.iter().any(|a| a.contains('\0')) => {
                errors.push(err("argv", "arguments cannot contain NUL bytes"));
                None
            }
            Some(argv) => Some(WorkloadSpec::Command { argv: argv.clone() }),
        },
        _ => unreachable!("kind {kind} is in KINDS"),
    };
    match spec {
        Some(spec) if errors.is_empty() => Ok(spec),
        _ => Err(errors),
    }
}

/// `limitlab __workload KIND ...`: runs a built-in workload in this process.
pub fn main(kind: crate::cli::WorkloadKind) -> anyhow::Result<u8> {
    let crate::cli::WorkloadKind::Forkbomb {
        style,
        counters_fd,
        slot,
    } = kind;
    let counters = match counters_fd {
        Some(fd) => Some(counters::Counters::inherited(fd)?),
        None => {
            let cap = pids_cap().ok_or_else(|| {
                crate::coded(
                    crate::Exit::BadInput,
                    "refusing to start a fork bomb that nothing caps: no pids cgroup limit applies to this process and RLIMIT_NPROC is unlimited (or you are root). Run it through `limitlab run`, or under a cap such as `systemd-run --scope -p TasksMax=100 ...`",
                )
            })?;
            eprintln!("limitlab: fork bomb ({}) capped by {cap}", style.name());
            None
        }
    };
    let proof = crate::sandbox::sys::SingleThreaded::check()
        .ok_or_else(|| anyhow::anyhow!("a built-in workload must start single-threaded"))?;
    forkbomb::run(style, counters.as_ref(), slot, &proof)
}

/// What caps the number of processes this one may create, if anything: a `pids.max` on its
/// cgroup or an ancestor, or `RLIMIT_NPROC` for a non-root user.
pub fn pids_cap() -> Option<String> {
    use nix::sys::resource::{RLIM_INFINITY, Resource, getrlimit};
    if let Ok((soft, _)) = getrlimit(Resource::RLIMIT_NPROC)
        && soft != RLIM_INFINITY
        && !nix::unistd::geteuid().is_root()
    {
        return Some(format!("RLIMIT_NPROC = {soft}"));
    }
    let (dir, max) = crate::sandbox::cgroup::Layout::detect().ok()?.pids_cap()?;
    Some(format!("pids.max = {max} in {}", dir.display()))
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

    #[test]
    fn forkbomb_defaults_to_classic() {
        assert_eq!(
            from_table(&table("forkbomb")),
            Ok(WorkloadSpec::Forkbomb {
                style: BombStyle::Classic
            })
        );
    }

    #[test]
    fn errors_name_the_key() {
        let mut t = table("forkbomb");
        t.style = Some("nuclear".into());
        let e = from_table(&t).unwrap_err();
        assert_eq!(e[0].key, "style");
        assert!(e[0].message.contains("\"classic\""));

        let mut t = table("command");
        t.style = Some("classic".into());
        let e = from_table(&t).unwrap_err();
        assert!(
            e.iter()
                .any(|e| e.key == "style" && e.message.contains("not an option"))
        );
        assert!(
            e.iter()
                .any(|e| e.key == "argv" && e.message.contains("required"))
        );

        let e = from_table(&table("spoon")).unwrap_err();
        assert!(e[0].message.contains("\"forkbomb\""));
        let e = from_table(&WorkloadTable::default()).unwrap_err();
        assert_eq!(e[0].key, "kind");
    }

    #[test]
    fn builtin_argv_round_trips_through_the_cli() {
        use clap::Parser;
        let spec = WorkloadSpec::Forkbomb {
            style: BombStyle::Binary,
        };
        let cli = crate::cli::Cli::try_parse_from(spec.argv(2)).unwrap();
        assert!(matches!(cli.command, crate::cli::Command::Workload(_)));
    }
}
