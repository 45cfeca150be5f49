#!/usr/bin/env bash
# Why limitlab's sampler missed the 1 ms intervals it missed: RUNS runs of a saturated
# N-task classic bomb sampled every 1 ms, each traced with perf from the kernel's own
# tracepoints (CLOCK_MONOTONIC): every sleep of the sampler on its timer and the due it
# armed, the interrupt that ran that timer, the moment the sampler next got the CPU, and every
# local timer interrupt on every CPU. A tick that ends two or more intervals after its due
# skips intervals, as the sampler counts them (sampling.missed); the trace puts each skipped
# interval in one of these, by the largest part of that tick's delay:
#   machine    the timer interrupt came late, a whole scheduler tick (1/CONFIG_HZ) or more,
#              and no CPU took any timer interrupt in between: the whole machine had stopped
#              (a VM whose host did not run it)
#   interrupt  the timer interrupt came late otherwise: the sampler's CPU had interrupts off,
#              or the host did not run that CPU (steal)
#   scheduler  the interrupt came on time but the sampler got the CPU late (a task in the
#              kernel, which PREEMPT(none) does not preempt)
#   own        the interrupt and the CPU came on time and the tick itself took the intervals
#              (limitlab's own work, or a read that blocked)
# The first two happen while the sampler sleeps: no sampler can miss fewer.
#
#   benches/misses.sh [RUNS] [N] [SECONDS]     (defaults 10, 1000, 6; root, perf, tracefs)
# Prints one line per run:
#   run K: missed M (limitlab), traced T: machine A interrupt B scheduler C own D; steal S ms
# (T: the intervals the trace shows skipped, which should be M, or one more now and then: the
# trace ends a tick at its next sleep, a few microseconds after the sampler counts; A+B+C+D =
# T; S: the steal time /proc/stat counted during the run, in its 10 ms ticks.) Exits 3 where perf or the
# tracepoints are missing. LIMITLAB_BIN: the limitlab binary (default: this checkout's
# release build, built if absent).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10} n=${2:-1000} secs=${3:-6}
[[ $(id -u) == 0 ]] || { echo "misses.sh: needs root (perf tracepoints, a sandbox)" >&2; exit 3; }
command -v perf >/dev/null || { echo "misses.sh: needs perf (Debian: linux-perf)" >&2; exit 3; }
[[ -r /sys/kernel/tracing/events/timer/hrtimer_start/id ]] ||
  { echo "misses.sh: needs tracefs with timer and irq_vectors events" >&2; exit 3; }
perf record -q -a -e timer:hrtimer_start -e irq_vectors:local_timer_entry -o /dev/null -- true \
  >/dev/null 2>&1 || { echo "misses.sh: perf cannot record the kernel's tracepoints here" >&2; exit 3; }
LL=${LIMITLAB_BIN:-$PWD/target/x86_64-unknown-linux-gnu/release/limitlab}
[[ -x $LL ]] || cargo build --release --quiet --bin limitlab
work=$(mktemp -d /tmp/limitlab-misses.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/s.toml" <<EOF
name = "misses"
duration = "${secs}s"
[limits]
pids = $n
memory = "4GiB"
[[workload]]
kind = "forkbomb"
style = "classic"
[sampling]
interval = "1ms"
EOF
steal() { awk '/^cpu / { print $9 }' /proc/stat; }
# The scheduler tick: a CPU that runs takes a timer interrupt at least this often.
hz=$(grep -s '^CONFIG_HZ=' "/boot/config-$(uname -r)" | cut -d= -f2 || true)
[[ -n $hz ]] || hz=$(zcat -f /proc/config.gz 2>/dev/null | grep '^CONFIG_HZ=' | cut -d= -f2 || true)
hz=${hz:-100}
tick=$(getconf CLK_TCK)
for k in $(seq "$runs"); do
  s0=$(steal)
  perf record -q -a -k CLOCK_MONOTONIC -o "$work/t.perf" \
    -e timer:hrtimer_start -e timer:hrtimer_expire_entry -e irq_vectors:local_timer_entry \
    -e sched:sched_switch --filter 'next_comm == "sampler"' \
    -- "$LL" run --quiet --format json --out "$work/r" "$work/s.toml" >"$work/j" 2>/dev/null ||
    { echo "misses.sh: run $k failed" >&2; exit 1; }
  s1=$(steal)
  missed=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["metrics"]["sampling.missed"]))' "$work/j")
  perf script -i "$work/t.perf" -F comm,tid,cpu,time,event,trace 2>/dev/null |
    python3 -c '
import bisect, re, sys
k, missed, steal_ms, hz = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
line = re.compile(r"\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d+):\s+(\S+):\s*(.*)")
field = lambda tr, f: re.search(f + r"=(\S+)", tr).group(1)
MS = 10**6
arms = []      # (ns armed, due ns, hrtimer) of every sleep of the sampler on its timer
fired = {}     # index in arms -> ns its interrupt ran the timer
ran = {}       # index in arms -> ns the sampler next got the CPU
timers = []    # (ns, cpu) of every local timer interrupt
pending = {}   # hrtimer -> index in arms
last = None
for l in sys.stdin:
    m = line.match(l)
    if not m:
        continue
    comm, cpu = m.group(1), int(m.group(3))
    ns = int(m.group(4)) * 10**9 + int(m.group(5).ljust(9, "0")[:9])
    ev, tr = m.group(6), m.group(7)
    if ev == "irq_vectors:local_timer_entry":
        timers.append((ns, cpu))
    elif ev == "timer:hrtimer_start" and comm == "sampler" and "hrtimer_wakeup" in tr:
        pending[field(tr, "hrtimer")] = len(arms)
        arms.append((ns, int(field(tr, "expires"))))
    elif ev == "timer:hrtimer_expire_entry" and "hrtimer_wakeup" in tr:
        i = pending.pop(field(tr, "hrtimer"), None)
        if i is not None:
            fired[i], last = ns, i
    elif ev == "sched:sched_switch" and "next_comm=sampler" in tr and last is not None:
        ran[last], last = ns, None
timers.sort()
times = [t for t, _ in timers]
kinds = {"machine": 0, "interrupt": 0, "scheduler": 0, "own": 0}
late = 0
# As the sampler counts them (sampling.missed): a tick that ends 2 or more intervals after
# its due skips the intervals past the first (the next tick, due one interval after it, is
# then taken at once, without a sleep). A tick ends when the sampler next arms its timer.
# What held the tick up is the largest of its three parts: the timer interrupt late, the
# CPU late after it, the work of the tick.
for i in range(len(arms) - 1):
    (_, due), (end, _) = arms[i], arms[i + 1]
    skipped = (end - due) // MS - 1
    if skipped < 1 or i not in fired or i not in ran:
        continue
    late += skipped
    timer, sched, own = fired[i] - due, ran[i] - fired[i], end - ran[i]
    if timer >= max(sched, own):
        # The interrupt that ran the timer entered a few microseconds before it did.
        lo, hi = bisect.bisect_right(times, due), bisect.bisect_left(times, fired[i] - 50_000)
        silent = hi == lo and timer >= 10**9 // hz
        kinds["machine" if silent else "interrupt"] += skipped
    else:
        kinds["scheduler" if sched >= own else "own"] += skipped
said = " ".join(f"{w} {n}" for w, n in kinds.items())
print(f"run {k}: missed {missed} (limitlab), traced {late}: {said}; steal {steal_ms} ms; {len(arms)} sleeps traced")
' "$k" "$missed" "$(((s1 - s0) * 1000 / tick))" "$hz"
  rm -rf "$work/r"
done
