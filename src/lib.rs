//! limitlab: proves whether resource limits hold.
//!
//! The pipeline, one module per stage: [`scenario`] (TOML as written) → [`plan`] (validated)
//! → [`runner`] ([`sandbox`] + [`sampler`]) → [`record`] → [`metrics`] and [`expect`] →
//! [`report`]. [`host`] answers what the machine can do; [`cli`] wires it to commands.
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

/// The exit code an error means: what it says about itself, else internal.
pub fn exit_of(err: &anyhow::Error) -> Exit {
    for cause in err.chain() {
        if let Some(c) = cause.downcast_ref::<Coded>() {
            return c.exit;
        }
        if cause.downcast_ref::<scenario::ScenarioError>().is_some() {
            return Exit::BadInput;
        }
        let cgroup = match cause.downcast_ref::<sandbox::StartError>() {
            Some(sandbox::StartError::Cgroup(c)) => Some(c),
            _ => cause.downcast_ref::<sandbox::cgroup::CgroupError>(),
        };
        if let Some(c) = cgroup {
            return if c.is_host_problem() {
                Exit::Host
            } else {
                Exit::Internal
            };
        }
    }
    Exit::Internal
}
