//! The built-in thread bomb: the fork bomb's three styles with threads, which `pids.max`
//! counts just like processes. Small stacks, so memory is not what stops it.

use std::thread;

use super::catalogue::{KindDef, START_AFTER};
use super::counters::{Counter, Counters};
use super::forkbomb::{BombStyle, STYLE};

/// The catalogue's entry. Its arguments and options are the fork bomb's
/// ([`super::forkbomb::BombArgs`]).
pub const KIND: KindDef = KindDef {
    name: "threadbomb",
    help: "a built-in thread bomb (pids.max counts threads); 64 KiB stacks so memory is not what stops it",
    options: &[STYLE, START_AFTER],
};

/// Stack of every bomb thread: enough for the spawn loop, small enough that a thousand
/// threads cost a few MiB.
const STACK: usize = 64 * 1024;

#[derive(Clone, Copy)]
struct Ctx {
    counters: Option<&'static Counters>,
    slot: usize,
}

impl Ctx {
    fn count(self, c: Counter) {
        if let Some(k) = self.counters {
            k.add(self.slot, c, 1);
        }
    }
    fn spawn(self, f: fn(Ctx)) -> Option<thread::JoinHandle<()>> {
        match thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || f(self))
        {
            Ok(h) => {
                self.count(Counter::ForksOk);
                Some(h)
            }
            Err(_) => {
                self.count(Counter::ForksFailed);
                None
            }
        }
    }
}

/// Runs the bomb forever (until killed).
pub fn run(style: BombStyle, counters: Option<Counters>, slot: usize) -> ! {
    // The counter page lives as long as the process.
    let counters: Option<&'static Counters> = counters.map(|c| &*Box::leak(Box::new(c)));
    let ctx = Ctx { counters, slot };
    match style {
        BombStyle::Classic => classic(ctx),
        BombStyle::Binary => binary(ctx),
        BombStyle::Churn => loop {
            if let Some(h) = ctx.spawn(|_| {}) {
                let _ = h.join();
            }
        },
    }
    // A binary bomb's first thread ends after two spawns; the process must stay.
    loop {
        thread::park();
    }
}

/// Every thread spawns threads forever and stays.
fn classic(ctx: Ctx) {
    loop {
        ctx.spawn(classic);
    }
}

/// Each thread spawns two (retrying refused spawns) and ends.
fn binary(ctx: Ctx) {
    let mut made = 0;
    while made < 2 {
        if ctx.spawn(binary).is_some() {
            made += 1;
        }
    }
}
