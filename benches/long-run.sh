#!/usr/bin/env bash
# The long run of issue 19: one `limitlab run` of MINUTES (default 60) at 1 ms sampling (an hour
# is 3.6 million samples) of a sleeping command under limits, with the harness's memory read
# from /proc every 5 s while it runs (it must stay flat: past `runner::SAMPLES_IN_MEMORY`
# samples live in samples.csv only), then `limitlab report` of it, timed, twice.
#   benches/long-run.sh [MINUTES] [OUTDIR]     (as root; prints the figures at the end)
# Leaves its results in OUTDIR (default target/long-run) and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-60}
dir=${2:-target/long-run}
bin=${LIMITLAB_BIN:-target/x86_64-unknown-linux-gnu/release/limitlab}
[[ -n ${LIMITLAB_BIN:-} ]] || cargo build --release --quiet --bin limitlab
command -v /usr/bin/time >/dev/null || { echo "long-run.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 3; }
rm -rf "$dir"
mkdir -p "$dir"
cat >"$dir/long.toml" <<TOML
name = "long"
duration = "${minutes}m"
[limits]
pids = 100
memory = "256MiB"
[[workload]]
kind = "command"
argv = ["sleep", "$((minutes * 60 + 600))"]
[sampling]
interval = "1ms"
TOML
"$bin" run --quiet --format json --out "$dir/out" "$dir/long.toml" >"$dir/summary.line" 2>"$dir/stderr" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM
echo "epoch_s rss_kib hwm_kib samples_csv_bytes" >"$dir/rss"
while kill -0 "$pid" 2>/dev/null; do
  read -r rss hwm < <(awk '/^VmRSS/ {r=$2} /^VmHWM/ {h=$2} END {print r, h}' "/proc/$pid/status" 2>/dev/null) || true
  bytes=$(stat -c %s "$dir/out/samples.csv" 2>/dev/null || echo 0)
  [[ -n ${rss:-} ]] && echo "$(date +%s) $rss $hwm $bytes" >>"$dir/rss"
  sleep 5
done
wait "$pid"
for i in 1 2; do
  /usr/bin/time -f "%e %M" -o "$dir/report.$i" "$bin" report "$dir/out" >/dev/null
done
python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
rows = [l.split() for l in open(f"{d}/rss").read().splitlines()[1:]]
s = json.loads(open(f"{d}/summary.line").readline())
m = s["metrics"]
# The file's size along the run, in samples (rows are of much the same length).
per_row = int(rows[-1][3]) / max(m["sampling.samples"], 1)
rss = [(int(int(r[3]) / per_row), int(r[1])) for r in rows if len(r) == 4]
at = lambda frac: min(rss, key=lambda x: abs(x[0] - frac * rss[-1][0]))
print(f"samples {m['sampling.samples']:.0f}, missed {m['sampling.missed']:.0f}, verdict {s['verdict']}")
for frac in (0.02, 0.1, 0.25, 0.5, 0.75, 1.0):
    n, kib = at(frac)
    print(f"  harness RSS at ~{n:>9,} samples: {kib / 1024:.1f} MiB")
print(f"  harness peak RSS (VmHWM): {int(rows[-1][2]) / 1024:.1f} MiB")
for i in (1, 2):
    secs, kib = open(f"{d}/report.{i}").read().split()
    print(f"  limitlab report: {float(secs):.1f} s, peak RSS {int(kib) / 1024:.0f} MiB")
PY
