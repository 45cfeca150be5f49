//! The counter page: a shared memfd mapping where built-in workloads count what they did
//! (forks made, forks refused) and the sampler reads it without a syscall.

use std::io;
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::sync::atomic::Ordering;

use crate::sys::{self, SharedPage};

/// The descriptor a built-in workload finds its counter page at.
pub const WORKLOAD_FD: RawFd = 3;
/// The page's first word, so a workload knows it was given a real counter page.
const MAGIC: u64 = u64::from_le_bytes(*b"LIMITLAB");
const HEADER_WORDS: usize = 8;
const SLOT_WORDS: usize = 8;
const PAGE_BYTES: usize = 4096;
/// How many workloads one page has room for.
pub const MAX_WORKLOADS: usize = (PAGE_BYTES / 8 - HEADER_WORDS) / SLOT_WORDS;

/// What a workload counts; each workload has its own slot of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// Tasks (processes or threads) a bomb created.
    ForksOk = 0,
    /// Task creations the kernel refused.
    ForksFailed = 1,
    /// The most bytes a memory hog held at once.
    BytesReached = 2,
    /// Work units a CPU spinner completed.
    Spins = 3,
    /// Escape attempts the hostile workload made.
    EscapeAttempts = 4,
    /// Escape attempts that got through.
    Escapes = 5,
}

pub struct Counters {
    page: SharedPage,
}

impl Counters {
    /// A new zeroed page, and the descriptor to pass into the sandbox.
    pub fn create() -> io::Result<(Counters, OwnedFd)> {
        let (page, fd) = SharedPage::create(PAGE_BYTES)?;
        page.words()[0].store(MAGIC, Ordering::SeqCst);
        Ok((Counters { page }, fd))
    }

    /// Maps the page a workload was given at [`WORKLOAD_FD`].
    pub fn inherited(fd: RawFd) -> io::Result<Counters> {
        let fd = sys::take_inherited(fd)
            .ok_or_else(|| io::Error::other(crate::t!("workload-no-counter-page", fd = fd)))?;
        Counters::from_fd(&fd)
    }

    pub fn from_fd(fd: &OwnedFd) -> io::Result<Counters> {
        let page = SharedPage::map(fd.as_fd())?;
        if page.words().first().map(|w| w.load(Ordering::SeqCst)) != Some(MAGIC) {
            return Err(io::Error::other(crate::t!("workload-not-counter-page")));
        }
        Ok(Counters { page })
    }

    fn word(&self, slot: usize, c: Counter) -> Option<&std::sync::atomic::AtomicU64> {
        self.page
            .words()
            .get(HEADER_WORDS + slot * SLOT_WORDS + c as usize)
    }

    pub fn add(&self, slot: usize, c: Counter, n: u64) {
        if let Some(w) = self.word(slot, c) {
            w.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Raises a gauge to `v` if it is higher.
    pub fn set_max(&self, slot: usize, c: Counter, v: u64) {
        if let Some(w) = self.word(slot, c) {
            w.fetch_max(v, Ordering::Relaxed);
        }
    }

    pub fn get(&self, slot: usize, c: Counter) -> u64 {
        self.word(slot, c).map_or(0, |w| w.load(Ordering::Relaxed))
    }

    /// The total of one counter over the first `slots` workloads.
    pub fn sum(&self, c: Counter, slots: usize) -> u64 {
        (0..slots).map(|s| self.get(s, c)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_shared_between_mappings() {
        let (a, fd) = Counters::create().unwrap();
        let b = Counters::from_fd(&fd).unwrap();
        b.add(0, Counter::ForksOk, 3);
        b.add(1, Counter::ForksOk, 4);
        b.add(1, Counter::ForksFailed, 1);
        assert_eq!(a.sum(Counter::ForksOk, 2), 7);
        assert_eq!(a.get(1, Counter::ForksFailed), 1);
        a.add(MAX_WORKLOADS + 10, Counter::ForksOk, 1); // out of range: ignored
    }

    #[test]
    fn rejects_a_page_without_the_magic() {
        let file = tempfile::tempfile().unwrap();
        file.set_len(4096).unwrap();
        let fd = OwnedFd::from(file);
        assert!(Counters::from_fd(&fd).is_err());
        let said =
            |lang| crate::i18n::with(lang, || Counters::from_fd(&fd).err().map(|e| e.to_string()));
        let en = "the descriptor is not a limitlab counter page";
        assert_eq!(said(crate::i18n::Lang::En).as_deref(), Some(en));
        let es = "el descriptor no es una página de contadores de limitlab";
        assert_eq!(said(crate::i18n::Lang::Es).as_deref(), Some(es));
    }
}
