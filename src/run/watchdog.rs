//! The watchdog: kills the sandbox if the run is still going at its deadline, and ends the
//! harness if even that does not let it finish.

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::Exit;
use crate::data::EventKind;
use crate::data::stream::EventLog;
use crate::sandbox::cgroup::Cgroup;

/// How long past the deadline the watchdog waits, after killing the sandbox, before it
/// gives up on the run and ends the harness.
const PATIENCE: Duration = Duration::from_secs(10);

/// Kills the sandbox if the run is still going at its deadline, and ends the harness if even
/// that does not let it finish. Dropped or disarmed, it does nothing.
pub(crate) struct Watchdog {
    cancel: mpsc::Sender<()>,
}

impl Watchdog {
    pub(crate) fn arm(
        deadline: Instant,
        cgroup: Arc<dyn Cgroup>,
        events: Arc<EventLog>,
    ) -> Watchdog {
        let (cancel, wait) = mpsc::channel::<()>();
        let _ = thread::Builder::new()
            .name("watchdog".into())
            .spawn(move || {
                let left = deadline.saturating_duration_since(Instant::now());
                if !matches!(wait.recv_timeout(left), Err(RecvTimeoutError::Timeout)) {
                    return;
                }
                events.record(EventKind::Deadline, crate::t!("event-detail-deadline"));
                let _ = cgroup.kill_all();
                if matches!(wait.recv_timeout(PATIENCE), Err(RecvTimeoutError::Timeout)) {
                    give_up(&*cgroup);
                }
            });
        Watchdog { cancel }
    }

    /// The run finished in time.
    pub(crate) fn disarm(self) {
        let _ = self.cancel.send(());
    }
}

/// Ends the harness, leaving nothing behind even so: every process in the sandbox's cgroups
/// is killed and the cgroups removed first (the supervisor would do the same, later).
fn give_up(cgroup: &dyn Cgroup) -> ! {
    let cleanup = crate::sandbox::cgroup::emergency_teardown(&cgroup.dirs());
    eprintln!(
        "limitlab: the run is stuck 10 s past its deadline after the watchdog killed the sandbox; giving up ({} process(es) killed, {} cgroup(s) could not be removed)",
        cleanup.killed,
        cleanup.stuck.len()
    );
    std::process::exit(Exit::Internal as i32);
}
