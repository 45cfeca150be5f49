# The catalogues `limitlab list` shows (what each metric measures, each workload kind and option, each escape attempt) and the escape workload's lines in workload.log.

# metrics

## What each metric measures (src/data/metrics.rs keeps the English as data, for docs/scenario.md):
## `limitlab list` and the fleet report's worst-node table show it. The id is the metric's
## name with '.' and '_' as '-'.

metric-help-run-duration-ms = how long the workload phase lasted (the scenario's duration, or less if every workload exited)
metric-help-sandbox-start-ms = from the start of sandbox setup (cgroups, limits, namespaces) until the first workload was executing
metric-help-pids-limit = the pids.max written for the sandbox (the scenario's limit or the safety ceiling)
metric-help-pids-peak = most processes and threads in the sandbox at once (the kernel's pids.peak; where it has none, the sampled maximum of pids.current, which can read a few above pids.max for an instant)
metric-help-pids-limit-hits = forks refused by the pids limit (the max count in pids.events)
metric-help-pids-time-to-limit-ms = from the workload's start until the pids limit first refused a fork (sampling resolution)
metric-help-target-pids-peak = with a target: most tasks in the target's cgroup at once (the container's own and the workload's); the kernel's pids.peak watermark, since the target's cgroup was made, where it has one
metric-help-target-pids-limit = with a target: the pids.max the target is under, read from the kernel
metric-help-target-pids-limit-hits = with a target: forks its pids limit refused during the run
metric-help-target-memory-peak-bytes = with a target: highest memory of the target's cgroup, sampled
metric-help-target-oom-kills = with a target: OOM kills in the target's memory cgroup during the run
metric-help-target-alive = with a target: 1 if the target's own process was still alive after teardown, else 0; every scenario with a process target (pid, lxc, docker, podman, lxd, incus) expects == 1 unless it says otherwise
metric-help-memory-peak-bytes = highest memory charge of the sandbox (memory.peak / max_usage_in_bytes, else sampled)
metric-help-memory-limit-hits = times the memory limit was hit (v1 memory.failcnt plus memory.memsw.failcnt, v2 the max count in memory.events); unknown where v1 counted nothing although the OOM killer fired
metric-help-memory-oom-kills = processes the OOM killer killed in the sandbox
metric-help-cpu-usage-cores = average CPU the sandbox used while the workload ran, in cores
metric-help-cpu-throttled-ratio = share of CFS periods in which the sandbox was throttled by its cpu quota
metric-help-cpu-throttled-ms = total time the sandbox spent throttled
metric-help-psi-cpu-some-total-ms = time some sandbox task stalled waiting for CPU (PSI; system-wide where the sandbox has no cgroup2 node)
metric-help-psi-cpu-full-total-ms = time all non-idle sandbox tasks stalled on CPU at once (PSI)
metric-help-psi-memory-some-total-ms = time some task stalled on memory (PSI)
metric-help-psi-memory-full-total-ms = time all non-idle tasks stalled on memory at once (PSI)
metric-help-psi-io-some-total-ms = time some task stalled on IO (PSI)
metric-help-psi-io-full-total-ms = time all non-idle tasks stalled on IO at once (PSI)
metric-help-workload-forks-ok = forks the built-in bombs made
metric-help-workload-forks-failed = forks the built-in bombs tried that the kernel refused (EAGAIN)
metric-help-workload-bytes-reached = the most memory the memory hogs held (how far they got before a limit or the OOM killer stopped them)
metric-help-workload-escape-attempts = escape attempts the hostile workload (kind = "escape") made
metric-help-workload-escapes = escape attempts that got through (must be 0)
metric-help-workload-spins = work units the CPU spinners completed
metric-help-workload-spins-per-s = work units per second the CPU spinners completed while the workload ran
metric-help-host-fork-p50-ms = median time for the host (outside the sandbox) to create, run and reap a tiny child, probed every 100 ms
metric-help-host-fork-p99-ms = 99th percentile of the host probe's create + exit + reap time
metric-help-host-fork-max-ms = worst host probe create + exit + reap time
metric-help-host-fork-failures = host probe forks the kernel refused (a bomb took the host's pids)
metric-help-host-wakeup-late-p50-ms = median lateness of the host probe thread's timer wakeups
metric-help-host-wakeup-late-p99-ms = 99th percentile lateness of the host probe thread's timer wakeups
metric-help-host-wakeup-late-max-ms = worst lateness of the host probe thread's timer wakeups
metric-help-host-psi-cpu-some-total-ms = time some task on the whole machine stalled on CPU (/proc/pressure)
metric-help-host-psi-cpu-full-total-ms = time all non-idle tasks on the whole machine stalled on CPU at once
metric-help-host-psi-memory-some-total-ms = time some task on the whole machine stalled on memory
metric-help-host-psi-memory-full-total-ms = time all non-idle tasks on the whole machine stalled on memory at once
metric-help-host-psi-io-some-total-ms = time some task on the whole machine stalled on IO
metric-help-host-psi-io-full-total-ms = time all non-idle tasks on the whole machine stalled on IO at once
metric-help-workload-exit-code = exit code of the first workload, when it exited by itself before teardown
metric-help-sampling-samples = samples taken
metric-help-sampling-missed = sampling intervals skipped because the sampler fell behind
metric-help-sampling-late-p50-ms = median lateness of a sample against its schedule
metric-help-sampling-late-p99-ms = 99th percentile lateness of a sample against its schedule
metric-help-sampling-late-max-ms = worst lateness of a sample against its schedule
metric-help-teardown-killed = tasks in the sandbox when teardown killed it
metric-help-teardown-ms = from the start of teardown until every process was gone and every cgroup removed
metric-help-teardown-leaked = processes still alive plus cgroups not removed after teardown, plus, with a target, what the run left in it (a zombie, tasks charged to its cgroup, a runtime limit not put back; must be 0)

## The unit column of `limitlab list` (src/data/metrics.rs's Unit; docs/scenario.md keeps Unit::name)

metric-unit-count = count
metric-unit-bytes = bytes
metric-unit-ms = ms
metric-unit-cores = cores
metric-unit-ratio = ratio 0..1
metric-unit-code = exit code
metric-unit-per-second = per second

# workloads

## Each workload kind, each option (by its name: the kinds share start_after and style) and
## the defaults that are words, not values (src/workloads/catalogue.rs and each kind's file)

kind-help-forkbomb = a built-in fork bomb that counts the forks it made and the ones the kernel refused
kind-help-threadbomb = a built-in thread bomb (pids.max counts threads); 64 KiB stacks so memory is not what stops it
kind-help-memhog = allocates memory and touches every page, reporting how far it got (workload.bytes_reached)
kind-help-cpuspin = threads that spin and count their work (workload.spins), so throttling shows in the workload's own numbers
kind-help-escape = a hostile workload: tries to leave or loosen its cgroups and to see or touch the host, and reports each attempt (workload.escapes, workload.escape_attempts, exit code = escapes)
kind-help-command = any program, run unprivileged inside the sandbox (host binaries are visible)

kind-option-style = classic: every task creates tasks forever and stays; binary: each task creates two and ends (like :(){ "{" } :|:& { "}" };:); churn: create one that ends at once, wait, repeat
kind-option-size = total to reach, e.g. "1GiB"
kind-option-rate = how fast, e.g. "256MiB/s"
kind-option-chunk = allocation step, e.g. "4MiB"
kind-option-backing = anon: anonymous memory; shm: a file in the sandbox's private tmpfs, mapped shared (page cache charged to the cgroup)
kind-option-hold = keep what it has until the end (false: free it and exit)
kind-option-threads = how many spinning threads
kind-option-duty = busy fraction of each 100 ms slot, 0 < duty <= 1
kind-option-tries = which attempts, e.g. ["cgroup-move", "network"]; `limitlab list` names them all
kind-option-argv = the program and its arguments, e.g. ["perl", "-e", "fork while fork"]; looked up in PATH
kind-option-start-after = delay before this workload starts, e.g. "2s"; must be shorter than the duration

kind-default-rate = as fast as the kernel allows
kind-default-threads = one per CPU of the sandbox's cpuset
kind-default-tries = all of them

## A built-in workload's counter page, when `limitlab __workload` is started without one (src/workloads/counters.rs)

workload-no-counter-page = no counter page at fd { $fd }
workload-not-counter-page = the descriptor is not a limitlab counter page

# escape

## What each escape attempt tries (src/workloads/escape/mod.rs's ATTEMPTS), in `limitlab list` and
## in each attempt's line

escape-attempt-cgroup-move = write its own pid into every cgroup.procs it can see (ancestors included)
escape-attempt-cgroup-limit = write "max" into every pids, memory and cpu limit file it can see
escape-attempt-cgroupfs-remount = remount cgroupfs read-write, or mount a fresh cgroup2
escape-attempt-cgroup-namespace = unshare a new cgroup namespace, with and without a user namespace
escape-attempt-kill-host = signal any process outside the sandbox (every pid up to pid_max)
escape-attempt-host-proc = see host processes in /proc
escape-attempt-network = reach any address outside lo (public, private and link-local)
escape-attempt-mount-root = mount over /
escape-attempt-ptrace = ptrace the sandbox init and pids outside the sandbox
escape-attempt-rlimit-raise = raise its own hard RLIMIT_NOFILE
escape-attempt-setuid = become root: setuid(0), and exec a setuid-root binary
escape-attempt-write-host = create a file outside the private mounts (/, /etc, /usr, /var, /home, every other mount)
escape-attempt-block-device = open a host block device (each disk and partition the kernel lists)
escape-attempt-proc-kcore = read /proc/kcore and the other /proc and /sys paths runc masks
escape-attempt-host-interfaces = list network interfaces besides lo via /sys/class/net, /proc/net/dev and netlink
escape-attempt-mknod = create a device node (a disk's and /dev/null's numbers) in every writable mount
escape-attempt-mount = mount a tmpfs, a procfs, and a bind of / in /tmp
escape-attempt-remount-root = remount / read-write (mount and mount_setattr), then write there
escape-attempt-proc-sys-write = write /proc/sys (each value written back unchanged)
escape-attempt-abstract-unix = connect to the host's abstract unix sockets (well-known names and the tests' probe)

## The line of each attempt (src/workloads/escape/mod.rs)

escape-line-blocked = attempt { $name } ({ $what }): blocked: { $how }
escape-line-escaped = attempt { $name } ({ $what }): ESCAPED: { $how }
escape-unknown-attempt = unknown attempt { $name }
escape-files-refused = { $n } files refused: { $errors }

## cgroup-move, cgroup-limit, cgroupfs-remount, cgroup-namespace (src/workloads/escape/cgroup.rs)

escape-wrote-into = wrote { $value } into { $path }
escape-no-file-visible = no such file is visible
escape-cgroups-changed = its cgroups changed from { $before } to { $after }
escape-remounted-cgroupfs = remounted /sys/fs/cgroup read-write
escape-mounted-cgroup2 = mounted a fresh cgroup2 at { $path }
escape-cgroupfs-blocked = remount: { $remount }; fresh cgroup2 mount: { $fresh }
escape-unshared-cgroupns = unshared a cgroup namespace
escape-unshared-user-cgroupns = unshared a user and a cgroup namespace
escape-cgroupns-blocked = cgroup namespace: { $plain }; user + cgroup namespace: { $user }

## kill-host, host-proc, ptrace, rlimit-raise, setuid (src/workloads/escape/process.rs)

escape-pid-signalled = pid { $pid } outside the sandbox can be signalled
escape-pid-exists = pid { $pid } outside the sandbox exists ({ $error })
escape-no-pid-exists = none of { $n } pids outside the sandbox exists in its pid namespace (ESRCH)
escape-proc-shows-host = /proc/1 is { $init }, not the sandbox init: /proc shows the host
escape-proc-own = /proc shows { $n } processes, and pid 1 is the sandbox init
escape-ptrace-init = attached to the sandbox init
escape-ptrace-outside = attached to pid { $pid } outside the sandbox
escape-ptrace-blocked = init: refused; pid { $pid } outside the sandbox: { $error }
escape-getrlimit-failed = getrlimit failed
escape-rlimit-raised = raised the hard RLIMIT_NOFILE above { $hard }
escape-rlimit-blocked = hard RLIMIT_NOFILE { $hard } -> { $raised }: { $error }
escape-setuid-ok = setuid(0) succeeded
escape-setuid-no-program = setuid(0): EPERM; no setuid-root program to try
escape-setuid-root = { $program } ran with effective uid 0
escape-setuid-blocked = setuid(0): EPERM; { $program } ran with effective uid { $uid } (no_new_privs ignores the setuid bit)
escape-setuid-ended = setuid(0): EPERM; { $program } ended before its uid could be read

## mount-root, write-host, block-device, proc-kcore, mknod, mount, remount-root, proc-sys-write (src/workloads/escape/filesystem.rs)

escape-mounted-over-root = mounted a tmpfs over /
escape-mount-root-blocked = mount over /: { $error }
escape-created-on-host = created { $path } on the host
escape-dirs-refused = { $n } directories refused: { $errors }
escape-opened-block = opened the block device { $path }
escape-no-block-device = no block device is listed or present
escape-block-refused = { $n } block device paths refused: { $errors }
escape-empty = empty
escape-lists-entries = { $path } lists { $n } entries
escape-read-bytes = read { $n } bytes of { $path }
escape-created-node = created the device node { $path } ({ $major }:{ $minor })
escape-nodes-refused = { $n } nodes refused: { $errors }
escape-bind-of-root = bind of /
escape-mounted-at = mounted a { $what } at { $path }
escape-wrote-after-remount = wrote { $path } after the remount
escape-remounted-root = remounted / read-write
escape-cleared-readonly = cleared the read-only flag of / (mount_setattr)
escape-remount-root-blocked = remount: { $remount }; mount_setattr: { $setattr }; write at /: { $write }
escape-wrote-proc-sys = wrote { $path } (its own value back)
escape-no-proc-sys = no /proc/sys file is readable

## network, host-interfaces, abstract-unix (src/workloads/escape/network.rs)

escape-tcp = TCP connection to { $address }
escape-udp = UDP datagram sent towards { $address }
escape-interfaces = network interfaces besides lo: { $interfaces }
escape-only-lo = only lo exists; { $errors }
escape-netlink-error = netlink answered with an error
escape-route-lists = { $route } lists { $names }
escape-unix-socket = unix socket: { $error }
escape-abstract-address = abstract address: { $error }
escape-connected-abstract = connected to the abstract socket @{ $name }
escape-abstract-refused = { $n } abstract names refused: { $errors }
