## The verdict of a run, on the terminal (src/report/terminal.rs)

verdict-held = HELD
verdict-failed = FAILED
verdict-error = ERROR
term-verdict = { $name }: { $verdict } — { $held }/{ $total } { $total ->
        [one] expectation
       *[other] expectations
    } held
term-error = { $name }: { $verdict } — { $reason }
term-teardown-left = teardown left something behind
term-not-available = not available on this kernel or run
term-ok = ok
term-fail = FAIL
term-expectation = { $mark } { $metric } = { $value }   (expected { $expected })
term-results = results: { $dir }
unit-cores = { $n } cores

## The report of a run: report.md and report.html (src/report/document.rs)

doc-what-ran = What ran
doc-verdict = Verdict
doc-what-happened = What happened
doc-charts = Charts
doc-events = Events
doc-key-numbers = Key numbers
doc-no-expectations = The scenario states no expectations.
doc-not-measured = Not measured in this run (no such workload or target, or not provided by this kernel): { $names }.
doc-aborted = The run was aborted: { $reason }.
doc-unmeasured-aborted = not measured: the run did not complete
doc-unavailable = not available
col-expectation = expectation
col-value = value
col-expected = expected
col-event = event
col-detail = detail
col-metric = metric
mark-held = held
fact-scenario = scenario
fact-started = started
fact-duration = duration
fact-duration-value = { $planned } planned, ran { $ran }
fact-workloads = workloads
fact-start-after = { " " }after { $after }
fact-limits = limits (as written to the kernel)
fact-limits-none = none written
fact-sandbox = sandbox
fact-sandbox-value = namespaces { $namespaces }; uid { $uid } gid { $gid }; syscall filter { $seccomp }
fact-host = host
fact-host-value = { $hostname }, Linux { $kernel }, { $cgroups }, { $cpus } { $cpus ->
        [one] CPU
       *[other] CPUs
    }{ $memory }
fact-node = node
fact-container-runtime = container runtime
fact-cgroups-unknown = cgroups unknown
fact-cgroups-from = cgroups from
fact-psi = pressure (PSI)
fact-psi-cgroup = the sandbox's own cgroup
fact-psi-system = system-wide (/proc/pressure)
fact-psi-none = not available on this kernel

## What a summary says in words (src/report/summary.rs): notes, what held the workload,
## and the sentences of the terminal and the reports

note-safety-ceiling = The scenario sets no pids limit; limitlab's safety ceiling (pids.max = { $max }) applied.
note-safety-ceiling-held = The scenario sets no pids limit; limitlab's safety ceiling (pids.max = { $max }) applied and held the workload.
note-memory-ceiling = The scenario sets no memory limit; limitlab's memory ceiling ({ $ceiling }) applied and was reached.
note-no-kernel-pids-peak = This kernel keeps no pids.peak, so pids.peak is the sampled maximum of pids.current, which can read a few above pids.max for an instant (the kernel charges a fork before it compares with the limit, then reverts).
note-rootless = Ran without root{ $who }: the sandbox had a user namespace of its own (the workload was uid { $uid } inside, the harness's uid outside) and its cgroups were made beneath the cgroup delegated to that user.
note-private-uid = RLIMIT_NPROC counts every process of a uid on the whole machine: the workload ran as uid { $uid }, leased for this run alone, so only the sandbox's own processes counted against it.
note-leaked = Teardown left { $processes } { $processes ->
        [one] process
       *[other] processes
    } and { $cgroups } { $cgroups ->
        [one] cgroup
       *[other] cgroups
    } behind: { $which }
held-by-target = the target's own pids.max = { $value } ({ $path })
held-by-ceiling = limitlab's safety ceiling (pids.max = { $max }), not the scenario
held-by-own-cgroup = limitlab's own cgroup beneath the target
held-by-memory = the memory limit ({ $limit }) via the OOM killer
said-target-init = { " " }(its init is pid { $pid })
said-target-no-limit = no limit of its own
said-target = The workload ran inside { $target }{ $pid }, in a cgroup of limitlab's beneath the target's, which is under { $limits }.
said-target-refused = The target's pids limit refused { $refused } { $refused ->
        [one] fork
       *[other] forks
    }; its cgroup held at most { $peak } { $peak ->
        [one] task
       *[other] tasks
    }.
said-unknown-number = an unknown number of
said-target-alive = The target's own process was still alive after teardown.
said-target-dead = The target's own process did NOT survive the run.
said-its-target = its target
said-pids-reached = The workload reached the pids limit of { $limit } after { $after }{ $held_for }; { $at_once } was { $peak }, and { $refused } { $refused ->
        [one] fork was
       *[other] forks were
    } refused.
said-held-for = { " " }and was held there for { $time }
said-pids-never = The workload never reached the pids limit of { $limit }; { $at_once } was { $peak }.
said-bomb-count = The built-in bomb's own count: { $made } { $made ->
        [one] fork
       *[other] forks
    } made, { $refused } refused by the kernel.
said-oom-killed = ; the OOM killer killed { $count } { $count ->
        [one] process
       *[other] processes
    }
said-memory-limit = Memory peaked at { $peak } against a limit of { $limit }{ $oom }.
said-memory-ceiling = Memory peaked at { $peak } against limitlab's memory ceiling of { $limit }{ $oom }.
said-cpu-quota = { " " }(quota { $quota } cores)
said-cpu = The sandbox used { $cores } CPU cores on average{ $quota }.
said-held-by = What held it: { $held_by }.
said-teardown-clean = Teardown ({ $method }) took { $took }; nothing was left behind.
said-teardown-leaked = Teardown ({ $method }) took { $took }; { $count } { $count ->
        [one] thing was
       *[other] things were
    } left behind.

## The combined report of a sweep (src/report/sweep.rs)

sweep-na = n/a
sweep-nothing-had-to = nothing had to
sweep-no-summary = no summary was written
sweep-did-not-run = did not run ({ $why }).
sweep-held-by = held by { $held_by }
sweep-no-limit-had-to = no limit had to hold it
sweep-peak = at most { $peak } { $peak ->
        [one] task
       *[other] tasks
    } at once
sweep-peak-reached = at most { $peak } { $peak ->
        [one] task
       *[other] tasks
    } at once, the limit reached after { $ms } ms
sweep-forks-refused = { $count } { $count ->
        [one] fork
       *[other] forks
    } refused
sweep-host-forks-failed = the host's own forks took { $p99 } ms at p99, and { $failed } of them failed
sweep-host-forks-ok = the host's own forks kept working ({ $p99 } ms at p99)
sweep-every-held = every expectation held
sweep-one-failed = an expectation FAILED
sweep-incomplete = the run did not complete
sweep-finding = { $parts }; { $verdict }.
sweep-of-cells = a sweep of { $cells } { $cells ->
        [one] cell
       *[other] cells
    }
sweep-a-sweep = a sweep
sweep-scenario = Scenario: { $source }
sweep-col-cell = cell
sweep-col-verdict = verdict
sweep-col-held-by = what held it
sweep-shows = What the sweep shows
sweep-each-cell = Each cell
sweep-cell-did-not-run = The cell did not run: { $error }

## What the workload saw (src/sandbox/view.rs)

view-uncapped-tmpfs = private tmpfs at { $paths } (no cap of their own: the memory limit holds them)
view-capped = { $path } ({ $kind }, at most { $cap })
view-sentence = The sandbox saw { $root }; writable: { $writable }; bound from the host: { $binds }; /dev: { $dev } ({ $devices }); /proc: { $proc }; /sys: { $sys }; masked: { $masked }; read-only: { $read_only }.
view-none = none
note-memory-hits-uncounted = memory.limit_hits cannot be known on this kernel: the OOM killer fired at the memory limit, yet cgroup v1's memory.failcnt and memory.memsw.failcnt still read 0 (this kernel does not count refused charges there); memory.oom_kills counts what the limit did.

## Targets: the container as found and as left, runtime limits (src/report/summary.rs)

said-at-once = the most tasks at once
said-at-once-target = the most tasks at once in the target's cgroup (the kernel's watermark since the target started)
note-left-in-target = The run did not leave the target as it found it: { $left }.
said-runtime-limit = The run set the container's { $key } to { $set } through { $runtime }'s API (it was { $previous }); { $restored }.
said-runtime-not-set = not set
said-runtime-restored = { $who } put it back afterwards
said-runtime-not-restored = it could NOT be put back: { $error }
said-runtime-nothing-restored = nothing put it back
said-tasks-in-cgroup = { $tasks } { $tasks ->
        [one] task
       *[other] tasks
    } in its cgroup,{ " " }
said-target-before-after = Before the attack the target had { $tasks_before }{ $before } { $before ->
        [one] process
       *[other] processes
    } ({ $zombies_before } { $zombies_before ->
        [one] zombie
       *[other] zombies
    }); after teardown { $tasks_after }{ $after } ({ $zombies_after }): { $verdict }.
said-as-it-was = as it was
said-not-as-it-was = NOT as it was ({ $left })
