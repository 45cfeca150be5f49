# Values a report shows from the host and the sandbox (the view, events), target and unit errors, and counted words.

# units, targets

## What a size, a duration and a rate may look like, in unit errors (src/units.rs)

units-size-help = a size such as "256MiB", "1GiB", "512KB" or "0B" (units: B, KiB, MiB, GiB, TiB, KB, MB, GB, TB, K, M, G, T)
units-duration-help = a duration such as "5s", "50ms" or "1.5s" (units: ns, us, ms, s, m, h)
units-rate-help = a rate such as "256MiB/s" or "1GiB/s" (a size per second)

## --target and [target]: what a target may be (src/plan/target.rs)

target-expected-kind-value = { $text }: expected KIND:VALUE, e.g. pid:1234, lxc:NAME, cgroup:/system.slice/x
target-not-a-pid = { $value } is not a pid
target-unknown-kind = unknown target kind { $kind }; one of { $kinds }
target-pid-zero = pid 0 is not a process
target-cgroup-relative = { $path } must be absolute within the hierarchy, e.g. "/system.slice/x.slice", or "self" (limitlab's own cgroups, e.g. a Kubernetes pod's)
target-cgroup-dots = { $path } may not contain "." or ".."
target-cgroup-unclean = { $path } is not a clean cgroup path
target-bad-name = { $name } is not a container name (letters, digits, '.', '_', '-')
target-limits-processes-small = { $value } is not allowed; use a positive number of processes, e.g. 1000

# view, events, child processes

## What the workload saw (src/sandbox/view.rs): the words summary.json keeps for its view, as
## the report says them, and what `limitlab list`, docs/scenario.md and `doctor` say of it

view-root-host-read-only = the host's root, read-only
view-root-target = the target's own root
view-root-host = the host's root as it is (no mount namespace)
view-dev-minimal = minimal, as bubblewrap's --dev (private devpts and shm)
view-target-own = the target's own
view-host = the host's
view-proc-fresh = fresh, of the sandbox's pid namespace
view-proc-host-read-only = the host's, read-only (no pid namespace)
view-proc-nested = fresh, of the attack's own pid namespace (nested in the target's)
view-proc-target = the target's (its pid namespace; another proc mount was refused)
view-sys-fresh = fresh, read-only, of the sandbox's network namespace
view-sys-host-read-only = the host's, read-only (no network namespace)
view-bind-program = workload[{ $index }]'s program
view-mount-dev = a minimal /dev
view-mount-proc-sys = a procfs or sysfs of its own
view-mount-tmpfs = a private tmpfs
view-bind-source-missing = { $why }: { $path } does not exist on the host
view-not-a-device = [sandbox] devices: { $path } is not a device node on this host
view-program-hidden = workload[{ $index }]: { $program } is under { $mount }, which is { $what } in the sandbox: { $why }
view-program-outside = name the program by a path outside it
view-program-no-file = there is no such file on the host to bind there (give a path that exists)
view-describe-default = By default (with the mount namespace) the sandbox's view is as tight as `bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp`: the host's root and every mount beneath it read-only; private tmpfs mounts at { $tmpfs } (those that exist on the host), writable, charged to the sandbox's memory cgroup (a tmpfs hog meets the memory limit) and gone with the run.
view-describe-dev = A minimal /dev: { $devices } bound from the host, a private devpts (pts/ptmx, with the ptmx link), shm, and the links { $links }. A fresh /proc of the sandbox's pid namespace, and a fresh read-only sysfs of its network namespace (only lo), with the cgroupfs bound back beneath it read-only.
view-describe-masked = Masked (runc's maskedPaths: /dev/null over a file, an empty read-only tmpfs over a directory): { $masked }. Read-only (runc's readonlyPaths): { $read_only }.
view-describe-command = A command workload whose program lies under a path the view hides (a test binary in a checkout under /tmp) is bound read-only at its own path; one that cannot be (missing, or under /dev, /proc or /sys) is refused before anything starts (exit 2). `[sandbox] writable`, `bind` and `devices` add to the view; nothing else does. Without the mount namespace the workload sees the host's filesystems as they are; without the network namespace /sys stays the host's (read-only); without the pid namespace /proc does.
view-describe-target = A `[target]` run that joins a container (pid, lxc, docker, podman, lxd, incus) runs in a pid namespace of its own nested inside the target's (limitlab's init is its PID 1 and reaps everything the attack starts, so nothing is left to the target's own init), and sees the target's own root, /dev, /proc and /sys, as the target's processes do, in a copy of its mount namespace where runc's masked and read-only paths are applied wherever the target has not already covered them, and its cgroupfs (where it is a mount of its own) is read-only; nothing changes for the target itself. A `cgroup` target gets the default view. summary.json's `view` and the report say what the run's view was.
view-support = { $missing }host root read-only; private tmpfs at { $tmpfs } and /dev/shm; /dev: { $nodes } and a private devpts; a fresh sysfs per network namespace; masks here: { $masks }; read-only here: { $read_only } (the other runc paths do not exist on this host)
view-support-missing = missing { $missing };{ " " }
view-support-no-mount-setattr = mount_setattr (Linux 5.12) for the read-only root
view-support-no-fs = { $fs } in /proc/filesystems

## The details of events.csv, in the language of the run (src/run/, src/sampler/): a limit
## hit starts with its controller's name (pids, memory), as the charts read it

event-detail-start = workload { $index }: { $what } (pid { $pid } in the sandbox)
event-detail-workload = workload { $index }: { $what }
event-detail-exited = workload { $index }: exited { $code }
event-detail-killed = workload { $index }: killed by { $signal }
event-detail-idle = every workload process has ended
event-detail-pids-hit = pids: the pids limit refused a fork{ $at }
event-detail-pids-at = { " " }at { $tasks } tasks
event-detail-memory-hit = memory: usage reached the memory limit
event-detail-oom = the OOM killer killed { $count ->
        [one] { $count } process
       *[other] { $count } processes
    } in the sandbox ({ $total } so far)
event-detail-deadline = the run passed its deadline; the watchdog kills the sandbox
event-detail-abort = { $signal } received; tearing down
event-detail-teardown-start = killing every process in the sandbox
event-detail-teardown-end = { $method } killed { $count ->
        [one] { $count } task
       *[other] { $count } tasks
    } in { $ms } ms; { $left } left

## What the sandbox's own processes say (the init, src/sandbox/init/; the workloads,
## src/workloads/): in the language the harness hands them (LIMITLAB_LANG)

child-init-by-hand = limitlab __init is started by `limitlab run`, not by hand
child-init-threads = the init is not single-threaded
child-rlimit-above-hard = { $resource } = { $value } is above this user's hard limit ({ $hard }), which only root can raise
child-bind-target-missing = { $path } does not exist in the sandbox, and its root is read-only
child-setns-needs = { $error } (setns on a pidfd needs Linux 5.8)
child-exec-ended = the workload's process ended before it could exec
child-no-counter-page = the init has no counter page or binary for a built-in workload
child-exec-denied = exec limitlab: permission denied (the binary must be executable by the sandbox's uid)
child-command-not-found = { $program }: command not found in PATH={ $path }
child-bomb-threads = the fork bomb must start single-threaded
child-escape-threads = the escape workload must start single-threaded
child-memhog-refused = memhog: allocation refused after { $reached }: { $error }
child-memhog-reached = memhog: reached { $size } in { $ms } ms
child-memhog-rate = { " " }at { $rate }/s
child-cpuspin = cpuspin { $threads ->
        [one] { $threads } thread
       *[other] { $threads } threads
    } at duty { $duty }
child-cpuspin-per-cpu = cpuspin one thread per CPU at duty { $duty }
child-escape-every = escape (every attempt)
