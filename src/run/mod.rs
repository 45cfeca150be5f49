//! One run, start to finish, as a pipeline: `setup.rs` (sandbox up, sampler on), the
//! workloads released, `events.rs` (the init's news until the duration ends, the workloads
//! do or a stop signal comes), `teardown.rs` (kill, remove, record). A watchdog
//! (`watchdog.rs`) makes sure no run outlives its deadline.

mod clock;
pub(crate) mod events;
pub mod progress;
mod setup;
mod teardown;
mod watchdog;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::data::EventKind;
use crate::host::HostFacts;
use crate::plan::RunPlan;
use crate::record::RunRecord;
use crate::report::ResultsDir;
use crate::run::events::{RunEvents, Waited};
use crate::run::progress::LiveStatus;
use crate::run::setup::{Sampling, Setup};
use crate::sandbox::cgroup::Layout;
use crate::sandbox::supervisor::Supervisor;
use crate::workloads::WorkloadSpec;
use crate::workloads::command;
use crate::{Exit, coded};

/// How much workload output `workload.log` keeps.
pub const LOG_CAP: u64 = 1 << 20;

/// Checks what can be checked before anything is created: commands exist on the host.
/// `host` (when known) is checked for what the expectations need.
pub fn preflight(plan: &RunPlan, host: Option<&HostFacts>) -> anyhow::Result<()> {
    if let Some(host) = host
        && host.psi_scope == crate::data::PsiScope::None
        && let Some(x) = plan.expectations.iter().find(|x| x.metric.contains("psi"))
    {
        return Err(coded(
            Exit::Host,
            crate::t!(
                "run-psi-missing",
                source = plan.source.display(),
                metric = format!("{:?}", x.metric)
            ),
        ));
    }
    // Each program as the sandbox will see it: one the view hides is bound in, or refused.
    crate::sandbox::view::config_for(plan)
        .map_err(|e| coded(Exit::BadInput, format!("{}: {e}", plan.source.display())))?;
    // Inside a container, its own filesystem decides what exists.
    let joins = plan.target.as_ref().is_some_and(|t| t.joins_namespaces());
    for (i, w) in plan.workloads.iter().enumerate().filter(|_| !joins) {
        if let WorkloadSpec::Command { argv } = &w.spec {
            command::resolve(&argv[0]).map_err(|e| {
                coded(
                    Exit::BadInput,
                    format!("{}: workload[{i}]: {e}", plan.source.display()),
                )
            })?;
        }
    }
    Ok(())
}

/// What every run of one `limitlab run` shares.
pub struct RunEnv {
    pub layout: Layout,
    pub host: HostFacts,
    pub supervisor: Option<Arc<Supervisor>>,
}

/// Stops here, for tests, when `LIMITLAB_TEST_STALL_AT` names this point, so a test can
/// kill the harness at a known moment. Points: `setup` (the sandbox is set up, the workload
/// not released), `teardown` (teardown has begun, nothing is killed yet).
fn stall_point(name: &str) {
    if std::env::var("LIMITLAB_TEST_STALL_AT").as_deref() == Ok(name) {
        eprintln!("limitlab: stalled at {name} (LIMITLAB_TEST_STALL_AT)");
        std::thread::sleep(Duration::from_secs(60));
    }
}

/// How many samples a run holds in memory for its summary and charts (a sample is ~0.5 KiB:
/// ~50 MiB; 100 s at 1 ms, 17 min at 10 ms). A longer run keeps them in `samples.csv` only
/// and its summary and charts are folded from that file after teardown, so the harness's
/// memory stays flat however long it samples (an hour at 1 ms is 3.6 million samples).
/// `LIMITLAB_TEST_SAMPLES_IN_MEMORY` lowers it, for the tests of that path.
pub const SAMPLES_IN_MEMORY: usize = 100_000;

fn samples_in_memory() -> usize {
    std::env::var("LIMITLAB_TEST_SAMPLES_IN_MEMORY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(SAMPLES_IN_MEMORY)
}

/// Runs one plan and returns everything it produced. Results stream into `out`.
pub fn run(
    plan: &RunPlan,
    env: &RunEnv,
    out: &ResultsDir,
    status: &mut LiveStatus,
) -> anyhow::Result<RunRecord> {
    let mut setup = setup::setup(plan, env, out)?;
    // From here on every failure still ends in teardown and a summary marked aborted.
    let mut seen = RunEvents::new(
        plan,
        setup.out.events.clone(),
        setup.sandbox.setup_mono,
        setup.sampling.t0_mono,
    );
    let aborted = match setup.sandbox.sandbox.release() {
        Ok(()) => watch(plan, &setup, &mut seen, status),
        Err(e) => Some(crate::t!("run-release-failed", error = e)),
    };
    Ok(teardown::teardown(
        plan, &env.host, setup, seen, aborted, status,
    ))
}

/// Hands the init's news to `seen`, with the live status on the terminal, for the run's
/// duration or until every workload has ended or a stop signal arrives; says why the run
/// was aborted, if it was.
fn watch(
    plan: &RunPlan,
    setup: &Setup,
    seen: &mut RunEvents<'_>,
    status: &mut LiveStatus,
) -> Option<String> {
    let Sampling { t0, latest, .. } = &setup.sampling;
    let mut last_status = Instant::now() - Duration::from_secs(1);
    let tick = || {
        let now = Instant::now();
        if now.duration_since(last_status) >= Duration::from_millis(100) {
            last_status = now;
            let l = latest.lock().ok().and_then(|l| l.clone());
            status.update(t0.elapsed(), l.as_ref());
        }
    };
    match events::wait_for_workloads(&setup.sandbox.rx, *t0 + plan.duration, seen, tick) {
        Waited::Stopped(sig) => {
            let events = &setup.out.events;
            events.record(
                EventKind::Abort,
                crate::t!("event-detail-abort", signal = sig),
            );
            Some(crate::t!("run-stopped-by", signal = sig))
        }
        Waited::TimeUp | Waited::Over => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::PsiScope;
    use crate::plan::{PlanOptions, plan};
    use crate::scenario::Source;

    fn plan_of(text: &str) -> RunPlan {
        let src = Source::from_text("t.toml", text);
        plan(&src, &src.parse().unwrap(), &PlanOptions::default()).unwrap()
    }

    fn host(psi: PsiScope) -> HostFacts {
        HostFacts {
            hostname: "h".into(),
            kernel: "6.1".into(),
            cgroup_mode: None,
            cpus: 2,
            memory_bytes: None,
            psi_scope: psi,
            root: true,
            uid: Some(0),
            pid_max: None,
            autogroup: None,
            cgroup_source: None,
            cgroup_grant: None,
            node: None,
            runtime: None,
        }
    }

    #[test]
    fn preflight_refuses_psi_expectations_without_psi() {
        let p = plan_of(
            "duration = \"1s\"\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"psi.cpu_some_total_ms\" = \"> 0\"\n",
        );
        let e = preflight(&p, Some(&host(PsiScope::None))).unwrap_err();
        assert_eq!(crate::exit_of(&e), Exit::Host);
        assert!(e.to_string().contains("psi=1"), "{e}");
        assert!(preflight(&p, Some(&host(PsiScope::System))).is_ok());
    }

    #[test]
    fn preflight_and_abort_reasons_are_said_in_the_run_language() {
        use crate::data::stream::EventLog;
        use crate::i18n::{Lang, with};
        use crate::run::events::WorkloadEvents;
        let p = plan_of(
            "duration = \"1s\"\n[[workload]]\nkind = \"forkbomb\"\n[[workload]]\nkind = \"forkbomb\"\n[expect]\n\"psi.cpu_some_total_ms\" = \"> 0\"\n",
        );
        let e = with(Lang::Es, || preflight(&p, Some(&host(PsiScope::None)))).unwrap_err();
        assert!(
            e.to_string().ends_with(": [expect] \"psi.cpu_some_total_ms\" necesita la información de presión (pressure stall information) y este kernel no la tiene (falta /proc/pressure): arranca con psi=1 un kernel compilado con CONFIG_PSI, o quita la expectativa"),
            "{e}"
        );
        let aborted = |lang| {
            with(lang, || {
                let mut seen = RunEvents::new(&p, Arc::new(EventLog::create(None).unwrap()), 0, 0);
                seen.spawn_failed(1, "exec x: ENOENT".into(), 0);
                let mut aborted = None;
                let exits = seen.exits_at_end(1000.0, &mut aborted);
                (aborted.unwrap(), exits)
            })
        };
        let (en, exits) = aborted(Lang::En);
        assert_eq!(
            en,
            "workload 0 (forkbomb) never started: the sandbox init had not started it when the run ended"
        );
        // The record's statuses stay English, whatever the language.
        assert_eq!(exits[0].status, "forkbomb never started");
        let (es, exits) = aborted(Lang::Es);
        assert_eq!(
            es,
            "la carga 0 (forkbomb) nunca arrancó: el init del sandbox no la había arrancado cuando terminó la ejecución"
        );
        assert_eq!(exits[0].status, "forkbomb never started");
        assert_eq!(exits[1].status, "did not start: exec x: ENOENT");
        let could_not = with(Lang::Es, || {
            let mut seen = RunEvents::new(&p, Arc::new(EventLog::create(None).unwrap()), 0, 0);
            seen.spawn_failed(1, "exec x: ENOENT".into(), 0);
            seen.start_failed.unwrap()
        });
        assert_eq!(
            could_not,
            "la carga 1 (forkbomb) no pudo arrancar: exec x: ENOENT"
        );
        assert_eq!(
            with(Lang::Es, || crate::t!("run-stopped-by", signal = "SIGINT")),
            "detenida por SIGINT"
        );
    }

    #[test]
    fn a_workload_forked_but_not_yet_exec_d_at_the_end_was_still_starting() {
        use crate::data::stream::EventLog;
        use crate::i18n::{Lang, with};
        use crate::run::events::WorkloadEvents;
        let p = plan_of(
            "duration = \"3s\"\n[[workload]]\nkind = \"forkbomb\"\n[[workload]]\nkind = \"command\"\nargv = [\"true\"]\nstart_after = \"1s\"\n",
        );
        let ended = |lang| {
            with(lang, || {
                let mut seen = RunEvents::new(&p, Arc::new(EventLog::create(None).unwrap()), 0, 0);
                seen.started(0, 2, 1_000_000);
                seen.forked(1, 1_002_000_000);
                let mut aborted = None;
                let exits = seen.exits_at_end(3000.0, &mut aborted);
                (aborted, exits)
            })
        };
        let (en, exits) = ended(Lang::En);
        assert_eq!(
            en.as_deref(),
            Some(
                "workload 1 (command) was still starting when the run ended: its process was forked at 1.00 s, but its exec had not completed by 3.00 s (in a sandbox whose CPU its other workloads take, a new process can wait that long for a CPU)"
            )
        );
        assert_eq!(exits[0].status, "forkbomb ran until teardown");
        assert_eq!(exits[1].status, "command was still starting");
        let (es, _) = ended(Lang::Es);
        assert!(
            es.as_deref().is_some_and(|r| r
                .starts_with("la carga 1 (command) aún estaba arrancando")
                && r.contains("a los 1,00 s")),
            "{es:?}"
        );
        // Once its exec is seen, it is an ordinary start.
        let mut seen = RunEvents::new(&p, Arc::new(EventLog::create(None).unwrap()), 0, 0);
        seen.started(0, 2, 1_000_000);
        seen.forked(1, 1_002_000_000);
        seen.started(1, 3, 1_900_000_000);
        let mut aborted = None;
        let exits = seen.exits_at_end(3000.0, &mut aborted);
        assert_eq!(aborted, None);
        assert_eq!(exits[1].status, "command ran until teardown");
    }

    #[test]
    fn preflight_refuses_a_missing_program_as_bad_input() {
        let p = plan_of(
            "duration = \"1s\"\n[[workload]]\nkind = \"command\"\nargv = [\"no-such-limitlab-program\"]\n",
        );
        let e = preflight(&p, None).unwrap_err();
        assert_eq!(crate::exit_of(&e), Exit::BadInput);
    }
}
