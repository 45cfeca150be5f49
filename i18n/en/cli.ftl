## Words used in several places

word-on = on
word-off = off

## limitlab doctor (src/host.rs, src/cli/mod.rs); the check names (root, cgroup mode, …)
## and the status words stay as they are

doctor-root = running as root: cgroups and namespaces can be created
doctor-not-root = not root (uid { $uid }): runs go rootless, with a user namespace and cgroups beneath one delegated to you; the checks below say whether that works here
doctor-sandboxes-under = sandboxes go under { $dir }
doctor-available-below = available below { $dir }
doctor-not-delegated = not delegated to { $dir }: { $meaning }
doctor-alone-in-scope = a run is alone in its scope: it moves into a leaf ({ $prefix }<pid>.harness) there and gives the sandboxes the controllers beside it
doctor-internal-processes = { $dir } holds { $others ->
        [one] { $others } other process
       *[other] { $others } other processes
    }: cgroup v2 gives sandboxes controllers only below a cgroup without processes, so runs exit 3; run limitlab from a cgroup of its own (e.g. `systemd-run --scope -p Delegate=yes limitlab run ...`)
doctor-alone-in = limitlab is alone in { $dir }: a run moves it into a leaf ({ $prefix }<pid>.harness), enables the controllers in this cgroup's subtree_control for the sandboxes, and undoes both when it ends
doctor-psi-ok = /proc/pressure is readable (system-wide pressure)
doctor-psi-missing = no /proc/pressure: pressure figures will be missing (boot with psi=1, CONFIG_PSI)
doctor-namespaces-ok = pid, mount, net, uts, ipc and cgroup namespaces are supported
doctor-namespaces-missing = this kernel lacks: { $missing }
doctor-clone3-ok = Linux { $kernel }: CLONE_INTO_CGROUP places the sandbox init atomically on cgroup2
doctor-clone3-missing = Linux { $kernel }: no CLONE_INTO_CGROUP; the init is held on a pipe until it is moved
doctor-pid-max = { $pid_max }: a bomb capped at the safety ceiling ({ $ceiling }) uses at most { $share }% of all pids
doctor-autogroup-on = enabled; the sandbox gets its own session and cpu cgroup, so the sampler keeps its share
doctor-autogroup-off = disabled; the sandbox still gets its own cpu cgroup
doctor-autogroup-none = not configured in this kernel
doctor-source-own = its own cgroup
doctor-source-system = a system scope
doctor-source-user = a user scope
doctor-missing-pids = runs cannot cap processes, so limitlab refuses to run any
doctor-missing-memory = memory limits and memory figures are unavailable
doctor-missing-cpu = CPU quotas are unavailable and the sandbox cannot get its own CPU share
doctor-missing-cpuacct = CPU usage figures are unavailable
doctor-missing-cpuset = limits.cpuset is unavailable
doctor-missing-freezer = teardown on pure v1 falls back to a kill loop
doctor-missing-other = some figures are unavailable
doctor-no-cgroup2 = no cgroup2 tree: teardown freezes with the v1 freezer, kills each process, thaws
doctor-cannot-create = cannot create { $dir }: { $error }
doctor-cannot-remove = could not remove { $dir }: { $error }
doctor-kill-ok = teardown kills a whole sandbox in one write
doctor-kill-missing = missing (Linux < 5.14): teardown freezes, kills each process, thaws
doctor-psi-cgroup-ok = each sandbox's own cpu/memory/io pressure is measured
doctor-psi-cgroup-missing = per-cgroup pressure is unavailable: system-wide /proc/pressure is used
doctor-cannot-run = limitlab cannot run scenarios here until the MISSING lines are fixed.
doctor-can-run = limitlab can run scenarios here.

## limitlab run, validate and clean (src/cli/, src/progress.rs)

run-safety-ceiling = { $name }: no pids limit in the scenario; limitlab's safety ceiling pids.max = { $max } applies
run-sweep-done = { $name }: sweep of { $cells } { $cells ->
        [one] cell
       *[other] cells
    }: report in { $report }
progress-target-pids = target pids { $pids }
progress-memory = memory { $memory }
progress-forks-refused = forks refused { $count }
validate-ok = { $source }: { $name } for { $duration }, { $workloads ->
        [one] { $workloads } workload
       *[other] { $workloads } workloads
    }, { $expectations ->
        [one] { $expectations } expectation
       *[other] { $expectations } expectations
    }{ $cells }
validate-sweep = , a sweep of { $cells } { $cells ->
        [one] cell
       *[other] cells
    }
clean-removed = removed { $name } (left by harness pid { $owner }): { $killed ->
        [one] { $killed } process killed
       *[other] { $killed } processes killed
    }, { $dirs ->
        [one] { $dirs } cgroup dir
       *[other] { $dirs } cgroup dirs
    }
clean-could-not-remove = ; could not remove { $dir }: { $error }
clean-nothing = nothing to clean: no limitlab cgroups left behind beneath this process's cgroups

## limitlab report and compare (src/cli/report.rs)

report-sweep-written = { $dir }: the sweep report and its { $cells } { $cells ->
        [one] cell's report
       *[other] cells' reports
    }
report-run-written = { $dir }: report.md, report.html and charts
compare-not-in-baseline = { $label }: not in the baseline, not compared
