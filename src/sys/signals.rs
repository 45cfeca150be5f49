//! The stop signals the harness catches (SIGINT, SIGTERM), and which signal handlers a
//! clone that does not exec keeps. `super` installs the handler.
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

/// Signals whose handler the init keeps when it runs in its clone: Rust's own (stack
/// overflow), which an exec'd limitlab installs again at its start. Exec resets every
/// other caught signal to its default.
pub(super) fn kept_in_clone(sig: libc::c_int) -> bool {
    [libc::SIGSEGV, libc::SIGBUS].contains(&sig)
}
