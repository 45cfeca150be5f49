//! The command line: what each subcommand takes, and how it maps onto the pipeline.

pub mod docs;
mod doctor;
mod exec;
mod exit;
pub mod help;
mod info;
mod report;
mod run;
mod workload;

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::Exit;
use crate::plan::{DEFAULT_SAFETY_CEILING, PlanOptions};
use crate::sandbox::cgroup::grant::Grant;
use crate::sandbox::cgroup::scopes;
use crate::sandbox::cgroup::{Layout, Leftover, emergency_teardown};
use crate::sandbox::init;
use crate::workloads;
pub use exit::exit_of;

const EXAMPLES: &str = "\
Examples:
  limitlab run scenarios/forkbomb.toml          fork bomb against pids.max = 100
  limitlab run scenarios/*.toml --quiet         every shipped scenario, verdicts only
  limitlab run scenarios/forkbomb.toml --out /tmp/fb
  limitlab exec --pids 50 --memory 64MiB -- perl -e 'fork while fork'   one command, no report
  limitlab run scenarios/coursework.toml        a sweep: one run per [matrix] cell, one report
  limitlab run scenarios/*.toml --junit junit.xml --quiet      for CI
  limitlab report results/forkbomb/20261129T064534Z             re-render a run's report
  limitlab compare results/old results/new --tolerance 20      gate on regressions
  limitlab run scenarios/*.toml --node n1 --format json > n1.jsonl   one JSON line per run
  limitlab merge n1.jsonl n2.jsonl results/ --out fleet        one report for many nodes
  limitlab validate scenarios/*.toml            check files without running anything
  limitlab doctor                               what this machine can and cannot do
  limitlab run scenarios/forkbomb.toml          (not root) rootless: a user namespace, and under
                                                systemd a delegated scope from your user manager

Exit codes: 0 every expectation held, 1 an expectation failed, 2 bad input or usage,
3 the host cannot run it (a controller missing; without root, no user namespaces or no
delegated cgroup), 4 internal error or a leak.";

#[derive(Debug, Parser)]
#[command(
    name = "limitlab",
    version = crate::VERSION,
    about = "Prove that resource limits hold: run hostile workloads in cgroup-limited sandboxes, measure, report",
    long_about = "limitlab starts an isolated sandbox (pid, mount, net, uts, ipc and cgroup namespaces) \
inside cgroups with the limits a scenario file asks for, runs an attack workload in it (a fork bomb, or any \
command), samples the cgroup over time, tears everything down without leaking a process, writes CSV and JSON \
evidence, and exits non-zero when an expectation fails.",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// The language of what limitlab writes for people: terminal, reports, charts, errors
    /// [default: from LC_ALL, LC_MESSAGES or LANG (es_CO.UTF-8 → es), else en]
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<crate::i18n::Lang>,
    #[command(subcommand)]
    pub command: Command,
}

/// This process's command line, with `--help` and clap's errors in the language it asks
/// for ([`help::parse`]); sets that language for the process.
pub fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    sandbox_init(&args).unwrap_or_else(|| help::parse(args))
}

/// The sandbox init's command line, `limitlab __init` exactly as the harness writes it
/// (`sandbox::start`), taken without clap: building clap's whole command tree is ~0.1 ms of
/// the init's start, which is on the sandbox's start path. Anything else is clap's.
fn sandbox_init(args: &[std::ffi::OsString]) -> Option<Cli> {
    (args.len() == 2 && args[1] == "__init").then_some(Cli {
        lang: None,
        command: Command::SandboxInit,
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and check their expectations
    #[command(after_help = "\
Each run writes results/<name>/<UTC timestamp>/ (or --out): samples.csv (raw counters every
interval), events.csv (limit hits, OOM kills, workload exits, teardown), workload.log (the
workload's output), summary.json (limits as written, metrics, expectations, verdict), and
report.md / report.html with charts. A scenario with a [matrix] table is a sweep: one folder
per cell and a combined report comparing them.

Examples:
  limitlab run scenarios/forkbomb.toml
  limitlab run scenarios/forkbomb.toml scenarios/forkbomb-perl.toml --quiet
  limitlab run scenarios/forkbomb.toml --out /tmp/forkbomb-run
  limitlab run scenarios/*.toml --junit junit.xml --format json > summaries.jsonl")]
    Run(RunArgs),
    /// Run one command in a sandbox under limits, without sampling or a report
    #[command(after_help = "\
The same sandbox as `run` (cgroups created and limits written before anything runs; pid,
mount, net, uts, ipc and cgroup namespaces; uid 65534 without capabilities, no_new_privs,
the syscall filter), with this process's stdin, stdout and stderr passed through and
nothing else around it: no sampler, no results folder, no report. Without --pids the safety
ceiling caps it; without --memory, half the host's memory. Everything is killed and the
cgroups removed when the command's first process exits, at --timeout, or on Ctrl-C.

Exit status: the command's own (128+N when a signal N killed it), 124 when --timeout
killed it, otherwise limitlab's: 2 bad input (the program cannot be found or started),
3 the host cannot do it, 4 internal error or something left behind.

Examples:
  limitlab exec -- /bin/true                                   the bare cost of a sandbox
  limitlab exec --time -- /bin/true                            ... and say where it went
  limitlab exec --pids 50 -- perl -e 'fork while fork'         a bomb held at 50 tasks
  limitlab exec --memory 64MiB -- python3 -c 'b = bytearray(1 << 30)'   OOM-killed: 137
  limitlab exec --cpu 0.5 --timeout 3s -- sh -c 'while :; do :; done'  half a core, 124")]
    Exec(ExecArgs),
    /// Re-render charts and reports from a results folder alone (a run or a sweep)
    #[command(after_help = "\
Reads summary.json, samples.csv and events.csv (or sweep.json and its cells) and writes
report.md, report.html and the charts again; the live system is not touched.

Example:
  limitlab report results/forkbomb/20261129T064534Z")]
    Report {
        /// A run's or a sweep's results folder
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Compare two results (runs or sweeps) metric by metric; exit 1 on a regression
    #[command(after_help = "\
A regression is an expectation that held in BASELINE and fails in CURRENT, or a metric
that moved more than --tolerance percent in its bad direction (latencies, leaks, what the
host feels: up is bad). Metrics that only describe the attack are shown but never fail.

BASELINE and CURRENT may also be fleets (a file of JSON lines, or a folder of results from
many nodes, as `limitlab merge` reads them): then each node x scenario is compared with the
same node's in the baseline, and a node (or a node's scenario) the baseline has and the
current fleet lacks is a regression.

Examples:
  limitlab compare results/forkbomb/20261101T000000Z results/forkbomb/20261129T064534Z
  limitlab compare fleet-last-week.jsonl fleet-today.jsonl --tolerance 25")]
    Compare {
        #[arg(value_name = "BASELINE")]
        baseline: PathBuf,
        #[arg(value_name = "CURRENT")]
        current: PathBuf,
        /// How far, in percent, a metric may move in its bad direction
        #[arg(long, value_name = "PCT", default_value_t = 10.0)]
        tolerance: f64,
    },
    /// Merge the results of many nodes into one fleet report; exit 1 if a node failed
    #[command(after_help = "\
Each INPUT is a results folder (every summary.json beneath it is read: runs, sweep cells, a
tree of folders copied from many hosts, and any *.jsonl file in it) or a file of JSON lines,
one run's summary a line, as `limitlab run --format json` prints them (lines that are not
JSON, such as log lines in `kubectl logs`, are skipped). A run is labelled with the node it
ran on: `limitlab run --node NAME` (or the NODE_NAME environment variable, which the
Kubernetes Downward API can set), else its hostname.

Writes into --out (default results/fleet/<UTC timestamp>/): report.md, report.html (one
self-contained file), junit.xml (a test suite per node, a test case per node x scenario)
and a chart per scenario comparing the nodes (nodes-N.svg, .png). The report has the
verdicts of every node x scenario with the key numbers, the worst node per metric, and which
nodes differ in kernel, cgroup mode, container runtime or limitlab version.

Exit codes: 0 every node held, 1 an expectation failed on some node, 2 bad input.

Examples:
  limitlab run scenarios/*.toml --node worker-1 --format json > worker-1.jsonl
  limitlab merge worker-1.jsonl worker-2.jsonl --out fleet
  kubectl logs -l job-name=limitlab --prefix > fleet.jsonl && limitlab merge fleet.jsonl
  limitlab merge artifacts/            every summary.json and *.jsonl beneath artifacts/
  limitlab compare baseline.jsonl fleet.jsonl    per node; a node gone is a regression")]
    Merge {
        /// Results folders or files of JSON lines
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Write the fleet report here (created if missing)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Check scenario files without running them (exit 2 on the first bad one)
    Validate {
        /// Scenario files (TOML)
        #[arg(required = true, value_name = "SCENARIO")]
        scenarios: Vec<PathBuf>,
    },
    /// Report what this machine can do: cgroup mode, controllers, PSI, cgroup.kill, namespaces
    Doctor,
    /// List the workload kinds with their options and defaults, and every metric [expect] knows
    List,
    /// Write a commented starter scenario
    #[command(
        after_help = "Example:\n  limitlab init --kind memhog my-memhog.toml && limitlab run my-memhog.toml"
    )]
    Init {
        /// forkbomb, threadbomb, memhog, cpuspin, escape or command
        #[arg(long, default_value = "forkbomb")]
        kind: String,
        /// The file to create (never overwritten)
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print the JSON Schema of scenario files (for editors: taplo, Even Better TOML)
    Schema,
    /// Print shell completions
    #[command(
        after_help = "Example:\n  limitlab completions bash > /etc/bash_completion.d/limitlab"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    #[command(after_help = "Example:\n  limitlab man > /usr/local/share/man/man1/limitlab.1")]
    Man,
    /// Print docs/scenario.md (generated from the code)
    #[command(name = "__docs", hide = true)]
    Docs,
    /// Remove what runs left behind (a harness killed with SIGKILL): limitlab's own cgroups
    /// beneath this process's cgroups whose harness is gone, and any process still in them
    Clean,
    /// The supervisor that empties a sandbox if the harness dies (started by `run`)
    #[command(name = "__supervise", hide = true)]
    Supervise,
    /// The sandbox init (started by `run`, not by hand)
    #[command(name = "__init", hide = true)]
    SandboxInit,
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
    /// The memory cap for scenarios that set no limits.memory, e.g. 8GiB [default: half of
    /// the host's memory]
    #[arg(long, value_name = "SIZE", value_parser = parse_size_arg)]
    pub memory_ceiling: Option<u64>,
    /// Print only the verdicts, no live status
    #[arg(long, short)]
    pub quiet: bool,
    /// Run inside an existing container or beneath a cgroup instead of a new sandbox (replaces
    /// the scenario's [target]): pid:1234, lxc:NAME, docker:NAME, podman:NAME, lxd:NAME,
    /// incus:NAME, cgroup:/system.slice/x.slice, cgroup:self (the cgroups limitlab runs in:
    /// in a container, its limits)
    #[arg(long, value_name = "KIND:VALUE", value_parser = parse_target_arg)]
    pub target: Option<crate::plan::TargetSpec>,
    /// Also write JUnit XML here: one test case per expectation per run
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// text: verdicts for people; json: each run's summary as one JSON line on stdout (what
    /// `limitlab merge` reads from many hosts, e.g. collected with `kubectl logs`)
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// The node this run is labelled with in a fleet report (`limitlab merge`); recorded in
    /// summary.json's host section [default: the hostname]
    #[arg(long, value_name = "NAME", env = "NODE_NAME", value_parser = parse_node_arg)]
    pub node: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// pids.max for the sandbox [default: the safety ceiling]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub pids: Option<u64>,
    /// The memory limit, e.g. 256MiB [default: half the host's memory]
    #[arg(long, value_name = "SIZE")]
    pub memory: Option<String>,
    /// The CPU quota in cores, e.g. 0.5
    #[arg(long, value_name = "CORES")]
    pub cpu: Option<f64>,
    /// Kill the command after this long, e.g. 30s (exit status 124)
    #[arg(long, value_name = "DURATION", default_value = "10m")]
    pub timeout: String,
    /// The pids cap when --pids is not given
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SAFETY_CEILING,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub safety_ceiling: u64,
    /// Print on stderr how long the sandbox took to start the command and to tear down
    #[arg(long)]
    pub time: bool,
    /// The program and its arguments (looked up in PATH)
    #[arg(required = true, last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct WorkloadArgs {
    #[command(subcommand)]
    pub kind: workloads::Builtin,
}

fn parse_target_arg(text: &str) -> Result<crate::plan::TargetSpec, String> {
    crate::plan::TargetSpec::parse(text)
}

fn parse_node_arg(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() || t.len() > 253 || t.chars().any(|c| c.is_control()) {
        return Err(crate::t!("arg-bad-node", text = format!("{text:?}")));
    }
    Ok(t.to_string())
}

fn parse_size_arg(text: &str) -> Result<u64, String> {
    crate::units::parse_size(text)
}

/// Runs a command line; returns the process exit code.
pub fn dispatch(cli: Cli) -> u8 {
    crate::i18n::set(cli.lang.unwrap_or_else(crate::i18n::Lang::from_env));
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Exec(args) => exec::exec(&args),
        Command::Report { dir } => report::report(&dir),
        Command::Compare {
            baseline,
            current,
            tolerance,
        } => report::compare(&baseline, &current, tolerance),
        Command::Merge { inputs, out } => report::merge(&inputs, out.as_deref()),
        Command::Validate { scenarios } => validate(&scenarios),
        Command::Doctor => Ok(doctor::run()),
        Command::Clean => clean(),
        Command::Supervise => return crate::sandbox::supervisor::main().clamp(0, 255) as u8,
        Command::SandboxInit => return init::main().clamp(0, 255) as u8,
        Command::List => info::list(),
        Command::Init { kind, file } => info::init(&kind, &file),
        Command::Schema => {
            print!("{}", crate::scenario::schema::schema_text());
            Ok(Exit::Held.into())
        }
        Command::Docs => {
            print!("{}", docs::scenario_markdown());
            Ok(Exit::Held.into())
        }
        Command::Completions { shell } => info::completions(shell),
        Command::Man => info::man(),
        Command::Workload(args) => workload::run(args.kind),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("limitlab: {e:#}");
            exit_of(&e).into()
        }
    }
}

fn validate(files: &[PathBuf]) -> anyhow::Result<u8> {
    for l in run::load_all(files, &PlanOptions::default())? {
        let p = &l.plans[0];
        let cells = if l.sweep {
            crate::t!("validate-sweep", cells = l.plans.len())
        } else {
            String::new()
        };
        println!(
            "ok  {}",
            crate::t!(
                "validate-ok",
                source = l.source.display(),
                name = p.name,
                duration = crate::i18n::number(format!("{:?}", p.duration)),
                workloads = crate::i18n::count(p.workloads.len()).ungrouped(),
                expectations = crate::i18n::count(p.expectations.len()).ungrouped(),
                cells = cells
            )
        );
    }
    Ok(Exit::Held.into())
}

/// What `clean` did about one leftover: the line it prints, and whether something stayed.
struct Cleaned {
    line: String,
    stuck: bool,
}

impl Cleaned {
    /// A systemd scope left by a harness that is gone, stopped or not.
    fn scope(s: scopes::StaleScope) -> Cleaned {
        Cleaned {
            line: s.to_string(),
            stuck: s.error.is_some(),
        }
    }

    /// A runtime limit put back, or not, on an LXD or Incus container: a limit that could
    /// not be put back stays recorded for the next try, and is not counted as stuck.
    fn runtime_limit(line: String) -> Cleaned {
        Cleaned { line, stuck: false }
    }

    /// A leftover sandbox's cgroups emptied and removed, or some of them not.
    fn leftover(l: &Leftover) -> Cleaned {
        let c = emergency_teardown(&l.dirs);
        let mut line = removed(l, c.killed, l.dirs.len() - c.stuck.len());
        for (d, e) in &c.stuck {
            line += &crate::t!("clean-could-not-remove", dir = d.display(), error = e);
        }
        Cleaned {
            line,
            stuck: !c.stuck.is_empty(),
        }
    }
}

/// What `clean` says of a leftover it removed: `killed` processes, `dirs` cgroup dirs.
fn removed(l: &Leftover, killed: usize, dirs: usize) -> String {
    crate::t!(
        "clean-removed",
        name = l.name,
        owner = l.owner,
        killed = crate::i18n::count(killed).ungrouped(),
        dirs = crate::i18n::count(dirs).ungrouped()
    )
}

/// Removes leftovers; returns what was done about each.
fn clean_leftovers(layout: &Layout) -> Vec<Cleaned> {
    let mut done: Vec<Cleaned> = scopes::stale_scopes()
        .into_iter()
        .map(Cleaned::scope)
        .collect();
    // A runtime limit a killed run set on an LXD or Incus container (see crate::sandbox::lxd).
    done.extend(
        crate::sandbox::lxd::restore_pending()
            .into_iter()
            .map(Cleaned::runtime_limit),
    );
    done.extend(layout.leftovers().iter().map(Cleaned::leftover));
    done
}

fn clean() -> anyhow::Result<u8> {
    // Without root this cleans what a rootless harness left in the delegated subtree.
    let layout = Layout::detect()?;
    let done = clean_leftovers(&layout);
    if done.is_empty() {
        println!("{}", crate::t!("clean-nothing"));
    }
    for c in &done {
        println!("{}", c.line);
    }
    let stuck = done.iter().any(|c| c.stuck);
    Ok(if stuck { Exit::Internal } else { Exit::Held }.into())
}

/// Runs `f` as a harness beneath the cgroup limitlab may use ([`Grant`]): where systemd owns
/// the tree and limitlab's own cgroup is not its to manage, this first gets a delegated
/// scope from systemd and moves the harness into it; `f` gets the layout as seen from there.
/// A host problem (exit 3) says where the cgroups came from and why.
fn as_harness(
    description: &str,
    f: impl FnOnce(&Layout, &Grant) -> anyhow::Result<u8>,
) -> anyhow::Result<u8> {
    let mut grant = Grant::obtain(description)?;
    if let Some(e) = &grant.decision().unreachable {
        eprintln!(
            "limitlab: {}",
            crate::t!("err-systemd-unreachable", error = e)
        );
    }
    grant
        .layout()
        .map_err(anyhow::Error::from)
        .and_then(|layout| f(&layout, &grant))
        .map_err(|e| {
            if exit_of(&e) == Exit::Host && Path::new("/run/systemd/system").exists() {
                e.context(grant.context())
            } else {
                e
            }
        })
}

/// Runs `f` as a harness: on pure v2 from a delegated cgroup the harness first moves into a
/// leaf of its own ([`Layout::prepare`]); that is undone afterwards, whatever happened, and a
/// failure to undo it is a leak (exit 4), reported with `f`'s own error when it had one.
fn in_harness_leaf(layout: &Layout, f: impl FnOnce() -> anyhow::Result<u8>) -> anyhow::Result<u8> {
    let mut leaf = layout.prepare()?;
    let outcome = f();
    let left = leaf.as_mut().map(|l| l.restore()).unwrap_or_default();
    if left.is_empty() {
        return outcome;
    }
    let msg = crate::t!("err-undo-own-cgroup", left = left.join("; "));
    Err(match outcome {
        Ok(_) => crate::coded(Exit::Internal, msg),
        Err(e) => e.context(msg),
    })
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
    fn the_init_command_line_taken_without_clap_is_the_one_clap_takes() {
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let init = args(&["limitlab", "__init"]);
        let fast = sandbox_init(&init).expect("the harness's own line");
        let clap = <Cli as clap::Parser>::try_parse_from(&init).unwrap();
        assert!(matches!(fast.command, Command::SandboxInit) && fast.lang.is_none());
        assert!(matches!(clap.command, Command::SandboxInit) && clap.lang.is_none());
        for other in [
            &["limitlab", "--lang", "es", "__init"][..],
            &["limitlab", "__init", "--help"],
            &["limitlab", "__workload", "forkbomb"],
            &["limitlab"],
        ] {
            assert!(sandbox_init(&args(other)).is_none(), "{other:?}");
        }
    }

    #[test]
    fn clean_counts_in_the_plural_they_take() {
        use crate::i18n::{Lang, with};
        let l = Leftover {
            name: "limitlab.7.0".into(),
            owner: 7,
            dirs: Vec::new(),
        };
        let said = |lang, killed, dirs| with(lang, || removed(&l, killed, dirs));
        assert_eq!(
            said(Lang::En, 1, 1),
            "removed limitlab.7.0 (left by harness pid 7): 1 process killed, 1 cgroup dir"
        );
        assert_eq!(
            said(Lang::En, 0, 3),
            "removed limitlab.7.0 (left by harness pid 7): 0 processes killed, 3 cgroup dirs"
        );
        assert_eq!(
            said(Lang::Es, 1, 1),
            "se eliminó limitlab.7.0 (dejado por el arnés con pid 7): 1 proceso matado, 1 carpeta de cgroup"
        );
        assert_eq!(
            said(Lang::Es, 2, 3),
            "se eliminó limitlab.7.0 (dejado por el arnés con pid 7): 2 procesos matados, 3 carpetas de cgroup"
        );
    }

    #[test]
    fn help_shows_examples() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("limitlab run scenarios/forkbomb.toml"));
        assert!(!help.contains("__init"), "internal commands stay hidden");
    }
}
