//! The proof that a `fork` is sound here: the process had one thread when it was checked
//! (after a fork, only the forking thread exists in the child, so any lock another thread
//! held stays held forever).
#![deny(unsafe_code)]

use std::marker::PhantomData;

/// Proof that the process had a single thread when it was checked. Not `Send`: it stays on
/// the thread that checked, and the code holding it must not start threads.
pub struct SingleThreaded(PhantomData<*const ()>);

impl SingleThreaded {
    /// `Some` when `/proc/self/task` lists exactly one thread.
    pub fn check() -> Option<SingleThreaded> {
        let n = std::fs::read_dir("/proc/self/task").ok()?.count();
        (n == 1).then_some(SingleThreaded(PhantomData))
    }
}
