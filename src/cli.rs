//! The command line: what each subcommand takes, and how it maps onto the pipeline.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::host::{self, HostFacts, Status};
use crate::plan::{self, DEFAULT_SAFETY_CEILING, PlanOptions, RunPlan};
use crate::progress::LiveStatus;
use crate::report::{ResultsDir, summary, terminal};
use crate::sandbox::cgroup::Layout;
use crate::sandbox::{init, sys};
use crate::workloads::{self, BombStyle};
use crate::{Exit, coded, exit_of};

const EXAMPLES: &str = "\
Examples:
  limitlab run scenarios/forkbomb.toml          fork bomb against pids.max = 100
  limitlab run scenarios/*.toml --quiet         every shipped scenario, verdicts only
  limitlab run scenarios/forkbomb.toml --out /tmp/fb
  limitlab validate scenarios/*.toml            check files without running anything
  limitlab doctor                               what this machine can and cannot do

Exit codes: 0 every expectation held, 1 an expectation failed, 2 bad input or usage,
3 the host cannot run it (not root, a controller missing), 4 internal error or a leak.";

#[derive(Debug, Parser)]
#[command(
    name = "limitlab",
    version,
    about = "Prove that resource limits hold: run hostile workloads in cgroup-limited sandboxes, measure, report",
    long_about = "limitlab starts an isolated sandbox (pid, mount, net, uts, ipc and cgroup namespaces) \
inside cgroups with the limits a scenario file asks for, runs an attack workload in it (a fork bomb, or any \
command), samples the cgroup over time, tears everything down without leaking a process, writes CSV and JSON \
evidence, and exits non-zero when an expectation fails.",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and check their expectations
    #[command(after_help = "\
Each run writes results/<name>/<UTC timestamp>/ (or --out): samples.csv (raw counters every
interval), events.csv (limit hits, OOM kills, workload exits, teardown), workload.log (the
workload's output) and summary.json (limits as written, metrics, expectations, verdict).

Examples:
  limitlab run scenarios/forkbomb.toml
  limitlab run scenarios/forkbomb.toml scenarios/forkbomb-perl.toml --quiet
  limitlab run scenarios/forkbomb.toml --out /tmp/forkbomb-run")]
    Run(RunArgs),
    /// Check scenario files without running them (exit 2 on the first bad one)
    Validate {
        /// Scenario files (TOML)
        #[arg(required = true, value_name = "SCENARIO")]
        scenarios: Vec<PathBuf>,
    },
    /// Report what this machine can do: cgroup mode, controllers, PSI, cgroup.kill, namespaces
    Doctor,
    /// The sandbox init (started by `run`, not by hand)
    #[command(name = "__init", hide = true)]
    Init,
    /// Run a built-in workload in this process (used inside the sandbox)
    #[command(name = "__workload", hide = true)]
    Workload(WorkloadArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (TOML); all are validated before any runs
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Write results here instead of results/<name>/<timestamp>/ (with several scenarios:
    /// DIR/<name>/)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The pids cap for scenarios that set none (limits.pids absent or "max")
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SAFETY_CEILING,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub safety_ceiling: u64,
    /// Print only the verdicts, no live status
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct WorkloadArgs {
    #[command(subcommand)]
    pub kind: WorkloadKind,
}

#[derive(Debug, Subcommand)]
pub enum WorkloadKind {
    /// A fork bomb; refuses to start unless a pids limit applies to it
    Forkbomb {
        #[arg(long, value_enum, default_value = "classic")]
        style: BombStyle,
        /// The counter page (passed by the sandbox init)
        #[arg(long)]
        counters_fd: Option<i32>,
        /// This workload's slot in the counter page
        #[arg(long, default_value_t = 0)]
        slot: usize,
    },
}

/// Runs a command line; returns the process exit code.
pub fn dispatch(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate { scenarios } => validate(&scenarios),
        Command::Doctor => Ok(doctor()),
        Command::Init => return init::main().clamp(0, 255) as u8,
        Command::Workload(args) => workloads::main(args.kind),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("limitlab: {e:#}");
            exit_of(&e).into()
        }
    }
}

/// Loads and plans every file; reports every problem of every file.
fn load_all(files: &[PathBuf], opts: &PlanOptions) -> anyhow::Result<Vec<RunPlan>> {
    let mut plans = Vec::new();
    let mut problems = Vec::new();
    for f in files {
        match plan::load(f, opts) {
            Ok(p) => plans.push(p),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if problems.is_empty() {
        Ok(plans)
    } else {
        Err(coded(
            Exit::BadInput,
            format!("invalid scenario\n{}", problems.join("\n")),
        ))
    }
}

fn validate(files: &[PathBuf]) -> anyhow::Result<u8> {
    let plans = load_all(files, &PlanOptions::default())?;
    for p in plans {
        println!(
            "ok  {}: {} for {:?}, {} workload(s), {} expectation(s)",
            p.source.display(),
            p.name,
            p.duration,
            p.workloads.len(),
            p.expectations.len()
        );
    }
    Ok(Exit::Held.into())
}

fn doctor() -> u8 {
    let checks = host::doctor();
    let width = checks.iter().map(|c| c.what.len()).max().unwrap_or(0);
    for c in &checks {
        println!(
            "{:<7} {:<width$}  {}",
            c.status.to_string(),
            c.what,
            c.detail
        );
    }
    if checks.iter().any(|c| c.status == Status::Missing) {
        println!("\nlimitlab cannot run scenarios here until the MISSING lines are fixed.");
        Exit::Host.into()
    } else {
        println!("\nlimitlab can run scenarios here.");
        Exit::Held.into()
    }
}

fn run(args: &RunArgs) -> anyhow::Result<u8> {
    let opts = PlanOptions {
        safety_ceiling: args.safety_ceiling,
        ..PlanOptions::default()
    };
    let plans = load_all(&args.scenarios, &opts)?;
    let mut names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    names.sort();
    if args.out.is_some() && names.windows(2).any(|w| w[0] == w[1]) {
        return Err(coded(
            Exit::BadInput,
            "two scenarios share a name; with --out each needs its own (set name = \"...\")",
        ));
    }
    for p in &plans {
        crate::runner::preflight(p)?;
    }
    if !nix::unistd::geteuid().is_root() {
        return Err(coded(
            Exit::Host,
            "limitlab needs root to create cgroups and namespaces; run it with sudo (`limitlab doctor` shows what else is needed)",
        ));
    }
    let layout = Layout::detect()?;
    let host = HostFacts::probe(Some(&layout));
    sys::catch_stop_signals()
        .map_err(|e| coded(Exit::Internal, format!("install signal handlers: {e}")))?;

    // On pure v2 from a delegated cgroup the harness moves into a leaf for the runs; that is
    // undone after the last one, whatever happened, and a failure to undo it is a leak.
    let mut leaf = layout.prepare()?;
    let outcome = run_plans(&plans, args, &layout, &host);
    let left = leaf.as_mut().map(|l| l.restore()).unwrap_or_default();
    if left.is_empty() {
        return outcome;
    }
    let msg = format!(
        "could not undo the changes to its own cgroup: {}",
        left.join("; ")
    );
    Err(match outcome {
        Ok(_) => coded(Exit::Internal, msg),
        Err(e) => e.context(msg),
    })
}

fn run_plans(
    plans: &[RunPlan],
    args: &RunArgs,
    layout: &Layout,
    host: &HostFacts,
) -> anyhow::Result<u8> {
    let mut worst = Exit::Held;
    for p in plans {
        let dir = match &args.out {
            Some(out) if plans.len() == 1 => ResultsDir::exact(out)?,
            Some(out) => ResultsDir::exact(&out.join(&p.name))?,
            None => ResultsDir::timestamped(Path::new("results"), &p.name)?,
        };
        let code = run_one(p, layout, host, &dir, args.quiet)?;
        worst = worst.max(code);
        if let Some(sig) = sys::stop_signal() {
            return Ok(128 + sig as u8);
        }
    }
    Ok(worst.into())
}

fn run_one(
    p: &RunPlan,
    layout: &Layout,
    host: &HostFacts,
    dir: &ResultsDir,
    quiet: bool,
) -> anyhow::Result<Exit> {
    let mut status = LiveStatus::new(p, quiet);
    if p.limits.pids.source == plan::PidsSource::SafetyCeiling {
        status.say(&format!(
            "{}: no pids limit in the scenario; limitlab's safety ceiling pids.max = {} applies",
            p.name, p.limits.pids.max
        ));
    }
    let record = crate::runner::run(p, layout, host, dir, &mut status);
    status.finish();
    let record = record.inspect_err(|_| dir.discard_if_unused())?;
    let summary = summary::build(&record, Vec::new());
    summary::write(&dir.file("summary.json"), &summary).map_err(|e| {
        coded(
            Exit::Internal,
            format!("write {}: {e}", dir.file("summary.json").display()),
        )
    })?;
    let mut out = std::io::stdout().lock();
    terminal::print(&mut out, &summary, &dir.path)?;
    out.flush()?;
    Ok(summary::exit_code(&summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_shows_examples() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("limitlab run scenarios/forkbomb.toml"));
        assert!(!help.contains("__init"), "internal commands stay hidden");
    }
}
