#!/usr/bin/env bash
# Soak: runs every shipped scenario (scenarios/*.toml and scenarios/hostile/*.toml) COUNT
# times in a row (default 50) and checks after every run: exit 0 with a complete results
# folder (summary.json with verdict "held"; for a sweep, sweep.json and one such summary per
# cell), no sandbox process left, no limitlab cgroup of an ended run left. Prints the counts; exits 1 on the first failure (after reporting it).
#   tests/soak.sh [COUNT]        (as root; CI runs it with a small COUNT)
set -uo pipefail
cd "$(dirname "$0")/.."
count=${1:-50}
bin=${LIMITLAB_BIN:-target/x86_64-unknown-linux-gnu/release/limitlab}
[[ -n ${LIMITLAB_BIN:-} ]] || cargo build --release --quiet || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# limitlab cgroups whose harness (the pid in the name) is no longer running.
dead_cgroups() {
  find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name 'limitlab.*' 2>/dev/null |
    while read -r d; do
      pid=$(basename "$d" | cut -d. -f2)
      [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == *limitlab* ]] || echo "$d"
    done
}
# Sandbox inits and built-in workloads still running.
sandbox_procs() {
  for p in /proc/[0-9]*; do
    cmd=$( (tr '\0' ' ' <"$p/cmdline") 2>/dev/null) || continue
    case $cmd in "limitlab __init"* | "limitlab __workload"*) echo "${p#/proc/}: $cmd" ;; esac
  done
}

# Scenarios with a [target] attack an existing container; they are not self-contained.
scenarios=()
for s in scenarios/*.toml scenarios/hostile/*.toml; do
  grep -q '^\[target\]' "$s" || scenarios+=("$s")
done
runs=0 failures=0 start=$(date +%s)
for ((i = 1; i <= count; i++)); do
  for s in "${scenarios[@]}"; do
    dir=$out/$runs
    "$bin" run --quiet --out "$dir" "$s" >"$out/last.log" 2>&1
    code=$?
    runs=$((runs + 1))
    problem=
    ((code == 0)) || problem="exit $code"
    # A sweep (a [matrix] scenario) has a sweep.json and a run folder per cell.
    summaries=("$dir/summary.json")
    if [[ -s $dir/sweep.json ]]; then
      summaries=("$dir"/*/summary.json)
      cells=$(grep -c '"dir":' "$dir/sweep.json")
      [[ -z $problem && ${#summaries[@]} != "$cells" ]] &&
        problem="${#summaries[@]} summaries for $cells cells"
    fi
    for f in "${summaries[@]}"; do
      [[ -z $problem && ! -s $f ]] && problem="no ${f#"$dir"/}"
      [[ -z $problem ]] && ! grep -q '"verdict": "held"' "$f" && problem="verdict not held in ${f#"$dir"/}"
    done
    left=$(sandbox_procs)
    [[ -n $left ]] && problem="${problem:+$problem; }processes left: $left"
    stale=$(dead_cgroups)
    [[ -n $stale ]] && problem="${problem:+$problem; }cgroups left: $stale"
    if [[ -n $problem ]]; then
      failures=$((failures + 1))
      echo "FAIL round $i $s: $problem"
      cat "$out/last.log"
      echo "soak: $runs runs, $failures failed, $(($(date +%s) - start)) s"
      exit 1
    fi
    rm -rf "$dir"
  done
  echo "soak: round $i/$count: ${#scenarios[@]} scenarios held, nothing left ($(($(date +%s) - start)) s)"
done
echo "soak: $runs runs of ${#scenarios[@]} scenarios, 0 failed, 0 processes and 0 cgroups left, $(($(date +%s) - start)) s"
