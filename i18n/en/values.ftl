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
