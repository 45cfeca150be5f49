//! The watchdog: kills the sandbox if the run is still going at its deadline, and ends the
//! harness if even that does not let it finish.

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::Exit;
use crate::data::EventKind;
use crate::data::stream::EventLog;
use crate::sandbox::cgroup::{Cgroup, teardown};

/// How long the watchdog waits, after killing the sandbox at the deadline, for the run to
/// finish without progress (no fewer processes left in the sandbox: see
/// [`teardown::Progress`]) before it gives up on the run and ends the harness. While the
/// killed processes are still leaving (slowly, on a starved machine) it waits on, up to
/// [`teardown::PROGRESS_CAP`].
const PATIENCE: Duration = Duration::from_secs(10);
/// How often it looks at what is left meanwhile.
const LOOK: Duration = Duration::from_millis(500);

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
                let mut progress = teardown::Progress::new(PATIENCE);
                let dirs = cgroup.dirs();
                while matches!(wait.recv_timeout(LOOK), Err(RecvTimeoutError::Timeout)) {
                    if !progress.go_on(teardown::listed(&dirs).len()) {
                        give_up(&*cgroup);
                    }
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
    eprintln!("{}", gave_up(cleanup.killed, cleanup.stuck.len()));
    std::process::exit(Exit::Internal as i32);
}

/// What the harness says as the watchdog gives up: `killed` processes killed, `stuck`
/// cgroups left.
fn gave_up(killed: usize, stuck: usize) -> String {
    crate::t!(
        "run-watchdog-gave-up",
        patience = PATIENCE.as_secs(),
        killed = crate::i18n::count(killed).ungrouped(),
        stuck = crate::i18n::count(stuck).ungrouped()
    )
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, with};

    #[test]
    fn the_give_up_line_counts_in_the_run_language() {
        assert_eq!(
            with(Lang::En, || super::gave_up(1, 0)),
            "limitlab: the run is stuck past its deadline: 10 s after the watchdog killed the sandbox, nothing is moving; giving up (1 process killed, 0 cgroups could not be removed)"
        );
        assert!(
            with(Lang::En, || super::gave_up(3, 1))
                .ends_with("giving up (3 processes killed, 1 cgroup could not be removed)")
        );
        assert_eq!(
            with(Lang::Es, || super::gave_up(1, 2)),
            "limitlab: la ejecución está atascada después de su plazo: 10 s después de que el watchdog matara el sandbox, nada avanza; se abandona la ejecución (1 proceso matado, 2 cgroups no se pudieron eliminar)"
        );
        assert!(
            with(Lang::Es, || super::gave_up(4, 1))
                .ends_with("(4 procesos matados, 1 cgroup no se pudo eliminar)")
        );
    }
}
