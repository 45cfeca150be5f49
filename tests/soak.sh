#!/usr/bin/env bash
# Soak: runs every shipped scenario (scenarios/*.toml and scenarios/hostile/*.toml) COUNT
# times in a row (default 50) and checks after every run: exit 0 with a complete results
# folder (summary.json with verdict "held"; for a sweep, sweep.json and one such summary per
# cell), no sandbox process left, no limitlab cgroup of an ended run left. Prints the counts; exits 1 on the first failure (after reporting it).
#   tests/soak.sh [COUNT]        (as root; CI runs it with a small COUNT)
# SOAK_KEEP_GOING=1: count every failed run and go on (exit 1 at the end) instead of stopping
# at the first. SOAK_UNTIL=EPOCH_SECONDS: start no round after that time (the counts printed
# say how many rounds ran).
set -uo pipefail
cd "$(dirname "$0")/.."
count=${1:-50}
bin=${LIMITLAB_BIN:-target/x86_64-unknown-linux-gnu/release/limitlab}
[[ -n ${LIMITLAB_BIN:-} ]] || cargo build --release --quiet || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# This script's own cgroups, in the hierarchies where it is not at the root: what its runs
# create lies beneath these (on a shared machine, other people's limitlab runs elsewhere are
# none of its business). Under guard, guard's cgroups; outside any, the whole tree.
own_dirs() {
  local ctl path d
  while IFS=: read -r _ ctl path; do
    [[ $path == / ]] && continue
    if [[ -z $ctl ]]; then
      d=/sys/fs/cgroup/unified$path
      [[ -f /sys/fs/cgroup/cgroup.controllers ]] && d=/sys/fs/cgroup$path
    else
      d=/sys/fs/cgroup/${ctl#name=}$path
      [[ -d $d ]] || d=/sys/fs/cgroup/${ctl%%,*}$path
    fi
    [[ -d $d ]] && echo "$d"
  done </proc/self/cgroup | sort -u | grep . || echo /sys/fs/cgroup
}
mapfile -t owned < <(own_dirs)
# limitlab cgroups beneath ours whose harness (the pid in the name) is no longer running.
dead_cgroups() {
  find "${owned[@]}" -mindepth 1 -maxdepth 8 -type d -name 'limitlab.*' 2>/dev/null |
    while read -r d; do
      pid=$(basename "$d" | cut -d. -f2)
      [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == *limitlab* ]] || echo "$d"
    done
}
# Sandbox inits and built-in workloads still running in a cgroup beneath ours.
sandbox_procs() {
  find "${owned[@]}" -name cgroup.procs 2>/dev/null | xargs -r cat 2>/dev/null | sort -un |
    while read -r pid; do
      cmd=$( (tr '\0' ' ' <"/proc/$pid/cmdline") 2>/dev/null) || continue
      case $cmd in "limitlab __init"* | "limitlab __workload"*) echo "$pid: $cmd" ;; esac
    done
}

# Scenarios with a [target] attack an existing container; they are not self-contained.
scenarios=()
for s in scenarios/*.toml scenarios/hostile/*.toml; do
  grep -q '^\[target\]' "$s" || scenarios+=("$s")
done
declare -A counted
# Lines not counted yet (with SOAK_KEEP_GOING, a leftover fails only the run that left it).
new_only() { while read -r l; do [[ -z ${counted[$l]:-} ]] && echo "$l"; done; }
runs=0 failures=0 procs_left=0 cgroups_left=0 start=$(date +%s) rounds=0
for ((i = 1; i <= count; i++)); do
  if [[ -n ${SOAK_UNTIL:-} ]] && (($(date +%s) >= SOAK_UNTIL)); then
    echo "soak: SOAK_UNTIL reached: stopping after $rounds of $count rounds"
    break
  fi
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
    left=$(sandbox_procs | new_only)
    [[ -n $left ]] && problem="${problem:+$problem; }processes left: $left"
    stale=$(dead_cgroups | new_only)
    [[ -n $stale ]] && problem="${problem:+$problem; }cgroups left: $stale"
    if [[ -n $problem ]]; then
      failures=$((failures + 1))
      echo "FAIL round $i $s: $problem"
      cat "$out/last.log"
      if [[ -z ${SOAK_KEEP_GOING:-} ]]; then
        echo "soak: $runs runs, $failures failed, $(($(date +%s) - start)) s"
        exit 1
      fi
      # What a failed run left is counted once (and left alone: guard ends it).
      while read -r l; do
        [[ -n $l && -z ${counted[$l]:-} ]] && counted[$l]=1 && procs_left=$((procs_left + 1))
      done <<<"$(sandbox_procs)"
      while read -r l; do
        [[ -n $l && -z ${counted[$l]:-} ]] && counted[$l]=1 && cgroups_left=$((cgroups_left + 1))
      done <<<"$(dead_cgroups)"
    fi
    rm -rf "$dir"
  done
  rounds=$i
  echo "soak: round $i/$count: ${#scenarios[@]} scenarios, $failures failed runs so far ($(($(date +%s) - start)) s)"
done
echo "soak: $rounds rounds, $runs runs of ${#scenarios[@]} scenarios, $failures failed, $procs_left processes and $cgroups_left cgroups left, $(($(date +%s) - start)) s"
((failures == 0))
