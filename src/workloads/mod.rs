//! Attack workloads: what they are (the one list of kinds and options), how a scenario's
//! `[[workload]]` table becomes a [`Workload`], and the `limitlab __workload` entry that
//! runs a built-in one inside the sandbox (a fresh image, exec'd from `/proc/self/exe`).

pub mod command;
pub mod counters;
pub mod cpuspin;
pub mod escape;
pub mod forkbomb;
pub mod memhog;
pub mod threadbomb;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::units;
use counters::Counters;

/// How a bomb multiplies (processes for `forkbomb`, threads for `threadbomb`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum BombStyle {
    /// Every task creates tasks forever and stays (`while(1) fork();`).
    Classic,
    /// Each task creates two and ends, like bash's `:(){ :|:& };:`.
    Binary,
    /// One task creates a task that ends at once, waits for it, and repeats.
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
    pub fn parse(text: &str) -> Option<BombStyle> {
        [BombStyle::Classic, BombStyle::Binary, BombStyle::Churn]
            .into_iter()
            .find(|s| s.name() == text)
    }
}

/// Where a memory hog puts its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Backing {
    /// Anonymous memory.
    Anon,
    /// A file in the sandbox's private tmpfs, mapped shared: page cache charged to the cgroup.
    Shm,
}

impl Backing {
    pub fn name(self) -> &'static str {
        match self {
            Backing::Anon => "anon",
            Backing::Shm => "shm",
        }
    }
}

/// A workload as the plan resolved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum WorkloadSpec {
    Forkbomb {
        style: BombStyle,
    },
    Threadbomb {
        style: BombStyle,
    },
    Memhog {
        size: u64,
        /// Bytes per second; `None`: as fast as the kernel allows.
        rate: Option<u64>,
        chunk: u64,
        backing: Backing,
        hold: bool,
    },
    Cpuspin {
        /// `None`: one per CPU of the sandbox's cpuset.
        threads: Option<usize>,
        duty: f64,
    },
    Escape {
        /// Attempt names; empty: all of [`escape::ATTEMPTS`].
        tries: Vec<String>,
    },
    Command {
        argv: Vec<String>,
    },
}

/// One `[[workload]]`: what runs, and when it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    #[serde(flatten)]
    pub spec: WorkloadSpec,
    /// Delay after the run's start.
    #[serde(rename = "start_after_ms", with = "crate::units::millis")]
    pub start_after: Duration,
}

impl WorkloadSpec {
    pub fn kind(&self) -> &'static str {
        match self {
            WorkloadSpec::Forkbomb { .. } => "forkbomb",
            WorkloadSpec::Threadbomb { .. } => "threadbomb",
            WorkloadSpec::Memhog { .. } => "memhog",
            WorkloadSpec::Cpuspin { .. } => "cpuspin",
            WorkloadSpec::Escape { .. } => "escape",
            WorkloadSpec::Command { .. } => "command",
        }
    }

    /// Built-in workloads run as `limitlab __workload ...` and report through the counter page.
    pub fn is_builtin(&self) -> bool {
        !matches!(self, WorkloadSpec::Command { .. })
    }

    /// Whether it creates tasks without bound (it then never runs without a pids cap).
    pub fn multiplies(&self) -> bool {
        matches!(
            self,
            WorkloadSpec::Forkbomb { .. }
                | WorkloadSpec::Threadbomb { .. }
                | WorkloadSpec::Command { .. }
        )
    }

    /// The argv to execute inside the sandbox. Built-ins get the counter page as fd 3 and
    /// their `slot` in it.
    pub fn argv(&self, slot: usize) -> Vec<String> {
        let mut a: Vec<String> = vec!["limitlab".into(), "__workload".into(), self.kind().into()];
        let mut opt = |k: &str, v: String| {
            a.push(format!("--{k}"));
            a.push(v);
        };
        match self {
            WorkloadSpec::Forkbomb { style } | WorkloadSpec::Threadbomb { style } => {
                opt("style", style.name().into())
            }
            WorkloadSpec::Memhog {
                size,
                rate,
                chunk,
                backing,
                hold,
            } => {
                opt("size", size.to_string());
                if let Some(r) = rate {
                    opt("rate", r.to_string());
                }
                opt("chunk", chunk.to_string());
                opt("backing", backing.name().into());
                opt("hold", hold.to_string());
            }
            WorkloadSpec::Cpuspin { threads, duty } => {
                if let Some(t) = threads {
                    opt("threads", t.to_string());
                }
                opt("duty", duty.to_string());
            }
            WorkloadSpec::Escape { tries } => {
                for t in tries {
                    opt("try", t.clone());
                }
            }
            WorkloadSpec::Command { argv } => return argv.clone(),
        }
        opt("counters-fd", counters::WORKLOAD_FD.to_string());
        opt("slot", slot.to_string());
        a
    }

    /// One line for people: `forkbomb (classic)`, `memhog 1.0 GiB anon`, `command: perl ...`.
    pub fn describe(&self) -> String {
        match self {
            WorkloadSpec::Forkbomb { style } => format!("forkbomb ({})", style.name()),
            WorkloadSpec::Threadbomb { style } => format!("threadbomb ({})", style.name()),
            WorkloadSpec::Memhog {
                size,
                rate,
                backing,
                ..
            } => format!(
                "memhog {} {}{}",
                units::format_size(*size),
                backing.name(),
                rate.map(|r| format!(" at {}/s", units::format_size(r)))
                    .unwrap_or_default()
            ),
            WorkloadSpec::Cpuspin { threads, duty } => format!(
                "cpuspin {} thread(s) at duty {duty}",
                threads
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "one per CPU".into())
            ),
            WorkloadSpec::Escape { tries } if tries.is_empty() => "escape (every attempt)".into(),
            WorkloadSpec::Escape { tries } => format!("escape ({})", tries.join(", ")),
            WorkloadSpec::Command { argv } => {
                let line = argv.join(" ");
                let short: String = line.chars().take(80).collect();
                if short.len() < line.len() {
                    format!("command: {short}…")
                } else {
                    format!("command: {line}")
                }
            }
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

const START_AFTER: OptionDef = OptionDef {
    name: "start_after",
    help: "delay before this workload starts, e.g. \"2s\"; must be shorter than the duration",
    default: Some("0s"),
};

const STYLE_HELP: &str = "classic: every task creates tasks forever and stays; binary: each task creates two and ends (like :(){ :|:& };:); churn: create one that ends at once, wait, repeat";

/// Every workload kind and its options.
pub const KINDS: &[KindDef] = &[
    KindDef {
        name: "forkbomb",
        help: "a built-in fork bomb that counts the forks it made and the ones the kernel refused",
        options: &[
            OptionDef {
                name: "style",
                help: STYLE_HELP,
                default: Some("classic"),
            },
            START_AFTER,
        ],
    },
    KindDef {
        name: "threadbomb",
        help: "a built-in thread bomb (pids.max counts threads); 64 KiB stacks so memory is not what stops it",
        options: &[
            OptionDef {
                name: "style",
                help: STYLE_HELP,
                default: Some("classic"),
            },
            START_AFTER,
        ],
    },
    KindDef {
        name: "memhog",
        help: "allocates memory and touches every page, reporting how far it got (workload.bytes_reached)",
        options: &[
            OptionDef {
                name: "size",
                help: "total to reach, e.g. \"1GiB\"",
                default: None,
            },
            OptionDef {
                name: "rate",
                help: "how fast, e.g. \"256MiB/s\"",
                default: Some("as fast as the kernel allows"),
            },
            OptionDef {
                name: "chunk",
                help: "allocation step, e.g. \"4MiB\"",
                default: Some("4MiB"),
            },
            OptionDef {
                name: "backing",
                help: "anon: anonymous memory; shm: a file in the sandbox's private tmpfs, mapped shared (page cache charged to the cgroup)",
                default: Some("anon"),
            },
            OptionDef {
                name: "hold",
                help: "keep what it has until the end (false: free it and exit)",
                default: Some("true"),
            },
            START_AFTER,
        ],
    },
    KindDef {
        name: "cpuspin",
        help: "threads that spin and count their work (workload.spins), so throttling shows in the workload's own numbers",
        options: &[
            OptionDef {
                name: "threads",
                help: "how many spinning threads",
                default: Some("one per CPU of the sandbox's cpuset"),
            },
            OptionDef {
                name: "duty",
                help: "busy fraction of each 100 ms slot, 0 < duty <= 1",
                default: Some("1.0"),
            },
            START_AFTER,
        ],
    },
    KindDef {
        name: "escape",
        help: "a hostile workload: tries to leave or loosen its cgroups and to see or touch the host, and reports each attempt (workload.escapes, workload.escape_attempts, exit code = escapes)",
        options: &[
            OptionDef {
                name: "tries",
                help: "which attempts, e.g. [\"cgroup-move\", \"network\"]; `limitlab list` names them all",
                default: Some("all of them"),
            },
            START_AFTER,
        ],
    },
    KindDef {
        name: "command",
        help: "any program, run unprivileged inside the sandbox (host binaries are visible)",
        options: &[
            OptionDef {
                name: "argv",
                help: "the program and its arguments, e.g. [\"perl\", \"-e\", \"fork while fork\"]; looked up in PATH",
                default: None,
            },
            START_AFTER,
        ],
    },
];

/// Options every built-in workload takes from the sandbox init.
#[derive(Debug, Clone, clap::Args)]
pub struct WorkloadIo {
    /// The counter page (passed by the sandbox init)
    #[arg(long)]
    pub counters_fd: Option<i32>,
    /// This workload's slot in the counter page
    #[arg(long, default_value_t = 0)]
    pub slot: usize,
}

/// `limitlab __workload KIND ...`: the built-in workloads, runnable on their own.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Builtin {
    /// A fork bomb; refuses to start unless a pids limit applies to it
    Forkbomb {
        #[arg(long, value_enum, default_value = "classic")]
        style: BombStyle,
        #[command(flatten)]
        io: WorkloadIo,
    },
    /// A thread bomb; refuses to start unless a pids limit applies to it
    Threadbomb {
        #[arg(long, value_enum, default_value = "classic")]
        style: BombStyle,
        #[command(flatten)]
        io: WorkloadIo,
    },
    /// A memory hog; refuses to start unless a memory limit applies to it
    Memhog {
        /// Bytes to reach
        #[arg(long)]
        size: u64,
        /// Bytes per second (default: as fast as possible)
        #[arg(long)]
        rate: Option<u64>,
        /// Bytes per allocation step
        #[arg(long, default_value_t = 4 << 20)]
        chunk: u64,
        #[arg(long, value_enum, default_value = "anon")]
        backing: Backing,
        /// Keep the memory until killed (false: free it and exit)
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        hold: bool,
        #[command(flatten)]
        io: WorkloadIo,
    },
    /// The hostile workload: tries to escape, reports each attempt, exits with the number of
    /// escapes
    Escape {
        /// An attempt to make (repeatable; default: all)
        #[arg(long = "try", value_name = "ATTEMPT")]
        tries: Vec<String>,
        #[command(flatten)]
        io: WorkloadIo,
    },
    /// CPU spinners that count their work
    Cpuspin {
        /// Spinning threads (default: one per CPU this process may use)
        #[arg(long)]
        threads: Option<usize>,
        /// Busy fraction of each 100 ms slot
        #[arg(long, default_value_t = 1.0)]
        duty: f64,
        #[command(flatten)]
        io: WorkloadIo,
    },
}

impl Builtin {
    /// How the sandbox's init set this workload up (its counters and slot).
    pub fn io(&self) -> &WorkloadIo {
        match self {
            Builtin::Forkbomb { io, .. }
            | Builtin::Threadbomb { io, .. }
            | Builtin::Memhog { io, .. }
            | Builtin::Escape { io, .. }
            | Builtin::Cpuspin { io, .. } => io,
        }
    }
}

/// Runs a built-in workload in this process.
pub fn main(builtin: Builtin) -> anyhow::Result<u8> {
    let io = builtin.io().clone();
    let counters = match io.counters_fd {
        Some(fd) => Some(Counters::inherited(fd)?),
        None => None,
    };
    match builtin {
        Builtin::Forkbomb { style, .. } => {
            let proof = crate::sys::SingleThreaded::check()
                .ok_or_else(|| anyhow::anyhow!("the fork bomb must start single-threaded"))?;
            forkbomb::run(style, counters.as_ref(), io.slot, &proof)
        }
        Builtin::Threadbomb { style, .. } => threadbomb::run(style, counters, io.slot),
        Builtin::Memhog {
            size,
            rate,
            chunk,
            backing,
            hold,
            ..
        } => memhog::run(
            &memhog::Hog {
                size,
                rate,
                chunk,
                backing,
                hold,
            },
            counters,
            io.slot,
        ),
        Builtin::Cpuspin { threads, duty, .. } => cpuspin::run(threads, duty, counters, io.slot),
        Builtin::Escape { tries, .. } => {
            let proof = crate::sys::SingleThreaded::check()
                .ok_or_else(|| anyhow::anyhow!("the escape workload must start single-threaded"))?;
            Ok(escape::run(&tries, counters, io.slot, &proof))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::workload::{OptionError, from_table};
    use crate::scenario::WorkloadTable;

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

        let cases: Vec<(WorkloadTable, &str, &str)> = vec![
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
            (
                WorkloadTable {
                    duty: Some(toml::Value::Float(0.5)),
                    ..table("memhog")
                },
                "duty",
                "not an option of kind \"memhog\"",
            ),
        ];
        for (t, key, hint) in cases {
            let e = errors(&t);
            assert!(
                e.iter().any(|e| e.key == key && e.message.contains(hint)),
                "{key}: want {hint:?} in {e:?}"
            );
        }
    }

    #[test]
    fn builtin_argv_round_trips_through_the_cli() {
        use clap::Parser;
        let specs = [
            WorkloadSpec::Forkbomb {
                style: BombStyle::Binary,
            },
            WorkloadSpec::Threadbomb {
                style: BombStyle::Churn,
            },
            WorkloadSpec::Memhog {
                size: 1 << 30,
                rate: Some(1 << 28),
                chunk: 1 << 20,
                backing: Backing::Shm,
                hold: false,
            },
            WorkloadSpec::Cpuspin {
                threads: Some(3),
                duty: 0.25,
            },
            WorkloadSpec::Cpuspin {
                threads: None,
                duty: 1.0,
            },
            WorkloadSpec::Escape {
                tries: vec!["network".into(), "setuid".into()],
            },
            WorkloadSpec::Escape { tries: vec![] },
        ];
        for spec in specs {
            let cli = crate::cli::Cli::try_parse_from(spec.argv(2)).unwrap();
            let crate::cli::Command::Workload(w) = cli.command else {
                panic!("{spec:?}")
            };
            let back = match w.kind {
                Builtin::Forkbomb { style, io } => {
                    assert_eq!((io.slot, io.counters_fd), (2, Some(3)));
                    WorkloadSpec::Forkbomb { style }
                }
                Builtin::Threadbomb { style, .. } => WorkloadSpec::Threadbomb { style },
                Builtin::Memhog {
                    size,
                    rate,
                    chunk,
                    backing,
                    hold,
                    ..
                } => WorkloadSpec::Memhog {
                    size,
                    rate,
                    chunk,
                    backing,
                    hold,
                },
                Builtin::Cpuspin { threads, duty, .. } => WorkloadSpec::Cpuspin { threads, duty },
                Builtin::Escape { tries, .. } => WorkloadSpec::Escape { tries },
            };
            assert_eq!(back, spec);
        }
    }
}
