//! The built-in fork bomb, in three styles. It runs in its own single-threaded image
//! (`limitlab __workload forkbomb`), counts every fork that worked and every one the kernel
//! refused, and never stops by itself: teardown ends it.

use nix::sys::wait::waitpid;
use nix::unistd::ForkResult;

use super::BombStyle;
use super::counters::{Counter, Counters};
use crate::sys::{self, SingleThreaded};

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
