## Chart titles, axes, legends and messages (src/report/charts/)

event-start = start
event-exit = exit
event-error = error
event-pids-limit-hit = pids limit hit
event-memory-limit-hit = memory limit hit
event-limit-hit = limit hit
event-oom-kill = OOM kill
event-deadline = deadline
event-abort = abort
event-teardown = teardown
event-teardown-end = teardown end
chart-no-samples = no samples were recorded in this run
chart-not-available = { $what }: not available on this kernel
chart-too-few = { $what }: too few samples to draw
chart-time-axis = time since the workload started (s)
chart-legend-na = { $label }: n/a
chart-legend-far-above = { $label } (far above the data, not drawn)
chart-safety-ceiling = safety ceiling { $max }
chart-target-pids-max = the target's pids.max = { $max }
chart-pids-title = Tasks in the sandbox (pids.current)
chart-pids-axis = tasks
chart-pids-line = tasks
chart-pids-what = the task count (pids.current)
chart-memory-ceiling = memory ceiling { $max }
chart-memory-title = Memory of the sandbox
chart-memory-line = memory in use
chart-swap-line = swap in use
chart-memory-what = memory usage
chart-cpu-title = CPU use of the sandbox (per sampling interval)
chart-cpu-axis = cores
chart-cpu-line = CPU in use
chart-cpu-quota = cpu quota = { $quota } cores
chart-cpu-what = CPU usage
chart-psi-title-cgroup = Pressure stalls (PSI) of the sandbox's own cgroup
chart-psi-title-system = Pressure stalls (PSI), system-wide: the sandbox has no cgroup2 node of its own
chart-psi-title = Pressure stalls (PSI)
chart-psi-axis = % of time stalled
chart-psi-cpu-some = cpu some
chart-psi-cpu-full = cpu full
chart-psi-memory-some = memory some
chart-psi-memory-full = memory full
chart-psi-io-some = io some
chart-psi-io-full = io full
chart-psi-what = pressure stall information (PSI)
chart-host-title = Host responsiveness, probed from outside the sandbox
chart-host-fork-line = fork + exit + reap of a tiny child
chart-host-late-line = timer wakeup lateness
chart-host-what = the host probe
chart-probe-fork-failed = probe fork failed
chart-panel-peak = peak tasks (pids.peak)
chart-panel-time-to-limit = time to the pids limit (ms)
chart-panel-host-fork = host fork p99 (ms)
chart-comparison-title = Comparison of { $runs } { $runs ->
        [one] run
       *[other] runs
    }
chart-no-runs = no runs to compare
chart-comparison-limit = the pids limit of the run
chart-comparison-na = n/a: no value (not available on that kernel, or the limit was never reached)
chart-cannot-draw = cannot draw the { $name } chart as { $format }: { $error }
chart-font-missing = the embedded DejaVu Sans font could not be loaded
