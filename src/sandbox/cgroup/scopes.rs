//! The systemd scopes of harnesses that are gone (`limitlab-PID.scope`), which `limitlab
//! clean` stops and resets.

use std::path::Path;

use super::systemd::{self, Bus};
use crate::t;

/// A scope a harness that is gone left behind, and what `clean` did about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleScope {
    pub name: String,
    /// Its state when it was found (`running`, `failed`...).
    pub state: String,
    /// Why systemd would not stop or reset it; `None`: it is gone.
    pub error: Option<String>,
}

impl std::fmt::Display for StaleScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match &self.error {
            None => t!("grant-stale-stopped", scope = self.name, state = self.state),
            Some(e) => t!("grant-stale-not-removed", scope = self.name, error = e),
        })
    }
}

/// Scopes of harnesses that are gone (killed before they could give theirs back): systemd
/// removes an empty scope by itself, but one left `failed` lingers until reset. Stops and
/// resets each; returns a line per scope.
pub fn stale_scopes() -> Vec<StaleScope> {
    if !Path::new("/run/systemd/system").exists() {
        return Vec::new();
    }
    let bus = Bus::for_euid(nix::unistd::geteuid().is_root());
    let Ok(units) = systemd::units_matching(bus, "limitlab-*.scope") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, state) in units {
        let owner = name
            .strip_prefix("limitlab-")
            .and_then(|r| r.strip_suffix(".scope"))
            .and_then(|p| p.parse::<u32>().ok());
        let alive = owner.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if alive {
            continue;
        }
        let stopped = systemd::stop(bus, &name);
        let reset = systemd::reset_failed(bus, &name);
        let error = stopped.and(reset).err().map(|e| e.to_string());
        out.push(StaleScope { name, state, error });
    }
    out
}
