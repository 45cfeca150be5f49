#!/usr/bin/env bash
# limitlab against its peers, each pair measured in the same run, written to BENCHMARKS.md
# with the machine's facts: sandbox start (unshare, bwrap), teardown of a saturated bomb (a
# plain SIGKILL loop), attack strength (a C fork bomb, stress-ng), the sampler (a shell loop),
# a whole run's overhead and the report of a million samples.
#
#   benches/compare.sh            the full comparison -> BENCHMARKS.md (about 20 minutes)
#   benches/compare.sh --quick    few repetitions, for CI -> target/BENCHMARKS.quick.md
#   benches/compare.sh --out FILE
#
# Needs root and a cgroup v1 or hybrid host (the machines this project runs on). Installs
# hyperfine, stress-ng, bubblewrap, time, rt-tests (cyclictest) and linux-perf (perf, for
# benches/misses.sh) with apt-get when missing. Every bomb runs under a
# pids limit: in a limitlab sandbox, or in a cgroup made here beneath this script's own.
# Exits non-zero when a measurement breaks (a command fails); a missed goal is reported in
# the table, not by the exit status. Leaves no process and no cgroup behind.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=0
out=BENCHMARKS.md
while (($#)); do
  case $1 in
    --quick) quick=1; out=target/BENCHMARKS.quick.md; shift ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if ((quick)); then
  START_ROUNDS=1 START_RUNS=15 TEARDOWN_REPS=3 ATTACK_REPS=1 ATTACK_S=2 SAMPLER_S=2
  OVERHEAD_REPS=2 REPORT_SAMPLES=100000 REPORT_REPS=1
  SCALE_REPS=1 SCALE_TD_REPS=2 SWEEP_CELLS=16 MISSES_RUNS=2
else
  START_ROUNDS=5 START_RUNS=40 TEARDOWN_REPS=100 ATTACK_REPS=5 ATTACK_S=5 SAMPLER_S=5
  OVERHEAD_REPS=10 REPORT_SAMPLES=1000000 REPORT_REPS=3
  SCALE_REPS=5 SCALE_TD_REPS=10 SWEEP_CELLS=64 MISSES_RUNS=10
fi
# COMPARE_SCALES="1000" runs the scale section at those sizes only.
read -ra SCALES <<<"${COMPARE_SCALES:-100 1000 10000}"
# Which parts to run (all by default): COMPARE_ONLY="scale sweep" runs only those sections.
only() { [[ -z ${COMPARE_ONLY:-} || " $COMPARE_ONLY " == *" $1 "* ]]; }

say() { printf '\n=== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)" >&2; }
fail() { echo "compare.sh: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "needs root (cgroups, namespaces, bombs under limits)"
[[ -d /sys/fs/cgroup/pids ]] ||
  { echo "compare.sh: needs a cgroup v1 or hybrid host (no /sys/fs/cgroup/pids here)" >&2; exit 3; }

say "tools"
missing=()
for t in hyperfine:hyperfine stress-ng:stress-ng bwrap:bubblewrap /usr/bin/time:time \
  gcc:gcc python3:python3 unshare:util-linux cyclictest:rt-tests perf:linux-perf; do
  command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || fail "missing ${missing[*]} and no apt-get to install them"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

say "build"
# LIMITLAB_BIN: measure that limitlab binary instead of this checkout's release build (the
# report's synthetic run is then made with the example already built, if there is one).
LL=${LIMITLAB_BIN:-$root/target/x86_64-unknown-linux-gnu/release/limitlab}
SYNTH=$root/target/x86_64-unknown-linux-gnu/release/examples/synthetic-run
if [[ -z ${LIMITLAB_BIN:-} ]]; then
  cargo build --release --quiet --bin limitlab --example synthetic-run
elif only report && [[ ! -x $SYNTH ]]; then
  cargo build --release --quiet --example synthetic-run
fi
work=$(mktemp -d /tmp/limitlab-bench.XXXXXX)
gcc -O2 -Wall -o "$work/peer" benches/peers/peer.c
PEER=$work/peer

# --- cgroups of our own, beneath this script's cgroups -----------------------------------
own() { awk -F: -v c="$1" '$2 == c || (c != "" && index("," $2 ",", "," c ",")) { print $3; exit }' /proc/self/cgroup; }
base=()   # our parent in each hierarchy: pids memory cpu cpuacct [unified]
for c in pids memory cpu cpuacct; do
  d=/sys/fs/cgroup/$c$(own "$c")/bench.$$
  mkdir "$d"; base+=("$d")
done
unified=
if [[ -d /sys/fs/cgroup/unified ]]; then
  unified=/sys/fs/cgroup/unified$(own "")/bench.$$
  mkdir "$unified"; base+=("$unified")
fi

# cgkill DIR: the kernel's cgroup.kill on a cgroup2 directory of ours (cgroup2 core, also on
# a hybrid host's unified tree, where every process of ours is too): every process beneath it
# is killed at once, so no bomb can refill what a kill frees, then waits until none is left.
# Fails where there is no cgroup.kill (kernels before 5.14, a v1-only host).
cgkill() {
  [[ -w $1/cgroup.kill ]] || return 1
  echo 1 >"$1/cgroup.kill"
  for _ in $(seq 3000); do
    grep -qx "populated 0" "$1/cgroup.events" && return 0
    sleep 0.01
  done
  return 1
}

cleanup() {
  set +e
  # Our own children, read from the kernel: the background runs, and the command this shell
  # was waiting for when a signal ended it (the C sampler in a command substitution), which
  # the signal did not reach and which sits in this script's cgroups, not beneath bench.$$.
  # Not their children: a limitlab harness killed here leaves its sandbox to its supervisor.
  local t k kids=()
  for t in /proc/$$/task/*; do read -ra k <"$t/children"; kids+=("${k[@]}"); done
  for p in "${kids[@]}"; do kill -9 "$p" 2>/dev/null; done
  [[ -n $unified ]] && cgkill "$unified"
  for _ in $(seq 100); do
    left=0
    for b in "${base[@]}"; do
      while read -r f; do
        # ((pid > 0)): cgroup2 lists an exiting task as 0, and `kill 0` is our process group.
        while read -r pid; do left=1; ((pid > 0)) && kill -9 "$pid" 2>/dev/null; done <"$f"
      done < <(find "$b" -name cgroup.procs 2>/dev/null)
    done
    ((left)) || break
    sleep 0.05
  done
  for b in "${base[@]}"; do
    find "$b" -depth -type d -exec rmdir {} \; 2>/dev/null
    [[ -d $b ]] && echo "compare.sh: could not remove $b" >&2
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# mkcg NAME PIDS [CPU_QUOTA_US]: a cgroup in every hierarchy with pids.max and a 2 GiB memory
# limit ($MKCG_MEM bytes when set) (and a CPU quota per 100 ms), its own cpu cgroup like a limitlab sandbox's. Sets
# CG (the directories) and CG_PIDS, CG_MEM, CG_CPUACCT.
mkcg() {
  CG=()
  for b in "${base[@]}"; do mkdir "$b/$1"; CG+=("$b/$1"); done
  CG_PIDS=${base[0]}/$1 CG_MEM=${base[1]}/$1 CG_CPU=${base[2]}/$1 CG_CPUACCT=${base[3]}/$1
  echo "$2" >"$CG_PIDS/pids.max"
  echo "${MKCG_MEM:-$((2 << 30))}" >"$CG_MEM/memory.limit_in_bytes"
  if [[ -n ${3:-} ]]; then
    echo 100000 >"$CG_CPU/cpu.cfs_period_us"
    echo "$3" >"$CG_CPU/cpu.cfs_quota_us"
  fi
}
# teardown of a cgroup made by mkcg: the C SIGKILL loop + rmdir; prints the loop's ms, or
# "timeout" when the loop had not emptied it in its 30 s (a bomb can refill what a plain kill
# loop frees: seen at 10,000 tasks on a 2-core host), after cgkill has ended what is left.
empty_cg() {
  local t d
  if t=$("$PEER" killloop "${CG[@]}"); then echo "$t"; return; fi
  [[ -n $unified ]] && cgkill "${CG[4]}" ||
    fail "the C kill loop did not empty ${CG[0]} in 30 s, and cgroup.kill could not end it"
  for ((d = ${#CG[@]} - 1; d >= 0; d--)); do
    for _ in $(seq 3000); do rmdir "${CG[d]}" 2>/dev/null && break; sleep 0.01; done
    [[ -d ${CG[d]} ]] && fail "could not remove ${CG[d]} after cgroup.kill"
  done
  echo timeout
}
rmcg() { empty_cg >/dev/null; }
# wait until the cgroup holds N tasks (a saturated bomb)
saturate() {
  for _ in $(seq 3000); do
    (($(<"$CG_PIDS/pids.current") >= $1)) && return 0
    sleep 0.01
  done
  fail "the peer bomb never reached $1 tasks"
}

# cyclictest SECONDS (rt-tests): the kernel's own wake-up latency for a SCHED_FIFO 1 thread
# on a 1 ms period that does no work at all, the floor under any 1 ms sampler; prints
# "MAX_US LATE" (LATE: wake-ups 1 ms or more late, each a 1 ms interval a sampler misses).
cyclic() {
  local o
  o=$(cyclictest -m -p1 -i1000 -D"$1" -q -h1000 2>/dev/null) || fail "cyclictest failed"
  echo "$(awk '/^# Max Latencies:/ { print $4 + 0 }' <<<"$o") $(awk '/^# Histogram Overflows:/ { print $4 + 0 }' <<<"$o")"
}

# --- results: one "key value" line each; python computes medians at the end ---------------
R=$work/results
: >"$R"
put() { echo "$1 $2" >>"$R"; }
# metric NAME < summary JSON line
metric() { python3 -c 'import json,sys; v=json.loads(sys.stdin.readline())["metrics"][sys.argv[1]]; print("nan" if v is None else v)' "$1"; }
scenario() { # scenario NAME TOML -> path
  printf '%s\n' "$2" >"$work/$1.toml"
  echo "$work/$1.toml"
}
# llrun SCENARIO OUTDIR -> summary JSON line on stdout; a failed run stops the script
llrun() { "$LL" run --quiet --format json --out "$2" "$1"; }
# first t_ms at which COLUMN >= VALUE in a samples.csv
first_at() {
  python3 - "$@" <<'EOF'
import csv, sys
path, col, want = sys.argv[1], sys.argv[2], float(sys.argv[3])
for row in csv.DictReader(open(path)):
    if row[col] and float(row[col]) >= want:
        print(row["t_ms"]); break
else:
    sys.exit(f"{path}: {col} never reached {want}")
EOF
}
leftovers() { # limitlab cgroups left by runs that ended (the harness pid in the name is gone)
  local n=0 d c pid
  for h in pids memory cpu cpuacct unified; do
    d=/sys/fs/cgroup/$h$(own "$([[ $h == unified ]] && echo "" || echo "$h")")
    # On a shared machine other limitlab runs may be going on beside ours: not leftovers.
    while read -r c; do
      pid=$(basename "$c" | cut -d. -f2)
      [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == *limitlab* ]] || n=$((n + 1))
    done < <(find "$d" -maxdepth 1 -name "limitlab.*" -type d 2>/dev/null)
  done
  echo "$n"
}

# --- 1. sandbox start --------------------------------------------------------------------
if only start; then
say "1. sandbox start to workload exec (+ /bin/true + teardown), vs unshare and bwrap"
c_ll="$LL exec --pids 1000 --memory 256MiB --cpu 1 -- /bin/true"
c_unshare="unshare --pid --fork --mount --net --uts --ipc --mount-proc /bin/true"
# The core of limitlab's default view (read-only root, minimal /dev, fresh /proc, private /tmp).
c_bwrap="bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp /bin/true"
# limitlab's whole default view, as far as bubblewrap can make it, read from what a run of
# limitlab here reports it built (summary.json's "view"): every private tmpfs, runc's masked
# paths (an empty read-only tmpfs over a directory, /dev/null over a file) and read-only
# paths, /sys read-only (bubblewrap binds the host's; limitlab mounts a fresh one), the
# hostname, no capabilities, a session of its own, death with its parent. Not in it: the
# syscall filter and the drop to nobody (bubblewrap has them only as a compiled filter and
# through a user namespace).
s=$(scenario view 'name = "view"
duration = "1s"
[limits]
pids = 10
[[workload]]
kind = "command"
argv = ["/bin/true"]')
llrun "$s" "$work/view" >/dev/null
bwrap_view=$(python3 - "$work/view/summary.json" <<'EOF'
import json, os, sys
v = json.load(open(sys.argv[1]))["view"]
args = ["--unshare-all", "--hostname", "limitlab", "--new-session", "--die-with-parent",
        "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
for w in v["writable"]:
    if w["kind"] == "tmpfs" and not w["path"].startswith("/dev/"):
        args += ["--tmpfs", w["path"]]
args += ["--ro-bind", "/sys", "/sys"]
for p in v["masked"]:
    args += ["--tmpfs", p, "--remount-ro", p] if os.path.isdir(p) else ["--ro-bind", "/dev/null", p]
for p in v["read_only"]:
    args += ["--ro-bind", p, p]
print(" ".join(args + ["--cap-drop", "ALL"]))
EOF
)
c_bwrap_view="bwrap $bwrap_view /bin/true"
$c_bwrap_view || { echo "compare.sh: bubblewrap refused limitlab's view: $c_bwrap_view" >&2; exit 1; }
echo "$bwrap_view" >"$work/bwrap_view"
for r in $(seq "$START_ROUNDS"); do
  hyperfine -N --style none --warmup 5 --runs "$START_RUNS" --export-json "$work/start.$r.json" \
    "$c_ll" "$c_unshare" "$c_bwrap" "$c_bwrap_view" >/dev/null
  python3 - "$work/start.$r.json" >>"$R" <<'EOF'
import json, sys
for res, key in zip(json.load(open(sys.argv[1]))["results"], ["start_ll", "start_unshare", "start_bwrap", "start_bwrap_view"]):
    for t in res["times"]:
        print(key, t * 1000)
EOF
done
# The start path step by step, from limitlab's own spans (`exec --time`): what each step
# took, the median over the runs (asked for in English, the words parsed below).
: >"$work/spans"
for _ in $(seq 20); do
  "$LL" --lang en exec --time -- /bin/true 2>"$work/t" >/dev/null
  sed -n 's/.*sandbox start to exec \([0-9.]*\) ms.*/start_inside \1/p' "$work/t" >>"$R"
  grep '^limitlab exec: span ' "$work/t" | cat -n >>"$work/spans" || true
done
fi

# --- 2. teardown -------------------------------------------------------------------------
if only teardown; then
say "2. teardown of a saturated 1000-task classic bomb, $TEARDOWN_REPS times, vs a SIGKILL loop on the same bomb"
s=$(scenario teardown 'name = "teardown"
duration = "1s"
[limits]
pids = 1000
memory = "1GiB"
[[workload]]
kind = "forkbomb"
style = "classic"')
for i in $(seq "$TEARDOWN_REPS"); do
  j=$(llrun "$s" "$work/td")
  put teardown_ll "$(metric teardown.ms <<<"$j")"
  put teardown_killed "$(metric teardown.killed <<<"$j")"
  put teardown_leaked "$(($(metric teardown.leaked <<<"$j" | cut -d. -f1) + $(leftovers)))"
  rm -rf "$work/td"
  # The same bomb (limitlab's own classic bomb image) in a cgroup of ours, torn down the
  # plain way: the two teardowns kill the same 1000 processes.
  mkcg td.$i 1000
  "$PEER" launch "${CG[@]}" -- "$LL" __workload forkbomb --style classic >/dev/null
  saturate 1000
  sleep 0.8
  put teardown_peer_killed "$(<"$CG_PIDS/pids.current")"
  put teardown_peer "$("$PEER" killloop "${CG[@]}")"
done
fi

# --- 3. attack strength ------------------------------------------------------------------
if only attack; then
say "3. attack strength: time to 1000 tasks, churn, memory fill, CPU share"
s_ttl=$(scenario ttl 'name = "ttl"
duration = "1s"
[limits]
pids = 1000
[[workload]]
kind = "forkbomb"
style = "classic"
[sampling]
interval = "1ms"')
s_churn=$(scenario churn "name = \"churn\"
duration = \"${ATTACK_S}s\"
[limits]
pids = 1000
[[workload]]
kind = \"forkbomb\"
style = \"churn\"
[[workload]]
kind = \"forkbomb\"
style = \"churn\"")
s_hog=$(scenario hog 'name = "hog"
duration = "10s"
[limits]
memory = "2GiB"
[[workload]]
kind = "memhog"
size = "1GiB"
[sampling]
interval = "1ms"')
s_spin=$(scenario spin "name = \"spin\"
duration = \"${ATTACK_S}s\"
[limits]
cpu = 0.5
[[workload]]
kind = \"cpuspin\"
threads = 2")
for i in $(seq "$ATTACK_REPS"); do
  # Time to reach 1000 tasks, both read at 1 ms: limitlab's sampler, the peer's poller.
  llrun "$s_ttl" "$work/a" >/dev/null
  put ttl_ll "$(first_at "$work/a/samples.csv" pids_current 1000)"
  rm -rf "$work/a"
  mkcg ttl.$i 1000
  put ttl_peer "$("$PEER" launch --poll "$CG_PIDS/pids.current" - 1000 "${CG[@]}" -- bomb)"
  rmcg
  # Churn: two workers forking children that exit at once, against stress-ng's two.
  j=$(llrun "$s_churn" "$work/a")
  put churn_ll "$(python3 -c 'import json,sys; m=json.loads(sys.stdin.readline())["metrics"]; print(m["workload.forks_ok"] / (m["run.duration_ms"] / 1000))' <<<"$j")"
  rm -rf "$work/a"
  mkcg churn.$i 1000
  v=$(bash -c 'for d in "${@:2:$1}"; do echo $$ >"$d/cgroup.procs"; done; shift $(($1 + 1)); exec "$@"' _ \
    "${#CG[@]}" "${CG[@]}" stress-ng --fork 2 --timeout "${ATTACK_S}s" --metrics-brief 2>&1 |
    awk '$2 == "metrc:" && $4 == "fork" { print $9 }')
  [[ -n $v ]] || fail "stress-ng --fork printed no metrics"
  put churn_peer "$v"
  rmcg
  # Memory fill: from release until the cgroup holds 1 GiB, both read at 1 ms.
  llrun "$s_hog" "$work/a" >/dev/null
  put hog_ll "$(first_at "$work/a/samples.csv" memory_bytes $((1 << 30)))"
  rm -rf "$work/a"
  mkcg hog.$i 100
  put hog_peer "$("$PEER" launch --poll "$CG_MEM/memory.usage_in_bytes" - $((1 << 30)) "${CG[@]}" -- \
    stress-ng --vm 1 --vm-bytes 1G --vm-keep --timeout 20s --quiet)"
  rmcg
  # CPU: two spinners under a 0.5-core quota; the share of the quota they get.
  j=$(llrun "$s_spin" "$work/a")
  put spin_ll "$(metric cpu.usage_cores <<<"$j")"
  rm -rf "$work/a"
  mkcg spin.$i 100 50000
  u0=$(<"$CG_CPUACCT/cpuacct.usage") t0=${EPOCHREALTIME/./}
  bash -c 'for d in "${@:2:$1}"; do echo $$ >"$d/cgroup.procs"; done; shift $(($1 + 1)); exec "$@"' _ \
    "${#CG[@]}" "${CG[@]}" stress-ng --cpu 2 --timeout "${ATTACK_S}s" --quiet
  u1=$(<"$CG_CPUACCT/cpuacct.usage") t1=${EPOCHREALTIME/./}
  put spin_peer "$(python3 -c "print(($u1 - $u0) / 1000 / ($t1 - $t0))")"
  rmcg
done
fi

# --- 4. sampler --------------------------------------------------------------------------
if only sampler; then
say "4. sampler: CPU per sample and lateness, 10 ms and 1 ms, idle and under a bomb"
for load in idle bomb; do
  if [[ $load == idle ]]; then
    w='kind = "command"
argv = ["sleep", "3600"]'
  else
    w='kind = "forkbomb"
style = "classic"'
  fi
  for iv in 10 1; do
    s=$(scenario "sampler-$load-$iv" "name = \"sampler\"
duration = \"${SAMPLER_S}s\"
[limits]
pids = 1000
[[workload]]
$w
[sampling]
interval = \"${iv}ms\"")
    "$LL" run --quiet --format json --out "$work/a" "$s" >"$work/j" &
    pid=$!
    cpu=0
    while kill -0 "$pid" 2>/dev/null; do
      for t in /proc/"$pid"/task/*; do
        [[ $(cat "$t/comm" 2>/dev/null) == sampler ]] && read -r c _ <"$t/schedstat" 2>/dev/null && cpu=$c
      done
      sleep 0.02
    done
    wait "$pid" || fail "the $load sampler run at ${iv} ms failed"
    j=$(<"$work/j")
    n=$(metric sampling.samples <<<"$j")
    put "sampler_ll_cpu_us_${load}_$iv" "$(python3 -c "print($cpu / 1000 / $n)")"
    put "sampler_ll_core_pct_${load}_$iv" "$(python3 -c "print($cpu / 1e6 / $(metric run.duration_ms <<<"$j") * 100)")"
    put "sampler_ll_p99_${load}_$iv" "$(metric sampling.late_p99_ms <<<"$j")"
    put "sampler_ll_missed_${load}_$iv" "$(metric sampling.missed <<<"$j")"
    rm -rf "$work/a"
    # The shell loop reads the same files of a cgroup of ours holding the same workload.
    mkcg "sampler-$load-$iv" 1000
    if [[ $load == idle ]]; then
      "$PEER" launch "${CG[@]}" -- sleep 3600 >/dev/null
    else
      "$PEER" launch "${CG[@]}" -- bomb >/dev/null
      saturate 1000
    fi
    files=("$CG_PIDS"/pids.{current,peak,events} "$CG_MEM"/memory.{usage_in_bytes,max_usage_in_bytes,failcnt,memsw.failcnt,oom_control}
      "$CG_CPUACCT/cpuacct.usage" "$CG_CPU/cpu.stat" /proc/pressure/{cpu,memory,io})
    [[ -n $unified ]] && files+=("$unified/sampler-$load-$iv"/{cpu,memory,io}.pressure)
    existing=()
    for f in "${files[@]}"; do [[ -r $f ]] && existing+=("$f"); done
    loop=$(benches/sampler-loop.sh "$iv" "$SAMPLER_S" "${existing[@]}")
    read -r _ n _ cpu _ p99 _ missed <<<"$loop"
    put "sampler_sh_cpu_us_${load}_$iv" "$(python3 -c "print($cpu / 1000 / $n)")"
    put "sampler_sh_core_pct_${load}_$iv" "$(python3 -c "print($cpu / 1e7 / $SAMPLER_S)")"
    put "sampler_sh_p99_${load}_$iv" "$p99"
    put "sampler_sh_missed_${load}_$iv" "$missed"
    if ((iv == 1)); then
      read -r cmax clate <<<"$(cyclic "$SAMPLER_S")"
      put "sampler_ct_max_$load" "$cmax"
      put "sampler_ct_late_$load" "$clate"
    fi
    rmcg
  done
done
fi

# --- 4m. why the 1 ms sampler missed what it missed ---------------------------------------
if only misses; then
say "4m. the 1 ms sampler under a saturated 1000-task bomb, traced: why each missed interval was missed"
set +e
traced=$(LIMITLAB_BIN=$LL benches/misses.sh "$MISSES_RUNS" 1000 6)
rc=$?
set -e
if ((rc == 3)); then
  echo "compare.sh: skipped the traced misses: benches/misses.sh needs perf and tracefs" >&2
elif ((rc != 0)); then
  fail "benches/misses.sh failed"
else
  while read -r _ _ _ missed _ _ t _ machine _ interrupt _ scheduler _ own _ steal _; do
    put misses_ll "$missed"
    put misses_traced "${t%:}"
    put misses_machine "$machine"
    put misses_interrupt "$interrupt"
    put misses_scheduler "$scheduler"
    put misses_own "${own%;}"
    put misses_steal "$steal"
  done <<<"$traced"
fi
fi

# --- 5. whole run overhead ---------------------------------------------------------------
if only overhead; then
say "5. whole run overhead: limitlab run of a 5 s scenario, minus 5 s"
s=$(scenario overhead 'name = "overhead"
duration = "5s"
[limits]
pids = 100
[[workload]]
kind = "forkbomb"
style = "classic"')
for i in $(seq "$OVERHEAD_REPS"); do
  t0=${EPOCHREALTIME/./}
  llrun "$s" "$work/a" >/dev/null
  t1=${EPOCHREALTIME/./}
  put overhead_ms "$(((t1 - t0) / 1000 - 5000))"
  rm -rf "$work/a"
done
fi

# --- 6. report ---------------------------------------------------------------------------
if only report; then
say "6. limitlab report of a $REPORT_SAMPLES-sample run"
"$SYNTH" "$REPORT_SAMPLES" "$work/big" >/dev/null
for i in $(seq "$REPORT_REPS"); do
  /usr/bin/time -f "%e %M" -o "$work/time" "$LL" report "$work/big" >/dev/null
  read -r secs kib <"$work/time"
  put report_s "$secs"
  put report_mib "$(python3 -c "print($kib / 1024)")"
done
fi

# --- 7. scale of the attack --------------------------------------------------------------
# Free task slots for this script: the tightest pids.max above it (guard's, a container's)
# and the kernel's pid_max, less what is running now (/proc/loadavg counts every task).
pids_room() {
  local d=/sys/fs/cgroup/pids$(own pids) room m c
  room=$(($(</proc/sys/kernel/pid_max) - $(cut -d' ' -f4 /proc/loadavg | cut -d/ -f2)))
  while [[ $d == /sys/fs/cgroup/pids/* ]]; do
    m=$(<"$d/pids.max") c=$(<"$d/pids.current")
    [[ $m != max ]] && ((m - c < room)) && room=$((m - c))
    d=$(dirname "$d")
  done
  echo "$room"
}
SKIPS=$work/skips
: >"$SKIPS"
if only scale; then
for N in "${SCALES[@]}"; do
  room=$(pids_room)
  # The bomb, limitlab's sandbox and harness, the peer and this script.
  if ((room < N + 500)); then
    why="a $N-task bomb needs $((N + 500)) free tasks; the tightest pids limit above this script (or pid_max) leaves $room (under guard, give it --pids $((N + 5000)))"
    echo "compare.sh: skipped scale $N: $why" >&2
    echo "$N $why" >>"$SKIPS"
    continue
  fi
  say "7. scale of the attack at pids.max = $N: time to the limit, teardown, sampler, report"
  # ~150 KiB of memory per bomb task: 10,000 tasks hold ~1.5 GiB.
  export MKCG_MEM=$((4 << 30))
  settle=$((N >= 10000 ? 4 : 1))
  s_bomb=$(scenario "scale-$N" "name = \"scale-$N\"
duration = \"${settle}s\"
[limits]
pids = $N
memory = \"4GiB\"
[[workload]]
kind = \"forkbomb\"
style = \"classic\"
[sampling]
interval = \"1ms\"")
  for i in $(seq "$SCALE_REPS"); do
    j=$(llrun "$s_bomb" "$work/a")
    put "scale_ttl_ll_$N" "$(first_at "$work/a/samples.csv" pids_current "$N")"
    rm -rf "$work/a"
    mkcg "sttl.$N.$i" "$N"
    put "scale_ttl_peer_$N" "$("$PEER" launch --poll "$CG_PIDS/pids.current" - "$N" "${CG[@]}" -- bomb)"
    rmcg
  done
  for i in $(seq "$SCALE_TD_REPS"); do
    j=$(llrun "$s_bomb" "$work/a")
    put "scale_td_ll_$N" "$(metric teardown.ms <<<"$j")"
    put "scale_td_killed_$N" "$(metric teardown.killed <<<"$j")"
    put "scale_leaked_$N" "$(($(metric teardown.leaked <<<"$j" | cut -d. -f1) + $(leftovers)))"
    rm -rf "$work/a"
    mkcg "std.$N.$i" "$N"
    "$PEER" launch "${CG[@]}" -- "$LL" __workload forkbomb --style classic >/dev/null
    saturate "$N"
    sleep 0.5
    put "scale_td_peer_killed_$N" "$(<"$CG_PIDS/pids.current")"
    t=$(empty_cg)
    if [[ $t == timeout ]]; then
      put "scale_td_peer_$N" 30000
      put "scale_td_peer_timeout_$N" 1
    else
      put "scale_td_peer_$N" "$t"
    fi
  done
  # The sampler under the saturated bomb, against the C sampler reading the same files at
  # the same priority, both from the bomb's release.
  for iv in 10 1; do
    s=$(scenario "scale-sampler-$N-$iv" "name = \"scale-sampler\"
duration = \"${SAMPLER_S}s\"
[limits]
pids = $N
memory = \"4GiB\"
[[workload]]
kind = \"forkbomb\"
style = \"classic\"
[sampling]
interval = \"${iv}ms\"")
    "$LL" run --quiet --format json --out "$work/s$iv" "$s" >"$work/j" &
    pid=$!
    cpu=0
    while kill -0 "$pid" 2>/dev/null; do
      for t in /proc/"$pid"/task/*; do
        [[ $(cat "$t/comm" 2>/dev/null) == sampler ]] && read -r c _ <"$t/schedstat" 2>/dev/null && cpu=$c
      done
      sleep 0.05
    done
    wait "$pid" || fail "the sampler run at ${iv} ms under a $N-task bomb failed"
    j=$(<"$work/j")
    n=$(metric sampling.samples <<<"$j")
    put "scale_cpu_ll_${iv}_$N" "$(python3 -c "print($cpu / 1000 / $n)")"
    put "scale_pct_ll_${iv}_$N" "$(python3 -c "print($cpu / 1e6 / $(metric run.duration_ms <<<"$j") * 100)")"
    put "scale_p99_ll_${iv}_$N" "$(metric sampling.late_p99_ms <<<"$j")"
    put "scale_missed_ll_${iv}_$N" "$(metric sampling.missed <<<"$j")"
    mkcg "ssam.$N.$iv" "$N"
    files=("$CG_PIDS"/pids.{current,peak,events} "$CG_MEM"/memory.{usage_in_bytes,max_usage_in_bytes,failcnt,memsw.failcnt,oom_control}
      "$CG_CPUACCT/cpuacct.usage" "$CG_CPU/cpu.stat" /proc/pressure/{cpu,memory,io})
    [[ -n $unified ]] && files+=("$unified/ssam.$N.$iv"/{cpu,memory,io}.pressure)
    existing=()
    for f in "${files[@]}"; do [[ -r $f ]] && existing+=("$f"); done
    "$PEER" launch "${CG[@]}" -- bomb >/dev/null
    read -r _ n _ cpu _ p99 _ missed _ <<<"$("$PEER" sample $((iv * 1000)) "$SAMPLER_S" "${existing[@]}")"
    put "scale_cpu_peer_${iv}_$N" "$(python3 -c "print($cpu / 1000 / $n)")"
    put "scale_pct_peer_${iv}_$N" "$(python3 -c "print($cpu / 1e7 / $SAMPLER_S)")"
    put "scale_p99_peer_${iv}_$N" "$p99"
    put "scale_missed_peer_${iv}_$N" "$missed"
    if ((iv == 1)); then
      read -r cmax clate <<<"$(cyclic "$SAMPLER_S")"
      put "scale_ct_max_$N" "$cmax"
      put "scale_ct_late_$N" "$clate"
    fi
    rmcg
  done
  # limitlab report of the 1 ms run, and of the 10 ms one.
  for iv in 1 10; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$LL" report "$work/s$iv" >/dev/null
    read -r secs kib <"$work/time"
    put "scale_report_s_${iv}_$N" "$secs"
    put "scale_report_mib_${iv}_$N" "$(python3 -c "print($kib / 1024)")"
    put "scale_report_samples_${iv}_$N" "$(($(wc -l <"$work/s$iv/samples.csv") - 1))"
    rm -rf "$work/s$iv"
  done
  unset MKCG_MEM
done
fi

# --- 8. scale of the work: a sweep -------------------------------------------------------
if only sweep; then
say "8. a $SWEEP_CELLS-cell [matrix] sweep: overhead per cell beyond its duration, the sweep report"
# 8 x 8 (or 4 x 4) cells of a 200 ms capped bomb: pids.max and memory.
side=$(python3 -c "import math; print(int(math.isqrt($SWEEP_CELLS)))")
pids_list=$(seq -s, 20 10 $((10 + 10 * side)))
mem_list=$(for k in $(seq "$side"); do printf '"%dMiB",' $((64 * k)); done)
cell='duration = "200ms"
[[workload]]
kind = "forkbomb"
style = "classic"'
s_sweep=$(scenario sweep "name = \"sweep\"
$cell
[matrix]
\"limits.pids\" = [${pids_list}]
\"limits.memory\" = [${mem_list%,}]")
s_cell=$(scenario cell "name = \"cell\"
$cell
[limits]
pids = 20
memory = \"64MiB\"")
for i in $(seq "$ATTACK_REPS"); do
  t0=${EPOCHREALTIME/./}
  "$LL" run --quiet --out "$work/sw" "$s_sweep" >/dev/null
  t1=${EPOCHREALTIME/./}
  cells=$(grep -c '"dir":' "$work/sw/sweep.json")
  ((cells == SWEEP_CELLS)) || fail "the sweep made $cells cells, not $SWEEP_CELLS"
  put sweep_cell_ms "$(python3 -c "print(($t1 - $t0) / 1000 / $cells - 200)")"
  /usr/bin/time -f "%e %M" -o "$work/time" "$LL" report "$work/sw" >/dev/null
  read -r secs kib <"$work/time"
  put sweep_report_s "$secs"
  put sweep_report_mib "$(python3 -c "print($kib / 1024)")"
  # The peers: one run of a cell alone (its overhead beyond 200 ms), and the report of one
  # cell's folder (times the cells).
  t0=${EPOCHREALTIME/./}
  "$LL" run --quiet --out "$work/one" "$s_cell" >/dev/null
  t1=${EPOCHREALTIME/./}
  put sweep_single_ms "$(python3 -c "print(($t1 - $t0) / 1000 - 200)")"
  /usr/bin/time -f "%e %M" -o "$work/time" "$LL" report "$work/one" >/dev/null
  read -r secs kib <"$work/time"
  put sweep_cell_report_s "$(python3 -c "print($secs * $cells)")"
  rm -rf "$work/sw" "$work/one"
done
fi

# --- the table ---------------------------------------------------------------------------
say "writing $out"
mkdir -p "$(dirname "$out")"
facts() {
  echo "- measured: $(date -u +%Y-%m-%dT%H:%MZ), limitlab $("$LL" --version | cut -d' ' -f2-)$( ((quick)) && echo ', QUICK mode (few repetitions: not for publishing)')"
  echo "- kernel: $(uname -r), $(uname -m)"
  if [[ -n $unified ]]; then echo "- cgroups: v1 hybrid (v1 controllers + cgroup2 at /sys/fs/cgroup/unified)"; else echo "- cgroups: v1"; fi
  echo "- CPU: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores"
  echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "- cgroup mount options: favordynmods $(grep -q favordynmods /proc/mounts && echo on || echo off) (off: a cgroup.procs write waits for an RCU grace period); rcu_expedited $(cat /sys/kernel/rcu_expedited 2>/dev/null || echo n/a)"
  echo "- peers: $(hyperfine --version), $(stress-ng --version | head -1), bubblewrap $(bwrap --version | awk '{print $2}'), $(unshare --version), $(gcc --version | head -1), cyclictest $(cyclictest --help 2>&1 | awk '/^cyclictest V/ { print $3; exit }')"
  echo "- kernel preemption: $(uname -v | grep -o 'PREEMPT[_A-Z]*' | head -1), running as $(dmesg 2>/dev/null | grep -o 'PREEMPT([a-z]*)' | tail -n 1 || echo unknown)"
}
[[ -f $work/spans ]] || : >"$work/spans"
[[ -f $work/bwrap_view ]] || : >"$work/bwrap_view"
python3 - "$R" "$quick" "$(facts)" "$SKIPS" "$SWEEP_CELLS" "$work/spans" "$SAMPLER_S" "$work/bwrap_view" >"$out" <<'EOF'
import collections, math, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    k, v = line.split()
    rows[k].append(float(v))
quick, facts = sys.argv[2] == "1", sys.argv[3]
cells_n = lambda: sys.argv[5] if len(sys.argv) > 5 else "64"
med = lambda k: statistics.median(rows[k]) if rows[k] else math.nan
def fmt(v, unit):
    if math.isnan(v): return "n/a"
    return f"{v:,.0f} {unit}" if abs(v) >= 100 else f"{v:.2f} {unit}" if abs(v) >= 1 else f"{v:.3f} {unit}"
table = []
def row(what, ll, llu, peer_name, peer, peeru, goal, met, ratio=None, n=None):
    if ratio is None and peer is not None and peer and not math.isnan(peer):
        ratio = ll / peer
    table.append((what, fmt(ll, llu) + (f" (n={n})" if n else ""),
                  f"{peer_name}: {fmt(peer, peeru)}" if peer is not None else peer_name,
                  "—" if ratio is None else f"{ratio:.2f}", goal, "yes" if met else "**no**"))
n = len(rows["start_ll"])
r = med("start_ll") / med("start_unshare")
row("1. sandbox start → /bin/true → teardown, whole process (median)", med("start_ll"), "ms", "`unshare --pid --fork --mount --net --uts --ipc --mount-proc`", med("start_unshare"), "ms", "ratio ≤ 1.0", r <= 1.0, n=n)
r = med("start_ll") / med("start_bwrap")
row("1b. the same, against bubblewrap with the core of limitlab's view", med("start_ll"), "ms", "`bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp`", med("start_bwrap"), "ms", "ratio ≤ 1.0", r <= 1.0)
r = med("start_ll") / med("start_bwrap_view")
row("1d. the same, against bubblewrap with limitlab's whole view, as far as bubblewrap makes it (its command below the table)", med("start_ll"), "ms", "`bwrap` with every private tmpfs, runc's masked and read-only paths, /sys read-only, hostname, no capabilities, own session", med("start_bwrap_view"), "ms", "ratio ≤ 1.0 (the same view)", r <= 1.0)
row("1c. start to exec inside limitlab (`exec --time`)", med("start_inside"), "ms", "—", None, "", "(detail)", True)
leaks = sum(rows["teardown_leaked"])
r = med("teardown_ll") / med("teardown_peer")
row(f"2. teardown of a saturated classic bomb ({med('teardown_killed'):.0f} tasks), kill until empty + rmdir", med("teardown_ll"), "ms", f"C SIGKILL loop over cgroup.procs, same bomb ({med('teardown_peer_killed'):.0f} tasks)", med("teardown_peer"), "ms", f"ratio ≤ 1.0, 0 leaks in {len(rows['teardown_ll'])} runs (leaked: {leaks:.0f})", r <= 1.0 and leaks == 0, n=len(rows["teardown_ll"]))
r = med("ttl_ll") / med("ttl_peer")
row("3a. classic bomb: release to 1000 tasks (read every 1 ms)", med("ttl_ll"), "ms", "C `for(;;) fork();`", med("ttl_peer"), "ms", "ratio ≤ 1.0 (faster)", r <= 1.0)
r = med("churn_ll") / med("churn_peer")
row("3b. churn: forks per second, two workers", med("churn_ll"), "/s", "`stress-ng --fork 2` bogo ops/s", med("churn_peer"), "/s", "ratio ≥ 1.0", r >= 1.0)
fill = lambda k: 1024 / (med(k) / 1000)
r = fill("hog_ll") / fill("hog_peer")
row("3c. memory hog: fill rate to 1 GiB in the cgroup (read every 1 ms)", fill("hog_ll"), "MiB/s", "`stress-ng --vm 1 --vm-bytes 1G --vm-keep`", fill("hog_peer"), "MiB/s", "ratio ≥ 1.0", r >= 1.0, ratio=r)
r = med("spin_ll") / med("spin_peer")
row("3d. CPU spinners: share of a 0.5-core quota", med("spin_ll") / 0.5 * 100, "%", "`stress-ng --cpu 2`", med("spin_peer") / 0.5 * 100, "%", "ratio ≥ 1.0 (to 0.5 %: both sit at the quota)", r >= 0.995, ratio=r)
for load in ["idle", "bomb"]:
    for iv in ["10", "1"]:
        k = f"_{load}_{iv}"
        cpu, pct, p99 = med("sampler_ll_cpu_us" + k), med("sampler_ll_core_pct" + k), med("sampler_ll_p99" + k)
        scpu, spct, sp99 = med("sampler_sh_cpu_us" + k), med("sampler_sh_core_pct" + k), med("sampler_sh_p99" + k)
        if iv == "10":
            goal = "< 1 % of a core" + (", p99 late < 2 ms" if load == "bomb" else "")
            met = pct < 1.0 and (load == "idle" or p99 < 2.0)
        else:
            goal = "possible: nothing missed" + (" (p99 < 2 ms)" if load == "bomb" else "")
            met = med("sampler_ll_missed" + k) == 0 and (load == "idle" or p99 < 2.0)
        what = f"4. sampler at {iv} ms, {'idle' if load == 'idle' else 'under a saturated 1000-task bomb'}: CPU per sample, % of a core, p99 lateness, missed"
        ll = f"{cpu:.1f} µs, {pct:.2f} %, {p99:.2f} ms, {med('sampler_ll_missed' + k):.0f}"
        sh = f"bash loop, same files: {scpu:.1f} µs, {spct:.2f} %, {sp99:.2f} ms, {med('sampler_sh_missed' + k):.0f}"
        table.append((what, ll, sh, f"{cpu / scpu:.2f}" if scpu else "—", goal, "yes" if met else "**no**"))
for load in ["idle", "bomb"]:
    if rows["sampler_ct_max_" + load]:
        ct = f"max {med('sampler_ct_max_' + load):,.0f} µs, {sum(rows['sampler_ct_late_' + load]):.0f} wake-ups ≥ 1 ms late in {len(rows['sampler_ct_late_' + load]) * int(sys.argv[7])} s"
        table.append((f"4k. the kernel's floor at 1 ms, {'idle' if load == 'idle' else 'under the same saturated bomb'}: a SCHED_FIFO 1 thread that only sleeps", "—", f"`cyclictest -m -p1 -i1000 -h1000`: {ct}", "—", "(detail: a sampler cannot miss less)", "yes"))
if rows["misses_ll"]:
    tot = lambda k: sum(rows[k])
    runs = len(rows["misses_ll"])
    how = f"{tot('misses_interrupt'):.0f} with the timer interrupt late on its CPU, {tot('misses_machine'):.0f} with no CPU taking any interrupt (the machine stopped), {tot('misses_scheduler'):.0f} given the CPU late, {tot('misses_own'):.0f} its own tick too long; steal {tot('misses_steal'):.0f} ms"
    table.append((f"4m. why the 1 ms sampler missed what it missed, under a saturated 1000-task bomb (`benches/misses.sh`: {runs} runs of 6 s, each traced with perf)",
        f"{tot('misses_ll'):.0f} missed in {runs * 6} s (the trace: {tot('misses_traced'):.0f})", "the kernel's tracepoints: " + how, "—",
        "0 missed of its own", "yes" if tot("misses_own") == 0 else "**no**"))
o = med("overhead_ms")
row("5. whole run overhead: `limitlab run` of a 5 s bomb minus 5 s", o, "ms", "—", None, "", "< 300 ms", o < 300, n=len(rows["overhead_ms"]))
s, mib = med("report_s"), med("report_mib")
samples = "1,000,000" if not quick else "100,000 (quick)"
table.append((f"6. `limitlab report` of a {samples}-sample run: wall, peak RSS", f"{s:.2f} s, {mib:.0f} MiB", "—", "—", "< 2 s and < 200 MiB", "yes" if s < 2 and mib < 200 else "**no**"))
print("# limitlab against its peers\n")
print("Written by `benches/compare.sh`" + (" --quick" if quick else "") + "; every pair below was measured in the same run, on this machine:\n")
print(facts + "\n")
print("| measurement | limitlab | peer (named) | ratio | goal | met? |")
print("|---|---|---|---|---|---|")
for t in table:
    print("| " + " | ".join(t) + " |")
print()
view = sys.argv[8] if len(sys.argv) > 8 else ""
if view and open(view).read().strip():
    print("Row 1d's bubblewrap, given the view limitlab reported it built in a run here: `bwrap " + open(view).read().strip() + " /bin/true`\n")
skips = dict(l.rstrip("\n").split(" ", 1) for l in open(sys.argv[4]) if l.strip())
scales = ["100", "1000", "10000"]
if any(rows[f"scale_ttl_ll_{n}"] for n in scales) or skips:
    print("## Scale of the attack: the same costs at pids.max = 100, 1,000 and 10,000\n")
    print("Each cell: limitlab, its peer in the same run, and the ratio (limitlab / peer); medians. A bomb is")
    print("limitlab's classic bomb in its sandbox, the peer's the C `for(;;) fork();` in a cgroup of the script's own.\n")
    print("| cost | " + " | ".join(f"{int(n):,} tasks" for n in scales) + " |")
    print("|---|" + "---|" * len(scales))
    def cell(n, f):
        if n in skips: return "skipped: " + skips[n]
        if not rows[f"scale_ttl_ll_{n}"] and not rows[f"scale_td_ll_{n}"]: return "not measured"
        return f(n)
    def ratio(a, b): return "—" if not b or math.isnan(a) or math.isnan(b) else f"{a / b:.2f}"
    def peer_td(n):
        # A kill loop that gave up at 30 s counts as 30 s: its median is then a lower bound.
        out = len(rows[f"scale_td_peer_timeout_{n}"])
        t = fmt(med(f"scale_td_peer_{n}"), "ms")
        return f"≥ {t} (the loop had not emptied it after 30 s in {out} of {len(rows[f'scale_td_peer_{n}'])})" if out else t
    lines = [
        ("time from release to the limit (read every 1 ms) / C bomb",
         lambda n: f"{fmt(med(f'scale_ttl_ll_{n}'), 'ms')} / {fmt(med(f'scale_ttl_peer_{n}'), 'ms')} = **{ratio(med(f'scale_ttl_ll_{n}'), med(f'scale_ttl_peer_{n}'))}**"),
        ("teardown of the saturated bomb, kill until empty + rmdir / C SIGKILL loop (tasks killed; leaks)",
         lambda n: f"{fmt(med(f'scale_td_ll_{n}'), 'ms')} / {peer_td(n)} = **{'≤ ' if rows[f'scale_td_peer_timeout_{n}'] else ''}{ratio(med(f'scale_td_ll_{n}'), med(f'scale_td_peer_{n}'))}** ({med(f'scale_td_killed_{n}'):,.0f} / {med(f'scale_td_peer_killed_{n}'):,.0f}; leaked {sum(rows[f'scale_leaked_{n}']):.0f} in {len(rows[f'scale_td_ll_{n}'])})"),
    ]
    for iv in ["10", "1"]:
        lines.append((f"sampler at {iv} ms under the bomb: CPU per tick, % of a core, p99 lateness, missed / C sampler, same files, same priority",
            lambda n, iv=iv: f"{med(f'scale_cpu_ll_{iv}_{n}'):.1f} µs, {med(f'scale_pct_ll_{iv}_{n}'):.2f} %, {med(f'scale_p99_ll_{iv}_{n}'):.2f} ms, {med(f'scale_missed_ll_{iv}_{n}'):.0f} / {med(f'scale_cpu_peer_{iv}_{n}'):.1f} µs, {med(f'scale_pct_peer_{iv}_{n}'):.2f} %, {med(f'scale_p99_peer_{iv}_{n}'):.2f} ms, {med(f'scale_missed_peer_{iv}_{n}'):.0f} = **{ratio(med(f'scale_cpu_ll_{iv}_{n}'), med(f'scale_cpu_peer_{iv}_{n}'))}**"))
    if any(rows[f"scale_ct_max_{n}"] for n in scales):
        lines.append(("the kernel's floor at 1 ms beside the bomb: `cyclictest -m -p1 -i1000` (a thread that only sleeps): max wake-up latency, wake-ups ≥ 1 ms late",
            lambda n: f"{med(f'scale_ct_max_{n}'):,.0f} µs, {sum(rows[f'scale_ct_late_{n}']):.0f} in {len(rows[f'scale_ct_late_{n}']) * int(sys.argv[7])} s"))
    for iv in ["1", "10"]:
        lines.append((f"`limitlab report` of the {iv} ms run: wall, peak RSS (samples)",
            lambda n, iv=iv: f"{med(f'scale_report_s_{iv}_{n}'):.2f} s, {med(f'scale_report_mib_{iv}_{n}'):.0f} MiB ({med(f'scale_report_samples_{iv}_{n}'):,.0f})"))
    for what, f in lines:
        print(f"| {what} | " + " | ".join(cell(n, f) for n in scales) + " |")
    print()
steps = collections.defaultdict(list)
order = []
seen = collections.Counter()
for line in open(sys.argv[6]):
    # "  N\tlimitlab exec: span   AT ms   +TOOK ms  STEP" (N: the line within one run)
    n, rest = line.split("\t", 1)
    if int(n) == 1: seen = collections.Counter()
    parts = rest.split("span", 1)[1].split()
    took, step = float(parts[2]), " ".join(parts[4:])
    seen[step] += 1
    if seen[step] > 1: step += f" ({seen[step]})"
    if step not in steps: order.append(step)
    steps[step].append(took)
if order:
    total = sum(statistics.median(steps[s]) for s in order)
    print("## The sandbox start, step by step (`limitlab exec --time -- /bin/true`, limitlab's own spans)\n")
    print(f"Median time each step took after the one before it, over {len(steps[order[0]])} runs; the steps of the sandbox init are marked `init:`.\n")
    print("| step (ended) | took (median) | share |")
    print("|---|---|---|")
    for s in order:
        m = statistics.median(steps[s])
        print(f"| {s} | {m:.3f} ms | {m / total * 100:.0f} % |")
    print(f"| **sum of the medians** | **{total:.2f} ms** | |")
    print()
if rows["sweep_cell_ms"]:
    c, one = med("sweep_cell_ms"), med("sweep_single_ms")
    r, cr = med("sweep_report_s"), med("sweep_cell_report_s")
    print("## Scale of the work: a sweep\n")
    print("| measurement | limitlab | peer (named) | ratio |")
    print("|---|---|---|---|")
    print(f"| overhead per cell of a {cells_n()}-cell `[matrix]` sweep of a 200 ms capped bomb, beyond its 200 ms (n={len(rows['sweep_cell_ms'])}) | {fmt(c, 'ms')} | one `limitlab run` of a cell alone, beyond its 200 ms: {fmt(one, 'ms')} | {c / one:.2f} |")
    print(f"| `limitlab report` of the sweep: wall, peak RSS | {r:.2f} s, {med('sweep_report_mib'):.0f} MiB | `limitlab report` of one cell's run, times the cells: {cr:.2f} s | {r / cr:.2f} |")
    print()
EOF
if ((!quick)) && [[ -f benches/BENCHMARKS.notes.md ]]; then
  cat benches/BENCHMARKS.notes.md >>"$out"
fi
cat "$out"
