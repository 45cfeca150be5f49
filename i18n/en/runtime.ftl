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
run-setup-timeout = the sandbox init did not finish its setup within { $timeout } of the CPU time it was given ({ $wall } s wall-clock, { $waited } s of it waiting for a CPU)

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
supervisor-not-restored = limitlab supervisor: the harness died; could not put { $key } of { $instance } back: { $error } (the next run tries again)

# the init (src/sandbox/init/): in the language the harness hands it (LIMITLAB_LANG)

## The setup steps a failure names ("the sandbox could not be set up: STEP: ERROR"); those
## named by their system call (setsid, setrlimit, setresuid, chdir /, ...) keep that name

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
