//! The built-in fork bomb, in three styles. It runs in its own single-threaded image
//! (`limitlab __workload forkbomb`), counts every fork that worked and every one the kernel
//! refused, and never stops by itself: teardown ends it.

use nix::sys::wait::waitpid;
use nix::unistd::ForkResult;

use serde::{Deserialize, Serialize};

use super::WorkloadIo;
use super::catalogue::{KindDef, OptionDef, START_AFTER};
use super::counters::{Counter, Counters};
use crate::sys::{self, SingleThreaded};

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

/// The `style` option of both bombs.
pub(super) const STYLE: OptionDef = OptionDef {
    name: "style",
    help: "classic: every task creates tasks forever and stays; binary: each task creates two and ends (like :(){ :|:& };:); churn: create one that ends at once, wait, repeat",
    default: Some("classic"),
};

/// The catalogue's entry.
pub const KIND: KindDef = KindDef {
    name: "forkbomb",
    help: "a built-in fork bomb that counts the forks it made and the ones the kernel refused",
    options: &[STYLE, START_AFTER],
};

/// `limitlab __workload forkbomb|threadbomb`: the arguments of both bombs.
#[derive(Debug, Clone, clap::Args)]
pub struct BombArgs {
    #[arg(long, value_enum, default_value = "classic")]
    pub style: BombStyle,
    #[command(flatten)]
    pub io: WorkloadIo,
}

/// The `__workload` options that give a bomb its `style` (the inverse of [`BombArgs`]).
pub(super) fn options(style: BombStyle) -> Vec<(&'static str, String)> {
    vec![("style", style.name().into())]
}

/// `forkbomb (classic)`, `threadbomb (churn)`.
pub(super) fn describe(kind: &str, style: BombStyle) -> String {
    format!("{kind} ({})", style.name())
}

/// Runs the bomb forever (until killed).
pub fn run(
    style: BombStyle,
    counters: Option<&Counters>,
    slot: usize,
    proof: &SingleThreaded,
) -> ! {
    let count = |c: Counter| {
        if let Some(k) = counters {
            k.add(slot, c, 1);
        }
    };
    match style {
        BombStyle::Classic => loop {
            // Parent and child both go round again: every process forks forever and stays.
            match sys::fork(proof) {
                Ok(ForkResult::Parent { .. }) => count(Counter::ForksOk),
                Ok(ForkResult::Child) => {}
                Err(_) => count(Counter::ForksFailed),
            }
        },
        BombStyle::Binary => loop {
            // Like :(){ :|:& };: — spawn two, then exit; each child does the same. A refused
            // fork is retried (as bash does), so the bomb does not die out at the limit.
            let mut made = 0;
            let child = loop {
                match sys::fork(proof) {
                    Ok(ForkResult::Parent { .. }) => {
                        count(Counter::ForksOk);
                        made += 1;
                        if made == 2 {
                            break false;
                        }
                    }
                    Ok(ForkResult::Child) => break true,
                    Err(_) => count(Counter::ForksFailed),
                }
            };
            if !child {
                sys::exit_now(0);
            }
        },
        BombStyle::Churn => loop {
            // As many process creations per second as the kernel allows, one at a time.
            match sys::fork(proof) {
                Ok(ForkResult::Parent { child }) => {
                    count(Counter::ForksOk);
                    let _ = waitpid(child, None);
                }
                Ok(ForkResult::Child) => sys::exit_now(0),
                Err(_) => count(Counter::ForksFailed),
            }
        },
    }
}
