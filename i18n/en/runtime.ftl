# What a run says while it runs: why it was aborted or could not start (src/run/), the
# sandbox's start and its uid lease (src/sandbox/), the supervisor, and the init's own errors.

# the run (src/run/)

## Before anything is created (src/run/mod.rs)

run-psi-missing = { $source }: [expect] { $metric } needs pressure stall information, and this kernel has none (/proc/pressure is missing): boot with psi=1 on a kernel built with CONFIG_PSI, or drop the expectation

## Why a run was aborted: summary.json's abort_reason and the report say it (src/run/mod.rs, events.rs)

run-release-failed = could not release the workload: { $error }
run-stopped-by = stopped by { $signal }
run-never-started = workload { $index } ({ $kind }) never started: the sandbox init had not started it when the run ended
run-still-starting = workload { $index } ({ $kind }) was still starting when the run ended: its process was forked at { $forked } s, but its exec had not completed by { $end } s (in a sandbox whose CPU its other workloads take, a new process can wait that long for a CPU)
run-could-not-start = workload { $index } ({ $kind }) could not start: { $error }

## The sandbox's setup, as the harness waits for it (src/run/events.rs)

run-setup-failed = the sandbox could not be set up: { $step }: { $error }
run-init-join-failed = the sandbox init could not move itself into its cgroups (writing 0 to a v1 tasks file failed)
run-init-ended = the sandbox init ended during setup ({ $status })
run-setup-timeout = the sandbox init did not finish its setup within { $timeout } of the CPU time it was given ({ $wall } s wall-clock, { $waited } s of it waiting for a CPU; the init is { $state }{ $at })
run-setup-timeout-where = { " " }in the kernel's { $wchan }
run-setup-timeout-stack = ; its kernel stack: { $stack }

## What a run's setup was doing when it failed (src/run/setup.rs): "STEP: ERROR"

run-ctx-create = create { $file }
run-ctx-counter-page = create the counter page
run-ctx-log-pipe = create the workload log pipe
run-ctx-log-capture = start log capture
run-ctx-pass-target = pass the target to the sandbox
run-ctx-host-probe = start the host probe
run-ctx-sampler = start the sampler

## The watchdog gives up on a run (src/run/watchdog.rs)

run-watchdog-gave-up = limitlab: the run is stuck past its deadline: { $patience } s after the watchdog killed the sandbox, nothing is moving; giving up ({ $killed ->
        [one] { $killed } process killed
       *[other] { $killed } processes killed
    }, { $stuck ->
        [one] { $stuck } cgroup could not be removed
       *[other] { $stuck } cgroups could not be removed
    })

## Teardown: what it left in the target, and the run's files it could not finish (src/run/teardown.rs)

run-target-limit-not-restored = its own limit could not be put back: { $error }
run-events-incomplete = warning: events.csv is incomplete: { $error }
run-samples-incomplete = warning: samples.csv is incomplete: { $error }
run-log-cut = note: the workloads wrote { $written } bytes of output; workload.log keeps the first { $kept }

## The live status of a sweep (src/run/progress.rs): the word before its bar

run-progress-cells = cells

# the sandbox (src/sandbox/)

## Its start (src/sandbox/mod.rs, start.rs): "cannot start the sandbox init: STEP: ERROR"

sandbox-start-failed = cannot start the sandbox init: { $error }
sandbox-lease-uid = lease a uid of the run's own in { $dir }: { $error }
sandbox-already-released = already released
sandbox-step-tell-supervisor = tell the supervisor
sandbox-step-open = open { $path }
sandbox-step-open-cgroup-dir = open cgroup directory
sandbox-step-cgroup-path = cgroup path
sandbox-nul-byte = contains a NUL byte
sandbox-step-map-ids = map the user namespace's ids
sandbox-step-send-config = send config to the init

## The uid of the run's own (src/sandbox/uid.rs)

sandbox-uids-exhausted = every uid from { $first } to { $last } is leased by another run or used by a process

## The supervisor, when the harness died (src/sandbox/supervisor.rs)

supervisor-emptied = limitlab supervisor: the harness died; sandbox { $name }: killed { $killed ->
        [one] { $killed } process
       *[other] { $killed } processes
    }, { $left } left, { $stuck ->
        [one] { $stuck } cgroup
       *[other] { $stuck } cgroups
    } not removed
supervisor-restored = limitlab supervisor: the harness died; put { $key } of { $instance } back
supervisor-ended = the supervisor has ended
supervisor-not-restored = limitlab supervisor: the harness died; could not put { $key } of { $instance } back: { $error } (the next run tries again)

# the init (src/sandbox/init/): in the language the harness hands it (LIMITLAB_LANG)

## The setup steps a failure names ("the sandbox could not be set up: STEP: ERROR"); those
## named by their system call (setsid, setrlimit, setresuid, chdir /, ...) keep that name

init-step-running = init running
init-step-running-in-clone = init running in its clone (no exec)
init-step-favour = favour the init
init-step-read-config = read config
init-step-start = start
init-step-join-target = join the target
init-step-join-target-namespaces = join the target's namespaces
init-step-attack-pid-namespace = pid namespace of the attack
init-step-cgroup-namespace = cgroup namespace
init-step-bring-up-lo = bring up lo
init-step-user-namespace = user namespace for the workloads
init-step-syscall-filter = syscall filter
init-step-drop-bounding-set = drop capability bounding set
init-step-clear-capabilities = clear capabilities
init-step-parent-death-signal = parent-death signal
init-step-make-mounts-private = make mounts private
init-step-read-only-root = read-only root
init-step-mount-proc = mount /proc
init-step-minimal-dev = minimal /dev
init-step-read-only-cgroupfs = read-only cgroupfs
init-step-bind-host-path = bind a host path
init-step-masked-paths = masked and read-only paths
init-step-open-host-dev = open the host's /dev
init-step-open-bind-source = open a bind source
init-step-private-tmpfs = mount a private tmpfs
init-step-fresh-sysfs = mount a fresh sysfs
init-step-bind-cgroupfs = bind the cgroupfs into the fresh sysfs
init-step-target-mount-namespace = own copy of the target's mount namespace

## What failed in a step, or in a workload's start

init-no-target-fd = no target descriptor
init-tmpfs-at = tmpfs at { $dir }: { $error }
init-bind-at = bind { $source } at { $target }: { $error }
init-devpts = devpts at /dev/pts: { $error }
init-mask = mask { $path }: { $error }
init-read-only = read-only { $path }: { $error }
init-remount-read-only = remount { $path } read-only: { $error }
init-nul-byte = { $text } contains a NUL byte
init-program-nul = program path contains a NUL byte
init-reset-signals = reset signals: { $error }
init-place-counter-page = place counter page: { $error }
init-exec-unreadable = exec failed (unreadable error text)

# the target (src/sandbox/target/), the LXD and Incus API (src/sandbox/lxd.rs)

## Finding the target and checking that it may be attacked (src/sandbox/target/mod.rs, runtime.rs)

target-no-process = { $target }: no process { $pid } to attach to ({ $error })
target-cannot-read-cgroup = { $target }: cannot read /proc/{ $pid }/cgroup: { $error }
target-no-pids-limit = { $target } has no pids limit on its cgroup or any above it, so a bomb in it could take every pid of the host; put a pids limit on it (e.g. lxc.cgroup.pids.max / --pids-limit / TasksMax=), or give the scenario limits.pids for limitlab's own cgroup beneath it
target-no-pids-hierarchy = no pids hierarchy to find the target cgroup in
target-cgroup-missing = cgroup { $path } does not exist ({ $dir } is not a directory)
target-cannot-ask = cannot ask { $tool } for { $what }: { $error } (is { $package } installed? e.g. apt-get install { $package })
target-engine-unreachable = { $tool } cannot reach its engine for { $what }: { $said }
# $command: the runtime's command line; $stdout: what it printed, quoted; $stderr: its error output
target-not-running = { $what } is not running (or does not exist): `{ $command }` said { $stdout }{ $stderr }
# $daemon: LXD or Incus; $var: LXD_DIR or INCUS_DIR
target-daemon-unreachable = { $target }: { $daemon } is not reachable ({ $error }); is it running? ({ $var } names the folder of a daemon started elsewhere)
target-cannot-be-attacked = { $target } cannot be attacked: { $error }
target-cannot-record-restore = cannot record what to restore in { $dir } before changing { $target }'s { $key }: { $error }
target-restore-retry = { $error } (recorded in { $file }: the next run or `limitlab clean` tries again)

## What a run left in its target, said by teardown (src/sandbox/target/state.rs)

target-left-zombie = zombie pid { $pid } ({ $comm }) in the target, a child of pid { $ppid }
# $own: target-left-own-new, or nothing
target-left-tasks = the target's pids.current is { $after }, against { $before } before the run: { $tasks ->
        [one] { $tasks } task
       *[other] { $tasks } tasks
    } that no process of its own accounts for{ $own }
target-left-own-new = { $new ->
        [one] { $new } new process
       *[other] { $new } new processes
    } of its own

## LXD's and Incus's API (src/sandbox/lxd.rs)

lxd-cannot-connect = cannot connect to { $socket }: { $error }
lxd-not-http = { $method } { $path }: not an HTTP response
lxd-not-json = { $method } { $path }: HTTP { $status }, not JSON: { $error }
lxd-no-reason = no reason given
lxd-not-running = { $daemon } instance { $name } is not running (its state is { $state })
lxd-state-unknown = unknown
lxd-write-record = write { $file }: { $error }
# What `limitlab clean` and every run's start say of a limit a killed run left set
lxd-pending = { $key } of { $daemon } instance { $instance } back to { $previous } (an earlier run set it to { $set } and was killed before it could restore it)
lxd-unset = unset
lxd-pending-restored = restored { $what }
lxd-pending-not-restored = could not restore { $what }: { $error }
# Who put a limit back: restored.json and summary.json record these in English, the report
# says them in its language (the report's "WHO put it back afterwards")
lxd-restored-by-run = the run
lxd-restored-by-supervisor = the supervisor (the harness was killed)
lxd-restored-by-later-run = a later run (harness pid { $pid })

# cgroup v2's rules, when they stop a run (src/sandbox/cgroup/v2.rs)

cgroup-swap-unaccounted = the scenario sets limits.swap but this kernel has no swap accounting for cgroup v2 (memory.swap.max is missing: swapaccount=0 or CONFIG_MEMCG_SWAP off), and this host has swap in use
cgroup-controller-unavailable = the { $controller } controller is not available in { $parent } (its cgroup.controllers: { $available }), but { $why }; the parent must delegate it
cgroup-why-pids = limitlab cannot cap a fork bomb without it
# $key: limits.memory, limits.cpu, limits.cpuset
cgroup-why-limit = the scenario sets { $key }
# $who: cgroup-others-share or cgroup-holds-processes
cgroup-internal-processes = cannot enable the { $controller } controller below { $parent }: { $who }, and cgroup v2 forbids controllers for the children of a non-root cgroup with processes ("no internal processes"); limitlab moves itself into a leaf only when it is alone in its cgroup, so run it from a cgroup of its own, e.g. `systemd-run --scope -p Delegate=yes limitlab run ...`
cgroup-others-share = { $others ->
        [one] { $others } other process shares it with limitlab
       *[other] { $others } other processes share it with limitlab
    }
cgroup-holds-processes = it holds processes
cgroup-no-cgroup2-tree = no cgroup2 tree
# The harness's leaf (limitlab.<pid>.harness), as it is undone after the runs
cgroup-leaf-not-removed = cannot remove { $dir }: { $error }
