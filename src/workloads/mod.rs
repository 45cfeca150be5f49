//! Attack workloads: the catalogue of kinds and options ([`catalogue`]), then one file per
//! kind with its catalogue entry, its `__workload` arguments and its code ([`forkbomb`],
//! [`threadbomb`], [`memhog`], [`cpuspin`], [`escape`], [`command`]). This file holds a
//! workload as the plan resolved it ([`WorkloadSpec`]) and how it is told to the sandbox
//! (its argv) and to people; [`builtin`] is the `limitlab __workload` entry that runs a
//! built-in one inside the sandbox (a fresh image, exec'd from `/proc/self/exe`).

pub mod builtin;
pub mod catalogue;
pub mod command;
pub mod counters;
pub mod cpuspin;
pub mod escape;
pub mod forkbomb;
pub mod memhog;
pub mod threadbomb;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use builtin::{Builtin, WorkloadIo, main};
pub use catalogue::{KINDS, KindDef, OptionDef};
pub use forkbomb::BombStyle;
pub use memhog::Backing;

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

    /// A memory hog's options as [`memhog::Hog`].
    fn hog(&self) -> Option<memhog::Hog> {
        match *self {
            WorkloadSpec::Memhog {
                size,
                rate,
                chunk,
                backing,
                hold,
            } => Some(memhog::Hog {
                size,
                rate,
                chunk,
                backing,
                hold,
            }),
            _ => None,
        }
    }

    /// The argv to execute inside the sandbox. Built-ins get the counter page as fd 3 and
    /// their `slot` in it.
    pub fn argv(&self, slot: usize) -> Vec<String> {
        let options = match self {
            WorkloadSpec::Forkbomb { style } | WorkloadSpec::Threadbomb { style } => {
                forkbomb::options(*style)
            }
            WorkloadSpec::Memhog { .. } => self.hog().expect("a memory hog").options(),
            WorkloadSpec::Cpuspin { threads, duty } => cpuspin::options(*threads, *duty),
            WorkloadSpec::Escape { tries } => escape::options(tries),
            WorkloadSpec::Command { argv } => return argv.clone(),
        };
        let io = [
            ("counters-fd", counters::WORKLOAD_FD.to_string()),
            ("slot", slot.to_string()),
        ];
        let mut a: Vec<String> = vec!["limitlab".into(), "__workload".into(), self.kind().into()];
        for (k, v) in options.into_iter().chain(io) {
            a.push(format!("--{k}"));
            a.push(v);
        }
        a
    }

    /// One line for people: `forkbomb (classic)`, `memhog 1.0 GiB anon`, `command: perl ...`.
    pub fn describe(&self) -> String {
        match self {
            WorkloadSpec::Forkbomb { style } | WorkloadSpec::Threadbomb { style } => {
                forkbomb::describe(self.kind(), *style)
            }
            WorkloadSpec::Memhog { .. } => self.hog().expect("a memory hog").describe(),
            WorkloadSpec::Cpuspin { threads, duty } => cpuspin::describe(*threads, *duty),
            WorkloadSpec::Escape { tries } => escape::describe(tries),
            WorkloadSpec::Command { argv } => command::describe(argv),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                Builtin::Forkbomb(forkbomb::BombArgs { style, io }) => {
                    assert_eq!((io.slot, io.counters_fd), (2, Some(3)));
                    WorkloadSpec::Forkbomb { style }
                }
                Builtin::Threadbomb(forkbomb::BombArgs { style, .. }) => {
                    WorkloadSpec::Threadbomb { style }
                }
                Builtin::Memhog(memhog::Args {
                    hog:
                        memhog::Hog {
                            size,
                            rate,
                            chunk,
                            backing,
                            hold,
                        },
                    ..
                }) => WorkloadSpec::Memhog {
                    size,
                    rate,
                    chunk,
                    backing,
                    hold,
                },
                Builtin::Cpuspin(cpuspin::Args { threads, duty, .. }) => {
                    WorkloadSpec::Cpuspin { threads, duty }
                }
                Builtin::Escape(escape::Args { tries, .. }) => WorkloadSpec::Escape { tries },
            };
            assert_eq!(back, spec);
        }
    }
}
