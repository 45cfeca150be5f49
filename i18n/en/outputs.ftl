# What the commands print for a person beyond the reports: compare's table, JUnit's failure texts, the cgroup mode, exec, list's frame, a workload run by hand, and the placeholders of --help's usage line.

# compare, junit

## limitlab compare (src/report/compare.rs): the word before each line (padded to 10
## characters, as the table lines them up), the lines, the total

compare-word-regression = REGRESSION
compare-word-better = better
compare-word-changed = changed
compare-word-missing = missing
compare-word-same = same
compare-na = n/a
compare-lost = REGRESSION  in the baseline, but the current results have no summary of it
compare-broken = REGRESSION  expectation { $metric } { $expected } held in the baseline and fails now
compare-percent = { $n }%
compare-nothing-moved = no metric moved more than { $tolerance }%
compare-no-regression = no regression
compare-regressions = { $count } regression(s)

## junit.xml (src/report/junit.rs; the fleet's too): the failure and error texts; the XML
## and its attribute names stay as they are

junit-failure = { $metric } = { $value }, expected { $expected }
junit-teardown-left = teardown left { $count ->
        [one] { $count } thing
       *[other] { $count } things
    } behind

# cgroups, exec, list, workloads

## The cgroup mode as a person reads it (report, fleet report); summary.json keeps
## v1, hybrid, v2 (src/sandbox/cgroup/layout.rs)

cgroup-mode-v1 = cgroup v1
cgroup-mode-hybrid = cgroup v1 hybrid (v1 controllers + cgroup2 tree)
cgroup-mode-v2 = cgroup v2

## limitlab exec (src/cli/exec.rs); --time's lines start with "limitlab exec:" and the init's
## own steps keep their names (setsid, no_new_privs, …)

exec-needs-root = limitlab exec needs root to create cgroups and namespaces; run it with sudo
exec-signal-handlers = install signal handlers: { $error }
exec-did-not-start = limitlab: the command did not start: { $error }
exec-release = release the workload: { $error }
exec-teardown-left = teardown left { $processes ->
        [one] { $processes } process
       *[other] { $processes } processes
    } and { $cgroups ->
        [one] { $cgroups } cgroup
       *[other] { $cgroups } cgroups
    } behind: { $stuck }
exec-timed-out = limitlab: the command was still running after --timeout { $timeout }; killed
exec-time = limitlab exec: cgroups from { $from } in { $grant } ms; sandbox start to exec { $start }; teardown { $teardown } ms ({ $method })
exec-time-start = { $ms } ms
exec-time-never-started = n/a (the command never started)
exec-span = limitlab exec: span { $at } ms { $took } ms  { $step }
exec-step-setup-started = setup started
exec-step-cgroups = cgroups made, limits written
exec-step-init-cloned = init cloned
exec-step-config-sent = config sent
exec-step-ready = ready read by the harness
exec-step-executing = workload executing

## limitlab list's headings and frame (src/cli/info.rs); the keys, kinds, metric names and
## units stay as they are

list-kinds = Workload kinds ([[workload]] kind = "..."):
list-default = { " " }(default: { $value })
list-required = { " " }(required)
list-sandbox = The sandbox ([sandbox] keys):
list-view = What the workload sees:
list-metrics = Metrics ([expect] "metric" = "comparison"):
list-comparisons =
    Comparisons: < <= == != >= > and a number, or an inclusive range low..high; byte and ms
    metrics take units ("< 128MiB", "< 2s"). Escape attempts (kind = "escape", tries = [...]):

## limitlab __workload KIND run by hand (src/cli/workload.rs): what caps it, or why it refuses

workload-refuse = refusing to start { $what } that nothing caps: { $how }. Run it through `limitlab run`, or under a cap such as `systemd-run --scope -p TasksMax=100 -p MemoryMax=256M ...`
workload-refuse-bomb = a bomb
workload-refuse-bomb-why = no pids cgroup limit applies to this process and RLIMIT_NPROC is unlimited (or you are root)
workload-refuse-memhog = a memory hog
workload-refuse-memhog-why = no memory cgroup limit applies to this process and RLIMIT_AS is unlimited
workload-capped-by = limitlab: capped by { $cap }
workload-pids-cap = pids.max = { $max } in { $dir }
workload-memory-cap = a memory limit of { $size } in { $dir }

# --help

## The placeholders clap writes in a usage line (src/cli/help.rs): "Usage: limitlab
## [OPTIONS] <COMMAND>"; English keeps clap's own

usage-options = OPTIONS
usage-command = COMMAND
usage-args = ARGS
