## Error messages (printed after "limitlab: ")

err-invalid-scenario = invalid scenario
err-shared-name = two scenarios share a name; with --out each needs its own (set name = "...")
err-target-needs-root = { $source }: attacking an existing container joins its namespaces and cgroups, which needs root; run it with sudo
err-signal-handlers = install signal handlers: { $error }
err-supervisor = start the supervisor: { $error }
err-write = write { $path }: { $error }
err-cell = { $source }: cell { $cell }: { $error }
err-write-sweep-report = write the sweep report in { $dir }: { $error }
err-summary-unwritten = the run finished and teardown left nothing behind, but its summary could not be written to { $path }: { $error }
err-write-report = write the report in { $dir }: { $error }
err-print-summary = print the summary: { $error }
err-systemd-unreachable = systemd owns the cgroup tree but could not be asked for a cgroup ({ $error }); working beneath this process's own cgroup, as on a host without systemd
err-undo-own-cgroup = could not undo the changes to its own cgroup: { $left }
err-results-folder = cannot create results folder { $dir }: { $error }
err-no-free-folder = no free results folder name
err-out-not-folder = --out { $dir } exists and is not a folder
err-out-holds-results = --out { $dir } already holds the results of a run ({ $file }); choose another folder, nothing was overwritten
err-out-create = cannot create --out { $dir }: { $error }
err-out-write = cannot write into --out { $dir }: { $error }

## Scenario files: what a value may be (src/plan.rs); printed as FILE:LINE:COLUMN: KEY: MESSAGE

plan-bad-name = { $name } cannot name a results folder; use 1-64 letters, digits, '.', '_' or '-', not starting with '.' (set name = "..." if the file name is unusual)
plan-duration-required = duration is required: how long the workload runs, e.g. duration = "5s"
plan-duration-zero = must be longer than 0
plan-duration-max = must be at most 24h
plan-unknown-namespace = unknown namespace { $namespace }; allowed: "pid", "mount", "net", "uts", "ipc", "cgroup"
plan-namespace-twice = namespace { $namespace } is listed twice
plan-bad-hostname = { $hostname } is not a hostname; use 1-64 letters, digits, '-' and '.'
plan-hostname-needs-uts = needs the "uts" namespace (setting it without one would rename the host)
plan-bad-id = { $value } is not a valid id; use 0..4294967294 (65534 is nobody)
plan-rlimit-small = { $value } is too small; use an integer of at least { $min }
plan-bad-path = { $path } is not allowed; use an absolute path without "..", other than /
plan-bad-device = { $path } is not a device path; use a node under /dev, such as "/dev/fuse"
plan-view-needs-mount = [sandbox] writable, bind and devices need the "mount" namespace (without one the sandbox sees the host's filesystems as they are)
plan-bad-pids = { $value } is not allowed; use a positive integer or "max" (no scenario limit)
plan-swap-needs-memory = needs limits.memory too (on cgroup v1 the swap limit is memory + swap)
plan-bad-cpu = { $value } is not allowed; use a number of cores from 0.01 to 4096, e.g. cpu = 0.5
plan-bad-cpuset = { $value } is not a CPU list; use e.g. "0", "0-1" or "0,2-3"
plan-too-many-workloads = at most { $max } workloads per scenario
plan-workload-required = at least one [[workload]] table is required, e.g. [[workload]] kind = "forkbomb"
plan-interval-small = { $value } is below the minimum of 1ms
plan-interval-long = { $value } is longer than the run's duration
plan-unknown-metric = unknown metric { $metric }{ $hint }; `limitlab list` shows every metric
plan-did-you-mean = { " " }(did you mean { $candidate }?)
plan-view-with-target = [sandbox] writable, bind and devices do not apply to a [target] that is a container: the workload sees the container's own filesystems (drop them, or use a cgroup target)
plan-not-a-size = { $value } is not a size; expected { $help } or an integer number of bytes
plan-size-small = { $size } is too small: { $why }

## Scenario files: reading and parsing (src/scenario.rs), units (src/units.rs)

scenario-cannot-read = cannot read: { $error }
scenario-is-directory = is a directory, expected a scenario .toml file
scenario-not-regular = is not a regular file, expected a scenario .toml file
scenario-too-big = is { $size } bytes; scenario files are limited to { $max } bytes
scenario-more-than = is more than { $max } bytes; scenario files are limited to { $max } bytes
scenario-not-utf8 = is not UTF-8 text (a scenario is a TOML file)
scenario-did-you-mean = { " " }(did you mean `{ $candidate }`?)
scenario-unknown-field = unknown field `{ $name }`{ $hint }, expected one of { $expected }
units-expected = expected { $help }, got { $got }
units-size-no-unit = { $text } has no unit; expected { $help } (a bare TOML integer means bytes)
units-unknown-size-unit = unknown size unit { $unit } in { $text }; expected { $help }
units-too-large = { $text } is too large
units-duration-no-unit = { $text } has no unit; expected { $help }
units-unknown-duration-unit = unknown duration unit { $unit } in { $text }; expected { $help }
units-too-long = { $text } is too long
units-rate-zero = { $text } is zero; a rate must be positive

## Results folders (src/cli/report.rs)

err-not-results-folder = { $dir } is not a results folder
err-neither-run-nor-sweep = { $dir } holds neither summary.json (a run) nor sweep.json (a sweep)
sweep-not-an-index = { $path } is not a limitlab sweep index: { $error }
sweep-format = { $path } holds results format { $format } (written by limitlab { $writer }); this limitlab { $version } reads format { $reads } only
err-tolerance = --tolerance { $tolerance } is out of range; use 0 to 10000 (percent)

## Sweeps and expectations (src/matrix.rs, src/expect.rs)

matrix-cells = makes { $cells } cells; a sweep has 1 to { $max }
matrix-in-cell = in the matrix cell { $label }: { $message }
expect-not-comparison = { $text } is not { $help }
expect-missing-number = missing a number; expected { $help }
expect-not-number = { $text } is not a number

## What the host cannot do (src/sandbox/cgroup/)

cgroup-cannot-write = cannot write { $value } to { $path }: { $error }{ $hint }
cgroup-cannot-read = cannot read { $path }: { $error }
results-cannot-read = cannot read { $path }: { $error }
cgroup-cannot-create = cannot create cgroup { $path }: { $error }{ $hint }
cgroup-hint-permission = { " " }(limitlab needs root, or a cgroup subtree delegated to this user)
cgroup-hint-read-only = { " " }(the cgroup filesystem is mounted read-only here)
cgroup-hint-busy = { " " }(the cgroup holds processes or children)
cgroup-no-cgroup2-entry = cgroup2 is mounted but this process has no cgroup2 entry in /proc/self/cgroup
cgroup-no-pids-controller = the pids controller is not mounted: limitlab cannot cap a fork bomb without it (mount the pids hierarchy, or boot with cgroup v2)
cgroup-v1-missing = the { $controller } controller is not mounted in this cgroup v1 hierarchy, but { $why }
cgroup-no-swap-accounting = the scenario sets limits.swap but this kernel has no swap accounting (memory.memsw.* is missing; boot with swapaccount=1)
cgroup-cpuset = limits.cpuset asks for CPU { $cpu }, but this cgroup may only use CPUs { $available }

## [target] (src/plan.rs)

plan-target-needs-one = needs one of { $kinds }
plan-target-exactly-one = takes exactly one of { $kinds } (and, with lxd or incus, limits_processes)
plan-limits-processes-lxd-only = applies to lxd and incus targets only (through their API), not to { $target }; set the container's own limit with its runtime (e.g. --pids-limit)
target-process = process { $pid }
target-container = { $runtime } container { $name }
target-own-cgroups = limitlab's own cgroups
err-samples-unreadable = the run finished, but its samples could not be read back from { $path }: { $error }
