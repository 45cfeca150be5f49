# Scenario validation that the planner says per table, the [sandbox] keys `limitlab list`
# describes, and the comments of the starter scenarios `limitlab init` writes.

# What a located problem says in place of a key (FILE:LINE:COLUMN: KEY: MESSAGE) where it has
# none: the whole file, its TOML syntax, the top level (src/scenario/)

diagnostic-file = (file)
diagnostic-syntax = (syntax)
diagnostic-top-level = (top level)

# [[workload]] tables (src/plan/workload.rs); printed as FILE:LINE:COLUMN: KEY: MESSAGE

plan-kind-required = required; one of { $kinds }
plan-kind-unknown = unknown kind { $kind }; one of { $kinds }
plan-option-of-other-kind = is not an option of kind { $kind } (its options: { $options })
plan-start-after-late = { $value } is not before the end of the run's duration
plan-style-unknown = unknown style { $style }; one of "classic", "binary" or "churn"
plan-workload-not-a-size = { $value } is not a size; expected { $help }
plan-memhog-size-required = required for kind "memhog": how much to allocate, e.g. size = "1GiB"
plan-hog-size-small = { $size } is too small; at least 4KiB
plan-hog-size-large = { $size } is too large; at most 1TiB
plan-hog-chunk-range = { $size } is out of range; use 4KiB to 1GiB
plan-backing-unknown = unknown backing { $backing }; "anon" or "shm"
plan-threads-range = { $value } is out of range; use 1 to 4096
plan-duty-range = { $value } is out of range; use a number with 0 < duty <= 1, e.g. 0.5
plan-attempt-unknown = unknown attempt { $attempt }; one of { $attempts }
plan-argv-required = required for kind "command": the program and its arguments, e.g. argv = ["perl", "-e", "fork while fork"]
plan-argv-no-program = must name a program as its first element
plan-argv-nul = arguments cannot contain NUL bytes

# [limits] and [sandbox] sizes: why a size is too small (plan-size-small's $why)

plan-memory-why = below 1MiB the sandbox's own init cannot start
plan-rlimit-as-why = the workload cannot even start below 16MiB

# [expect] comparisons (src/plan/expect.rs)

expect-comparison-help = a comparison such as "<= 101", ">= 1", "== 0", "!= 0", "< 50", "> 0.5" or an inclusive range "0.45..0.55"
expect-range-empty = range { $range } is empty: its low end is above its high end

# [matrix] sweeps (src/plan/matrix.rs)

matrix-not-a-key = { $text } is not a dotted scenario key such as "limits.pids" or "workload[0].style"
matrix-unclosed = { $text }: unclosed [
matrix-not-an-index = { $text }: { $index } is not an index
matrix-unexpected = { $text }: unexpected { $rest }
matrix-cannot-vary = { $text } cannot vary in a sweep (every cell shares the scenario's name)
matrix-no-element = there is no element [{ $index }] (the array has { $len })
matrix-not-in-table = { $key } is not inside a table
matrix-not-in-array = [{ $index }] is not inside an array
matrix-not-a-list = must be a non-empty list of values to sweep, e.g. [10, 100, 1000]
matrix-include-not-a-list = must be a list of tables, e.g. include = [{ "{" } "limits.pids" = 10 { "}" }]
matrix-include-not-a-table = must be a table of scenario keys and values

# The [sandbox] keys as `limitlab list` describes them: scenario-key-PATH, the key's dotted
# path with '-' for '.' and '_'. English is the schema's description (src/scenario/mod.rs),
# which docs/scenario.md and scenarios/schema.json keep.

scenario-key-sandbox-namespaces = Which namespaces the sandbox gets.
scenario-key-sandbox-hostname = The sandbox's hostname (needs the uts namespace).
scenario-key-sandbox-uid = The uid the workload runs as (65534 is nobody).
scenario-key-sandbox-gid = The gid the workload runs as.
scenario-key-sandbox-rlimits = Resource limits (setrlimit) of the workload.
scenario-key-sandbox-rlimits-nproc = RLIMIT_NPROC: processes of the workload's uid on the whole machine (not enforced for uid 0). Without a `uid`, the workload runs as a uid leased for the run alone (from 1879048192 up), so that only the sandbox's processes count.
scenario-key-sandbox-rlimits-nofile = RLIMIT_NOFILE: open files per process.
scenario-key-sandbox-rlimits-as = RLIMIT_AS: address space per process, a size (at least 16MiB).
scenario-key-sandbox-seccomp = The syscall filter: no new namespaces, mounts or kernel keyrings inside the sandbox.
scenario-key-sandbox-writable = Host paths the workload may write, bound read-write at the same path (absolute paths that exist on the host). By default the host root is read-only and only the private tmpfs mounts (/tmp, /var/tmp, /run, /dev/shm) are writable.
scenario-key-sandbox-bind = Extra host paths bound into the sandbox (read-only unless `writable = true`).
scenario-key-sandbox-bind-source = The host path (absolute; it must exist).
scenario-key-sandbox-bind-target = Where the sandbox sees it (absolute); default: the same path.
scenario-key-sandbox-bind-writable = Whether the workload may write it.
scenario-key-sandbox-devices = Extra host device nodes bound into the minimal /dev at the same name (absolute paths under /dev). By default /dev holds only null, zero, full, random, urandom, tty, a private devpts with ptmx, and shm.

# `limitlab init`'s own lines (src/cli/info.rs).

init-cannot-create = cannot create { $file }: { $error } (limitlab init never overwrites a file)
init-wrote = wrote { $file }; check it with `limitlab validate { $file }` and run it with `limitlab run { $file }`

# The comments of `limitlab init`'s starter scenarios (src/cli/info.rs); the TOML is the
# same in every language. starter-what-KIND is also the English file's description.

starter-what-forkbomb = A fork bomb in which every process forks forever and stays, against pids.max = 100.
starter-what-threadbomb = A thread bomb: pids.max counts threads exactly like processes.
starter-what-memhog = A memory hog against a memory limit without swap: the OOM killer stops it at the limit.
starter-what-cpuspin = CPU spinners against a quota of half a core: throttled, and it shows in their own work rate.
starter-what-escape = A hostile workload that tries to leave its cgroups and reach the host; every attempt must fail.
starter-what-command = Any program in the sandbox: here the course's perl fork bomb.
starter-run-it = Run it: limitlab run FILE   ·   every key: docs/scenario.md   ·   kinds and metrics: limitlab list
starter-duration = how long the workload runs
starter-sandbox-defaults = defaults shown
starter-uid = the workload runs as nobody
starter-expect = every one must hold for exit code 0
starter-pids = processes and threads at once; "max" = no scenario limit
starter-swap = no swap: the limit is the limit
starter-size = how much it tries to reach
starter-rate = default: as fast as the kernel allows
starter-backing = a tmpfs file instead of anonymous memory
starter-cpu = cores: cpu.max quota/period
starter-duty = busy fraction of each 100 ms slot
starter-tries = default: every attempt (`limitlab list` names them)
