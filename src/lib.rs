//! limitlab: proves whether resource limits hold.
//!
//! The pipeline, one module per stage, each importing only the ones before it: [`scenario`]
//! (TOML as written) → [`plan`] (validated) → [`sandbox`] → [`sampler`] → [`record`] →
//! [`metrics`] → [`report`], and [`run`], which takes one plan through them. Beneath them
//! all: [`i18n`], [`sys`] (every unsafe call), [`units`], [`data`] (what crosses stages) and
//! [`workloads`]; [`host`] holds the machine's facts; [`cli`] wires it to commands.
#![deny(unsafe_code)]

pub mod cli;
pub mod data;
pub mod host;
pub mod i18n;
pub mod metrics;
pub mod plan;
pub mod record;
pub mod report;
pub mod run;
pub mod sampler;
pub mod sandbox;
pub mod scenario;
pub mod sys;
pub mod units;
pub mod workloads;

use std::fmt;

/// The version and the git commit it was built from: `0.1.0 (3f2a9c1e0b7d)`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("LIMITLAB_GIT_COMMIT"),
    ")"
);

/// limitlab's exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Every expectation held.
    Held = 0,
    /// An expectation failed.
    Failed = 1,
    /// Bad input or usage.
    BadInput = 2,
    /// The host cannot run it (not root, a controller missing).
    Host = 3,
    /// Internal error or a teardown leak.
    Internal = 4,
}

impl From<Exit> for u8 {
    fn from(e: Exit) -> u8 {
        e as u8
    }
}

/// An error that knows which exit code it means.
#[derive(Debug)]
pub struct Coded {
    pub exit: Exit,
    pub message: String,
}

impl fmt::Display for Coded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Coded {}

/// An error meaning `exit`.
pub fn coded(exit: Exit, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Coded {
        exit,
        message: message.into(),
    })
}

/// The exit code an error means (see [`cli::exit_of`], where errors become exit codes).
pub use cli::exit_of;
