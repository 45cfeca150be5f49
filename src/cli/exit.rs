//! Where errors become exit codes: what an error says about itself ([`crate::Coded`]), or
//! what its kind means (a scenario that does not parse is bad input, a cgroup the host
//! cannot give is the host's problem), else internal.

use crate::Exit;
use crate::sandbox::StartError;
use crate::sandbox::cgroup::CgroupError;
use crate::scenario::ScenarioError;

/// The exit code an error means: what it says about itself, else internal.
pub fn exit_of(err: &anyhow::Error) -> Exit {
    for cause in err.chain() {
        if let Some(c) = cause.downcast_ref::<crate::Coded>() {
            return c.exit;
        }
        if cause.downcast_ref::<ScenarioError>().is_some() {
            return Exit::BadInput;
        }
        let cgroup = match cause.downcast_ref::<StartError>() {
            Some(StartError::Cgroup(c)) => Some(c),
            _ => cause.downcast_ref::<CgroupError>(),
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
