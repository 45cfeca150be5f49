#!/usr/bin/env bash
# The shell-loop peer of limitlab's sampler (benches/compare.sh): every INTERVAL_MS for
# DURATION_S, read every FILE with bash builtins only (no process is spawned per sample; the
# wait is a `read -t` on a pipe that never speaks), noting how late each tick was.
#   benches/sampler-loop.sh INTERVAL_MS DURATION_S FILE...
# Prints: samples N cpu_ns NS late_p99_ms MS missed N
set -euo pipefail
interval_us=$(($1 * 1000))
duration_us=$(($2 * 1000000))
shift 2
files=("$@")

exec {never}<> <(:)
start=${EPOCHREALTIME/./}
due=$start
late=()
missed=0
n=0
read -r cpu0 _ <"/proc/$BASHPID/schedstat"
while :; do
  now=${EPOCHREALTIME/./}
  if ((now < due)); then
    wait_us=$((due - now))
    read -r -t "$((wait_us / 1000000)).$(printf '%06d' $((wait_us % 1000000)))" -u "$never" _ || true
    continue
  fi
  for f in "${files[@]}"; do
    read -r -d '' _ <"$f" || true
  done
  late+=($((now - due)))
  n=$((n + 1))
  ((now - start < duration_us)) || break
  due=$((due + interval_us))
  behind=$((${EPOCHREALTIME/./} - due))
  if ((behind >= interval_us)); then
    skip=$((behind / interval_us))
    missed=$((missed + skip))
    due=$((due + skip * interval_us))
  fi
done
read -r cpu1 _ <"/proc/$BASHPID/schedstat"
p99=$(printf '%s\n' "${late[@]}" | sort -n | awk -v n="$n" '{v[NR]=$1} END {r=int(0.99*n); if (r < 0.99*n) r++; if (r < 1) r = 1; printf "%.3f", v[r]/1000}')
echo "samples $n cpu_ns $((cpu1 - cpu0)) late_p99_ms $p99 missed $missed"
