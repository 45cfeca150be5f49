//! The stop signals the harness catches (SIGINT, SIGTERM): which, and what their handler
//! stores. `super` installs it.
#![deny(unsafe_code)]

use std::sync::atomic::{AtomicI32, Ordering};

static STOP_SIGNAL: AtomicI32 = AtomicI32::new(0);

/// The handler of the stop signals: it only stores into an atomic (async-signal-safe).
pub(super) extern "C" fn remember_signal(sig: libc::c_int) {
    STOP_SIGNAL.store(sig, Ordering::SeqCst);
}

/// The stop signal received so far, if any.
pub fn stop_signal() -> Option<nix::sys::signal::Signal> {
    match STOP_SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        n => nix::sys::signal::Signal::try_from(n).ok(),
    }
}

/// The signals the harness catches ([`remember_signal`]). They are the only handlers limitlab
/// installs besides Rust's own (SIGSEGV, SIGBUS: stack overflow, which an exec'd limitlab
/// installs again), so they are what an init that runs in its clone resets to the default,
/// as an exec would (a test reads the init's `SigCgt`).
pub(super) const STOP_SIGNALS: [nix::sys::signal::Signal; 2] = [
    nix::sys::signal::Signal::SIGINT,
    nix::sys::signal::Signal::SIGTERM,
];
