//! `limitlab __workload KIND ...`: the command line of the built-in workloads (one argument
//! struct per kind, beside its code) and the entry that runs one in this process.

use super::counters::Counters;
use super::{cpuspin, escape, forkbomb, memhog, threadbomb};

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
    Forkbomb(forkbomb::BombArgs),
    /// A thread bomb; refuses to start unless a pids limit applies to it
    Threadbomb(forkbomb::BombArgs),
    /// A memory hog; refuses to start unless a memory limit applies to it
    Memhog(memhog::Args),
    /// The hostile workload: tries to escape, reports each attempt, exits with the number of
    /// escapes
    Escape(escape::Args),
    /// CPU spinners that count their work
    Cpuspin(cpuspin::Args),
}

impl Builtin {
    /// How the sandbox's init set this workload up (its counters and slot).
    pub fn io(&self) -> &WorkloadIo {
        match self {
            Builtin::Forkbomb(forkbomb::BombArgs { io, .. })
            | Builtin::Threadbomb(forkbomb::BombArgs { io, .. })
            | Builtin::Memhog(memhog::Args { io, .. })
            | Builtin::Escape(escape::Args { io, .. })
            | Builtin::Cpuspin(cpuspin::Args { io, .. }) => io,
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
        Builtin::Forkbomb(args) => {
            let proof = crate::sys::SingleThreaded::check()
                .ok_or_else(|| anyhow::anyhow!(crate::t!("child-bomb-threads")))?;
            forkbomb::run(args.style, counters.as_ref(), io.slot, &proof)
        }
        Builtin::Threadbomb(args) => threadbomb::run(args.style, counters, io.slot),
        Builtin::Memhog(args) => memhog::run(&args.hog, counters, io.slot),
        Builtin::Cpuspin(args) => cpuspin::run(args.threads, args.duty, counters, io.slot),
        Builtin::Escape(args) => {
            let proof = crate::sys::SingleThreaded::check()
                .ok_or_else(|| anyhow::anyhow!(crate::t!("child-escape-threads")))?;
            Ok(escape::run(&args.tries, counters, io.slot, &proof))
        }
    }
}
