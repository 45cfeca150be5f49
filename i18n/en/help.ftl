# `--help`: the commands' and options' help text.
# The English of each text is the doc comment or #[command] attribute in src/cli/mod.rs it
# stands for, word for word (tests/cli.rs checks); English --help is rendered from those, and
# these are what the translation follows. Ids come from where a text sits (src/cli/help.rs):
# help-<command> (the list of commands), -long (its own --help), -after (after the options),
# help-<command>-<option> (an option's help), -long, -<value> (a possible value's help);
# help-limitlab… is the top level.

## The commands and their options

help-limitlab = Prove that resource limits hold: run hostile workloads in cgroup-limited sandboxes, measure, report
help-limitlab-long = limitlab starts an isolated sandbox (pid, mount, net, uts, ipc and cgroup namespaces) inside cgroups with the limits a scenario file asks for, runs an attack workload in it (a fork bomb, or any command), samples the cgroup over time, tears everything down without leaking a process, writes CSV and JSON evidence, and exits non-zero when an expectation fails.
help-limitlab-after =
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
    delegated cgroup), 4 internal error or a leak.
help-limitlab-lang = The language of what limitlab writes for people: terminal, reports, charts, errors [default: from LC_ALL, LC_MESSAGES or LANG (es_CO.UTF-8 → es), else en]
help-limitlab-lang-en = English (the default)
help-limitlab-lang-es = Spanish (español)
help-run = Run scenarios and check their expectations
help-run-after =
    Each run writes results/<name>/<UTC timestamp>/ (or --out): samples.csv (raw counters every
    interval), events.csv (limit hits, OOM kills, workload exits, teardown), workload.log (the
    workload's output), summary.json (limits as written, metrics, expectations, verdict), and
    report.md / report.html with charts. A scenario with a [matrix] table is a sweep: one folder
    per cell and a combined report comparing them.

    Examples:
      limitlab run scenarios/forkbomb.toml
      limitlab run scenarios/forkbomb.toml scenarios/forkbomb-perl.toml --quiet
      limitlab run scenarios/forkbomb.toml --out /tmp/forkbomb-run
      limitlab run scenarios/*.toml --junit junit.xml --format json > summaries.jsonl
help-run-scenarios = Scenario files (TOML); all are validated before any runs
help-run-out = Write results here instead of results/<name>/<timestamp>/ (with several scenarios: DIR/<name>/)
help-run-safety-ceiling = The pids cap for scenarios that set none (limits.pids absent or "max")
help-run-memory-ceiling = The memory cap for scenarios that set no limits.memory, e.g. 8GiB [default: half of the host's memory]
help-run-quiet = Print only the verdicts, no live status
help-run-target = Run inside an existing container or beneath a cgroup instead of a new sandbox (replaces the scenario's [target]): pid:1234, lxc:NAME, docker:NAME, podman:NAME, lxd:NAME, incus:NAME, cgroup:/system.slice/x.slice, cgroup:self (the cgroups limitlab runs in: in a container, its limits)
help-run-junit = Also write JUnit XML here: one test case per expectation per run
help-run-format = text: verdicts for people; json: each run's summary as one JSON line on stdout (what `limitlab merge` reads from many hosts, e.g. collected with `kubectl logs`)
help-run-node = The node this run is labelled with in a fleet report (`limitlab merge`); recorded in summary.json's host section [default: the hostname]
help-exec = Run one command in a sandbox under limits, without sampling or a report
help-exec-after =
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
      limitlab exec --cpu 0.5 --timeout 3s -- sh -c 'while :; do :; done'  half a core, 124
help-exec-pids = pids.max for the sandbox [default: the safety ceiling]
help-exec-memory = The memory limit, e.g. 256MiB [default: half the host's memory]
help-exec-cpu = The CPU quota in cores, e.g. 0.5
help-exec-timeout = Kill the command after this long, e.g. 30s (exit status 124)
help-exec-safety-ceiling = The pids cap when --pids is not given
help-exec-time = Print on stderr how long the sandbox took to start the command and to tear down
help-exec-command = The program and its arguments (looked up in PATH)
help-report = Re-render charts and reports from a results folder alone (a run or a sweep)
help-report-after =
    Reads summary.json, samples.csv and events.csv (or sweep.json and its cells) and writes
    report.md, report.html and the charts again; the live system is not touched.

    Example:
      limitlab report results/forkbomb/20261129T064534Z
help-report-dir = A run's or a sweep's results folder
help-compare = Compare two results (runs or sweeps) metric by metric; exit 1 on a regression
help-compare-after =
    A regression is an expectation that held in BASELINE and fails in CURRENT, or a metric
    that moved more than --tolerance percent in its bad direction (latencies, leaks, what the
    host feels: up is bad). Metrics that only describe the attack are shown but never fail.

    BASELINE and CURRENT may also be fleets (a file of JSON lines, or a folder of results from
    many nodes, as `limitlab merge` reads them): then each node x scenario is compared with the
    same node's in the baseline, and a node (or a node's scenario) the baseline has and the
    current fleet lacks is a regression.

    Examples:
      limitlab compare results/forkbomb/20261101T000000Z results/forkbomb/20261129T064534Z
      limitlab compare fleet-last-week.jsonl fleet-today.jsonl --tolerance 25
help-compare-tolerance = How far, in percent, a metric may move in its bad direction
help-merge = Merge the results of many nodes into one fleet report; exit 1 if a node failed
help-merge-after =
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
      limitlab compare baseline.jsonl fleet.jsonl    per node; a node gone is a regression
help-merge-inputs = Results folders or files of JSON lines
help-merge-out = Write the fleet report here (created if missing)
help-validate = Check scenario files without running them (exit 2 on the first bad one)
help-validate-scenarios = Scenario files (TOML)
help-doctor = Report what this machine can do: cgroup mode, controllers, PSI, cgroup.kill, namespaces
help-list = List the workload kinds with their options and defaults, and every metric [expect] knows
help-init = Write a commented starter scenario
help-init-after =
    Example:
      limitlab init --kind memhog my-memhog.toml && limitlab run my-memhog.toml
help-init-kind = forkbomb, threadbomb, memhog, cpuspin, escape or command
help-init-file = The file to create (never overwritten)
help-schema = Print the JSON Schema of scenario files (for editors: taplo, Even Better TOML)
help-completions = Print shell completions
help-completions-after =
    Example:
      limitlab completions bash > /etc/bash_completion.d/limitlab
help-man = Print the man page (roff)
help-man-after =
    Example:
      limitlab man > /usr/local/share/man/man1/limitlab.1
help-clean = Remove what runs left behind (a harness killed with SIGKILL): limitlab's own cgroups beneath this process's cgroups whose harness is gone, and any process still in them

## What the options accept (clap prints it after "invalid value … for '--node <NAME>':")

arg-bad-node = { $text } is not a node name; use 1 to 253 printable characters, e.g. worker-1

## What clap writes itself: headings, the notes after an option's help, the built-in flags
## and the help subcommand, and its error messages (word for word in English)

help-clap-usage = Usage
help-clap-commands = Commands
help-clap-arguments = Arguments
help-clap-options = Options
help-clap-possible-values = Possible values
help-clap-default = default
help-clap-values = possible values
help-clap-env = env
help-clap-subcommands = subcommands
help-clap-flag-help = Print help
help-clap-flag-help-more = Print help (see more with '--help')
help-clap-flag-help-summary = Print help (see a summary with '-h')
help-clap-flag-version = Print version
help-clap-help = Print this message or the help of the given subcommand(s)
help-clap-help-command = Print help for the subcommand(s)
help-clap-more = For more information, try '{ $flag }'.
help-clap-tip = tip
help-clap-err-used-twice = the argument '{ $arg }' cannot be used multiple times
help-clap-err-conflict = the argument '{ $arg }' cannot be used with
help-clap-err-conflict-subcommand = the subcommand '{ $name }' cannot be used with
help-clap-err-conflict-others = one or more of the other specified arguments
help-clap-err-no-equals = equal sign is needed when assigning values to '{ $arg }'
help-clap-err-value-required = a value is required for '{ $arg }' but none was supplied
help-clap-err-invalid-value = invalid value '{ $value }' for '{ $arg }'
help-clap-err-unknown-subcommand = unrecognized subcommand '{ $name }'
help-clap-err-missing = the following required arguments were not provided:
help-clap-err-missing-subcommand = '{ $name }' requires a subcommand but one was not provided
help-clap-err-too-many = unexpected value '{ $value }' for '{ $arg }' found; no more were expected
help-clap-err-too-few = { $min } values required by '{ $arg }'; only { $actual } { $provided }
help-clap-err-wrong-number = { $expected } values required for '{ $arg }' but { $actual } { $provided }
help-clap-was-provided = was provided
help-clap-were-provided = were provided
help-clap-err-unknown-argument = unexpected argument '{ $arg }' found
help-clap-not-in-range = { $value } is not in { $range }
help-clap-similar-subcommand = a similar subcommand exists: { $names }
help-clap-similar-subcommands = some similar subcommands exist: { $names }
help-clap-similar-argument = a similar argument exists: { $names }
help-clap-similar-arguments = some similar arguments exist: { $names }
help-clap-similar-value = a similar value exists: { $names }
help-clap-similar-values = some similar values exist: { $names }
help-clap-tip-as-value = to pass '{ $arg }' as a value, use '{ $fix }'
help-clap-tip-exists = '{ $fix }' exists
help-clap-tip-double-dash = subcommand '{ $name }' exists; to use it, remove the '{ $dash }' before it
