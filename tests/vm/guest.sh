#!/bin/busybox sh
# tests/vm/guest.sh: the VM suite. It is /init (pid 1) of the guest that tests/vm/run.sh
# boots: it mounts what a systemd host mounts (cgroup2 at /sys/fs/cgroup with nsdelegate),
# builds a delegated cgroup like a `Delegate=yes` unit's, and runs limitlab there and from
# the root cgroup. Its output goes to ttyS1, its exit code (the number of failed checks,
# at most 100) to ttyS2; the kernel keeps ttyS0. The serial link is slow (~70 KB/s under
# TCG): print summaries, never whole CSVs.
#
# pid 1 itself stays in the root cgroup and is never moved: moving it into a limited cgroup
# would let a workload stall the VM. Every run is a child placed with
# `sh -c 'echo $$ >.../cgroup.procs; exec ...'` ($$ in `( ... )` would be pid 1's).

bb=/bin/busybox
CG=/sys/fs/cgroup
SLICE=$CG/ci.slice
RUNNER=$SLICE/runner
LIMITLAB=/usr/local/bin/limitlab

setup() {
  $bb mount -t devtmpfs devtmpfs /dev
  $bb --install -s
  mount -t proc proc /proc
  mount -t sysfs sysfs /sys
  # As systemd mounts it (memory_recursiveprot where the kernel knows it).
  mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 $CG 2>/dev/null ||
    mount -t cgroup2 -o nsdelegate cgroup2 $CG
  mount -t tmpfs -o mode=1777 tmpfs /tmp
  mkdir -p /results
  mount -t tmpfs tmpfs /results
  stty -F /dev/ttyS1 raw -echo
  stty -F /dev/ttyS2 raw -echo
  hostname guest
}

fails=0 passes=0
pass() {
  echo "  ok    $*"
  passes=$((passes + 1))
}
fail() {
  echo "  FAIL  $*"
  fails=$((fails + 1))
}
# check DESCRIPTION COMMAND...: a check that holds when COMMAND succeeds.
check() {
  d=$1
  shift
  if "$@"; then pass "$d"; else fail "$d"; fi
}

# The controllers a `Delegate=yes` unit gets: systemd enables each one in every ancestor's
# cgroup.subtree_control (one write per controller: a write naming several is all or
# nothing), so the unit's cgroup has them in cgroup.controllers and an empty subtree_control
# of its own, with the unit's processes inside it.
delegate() {
  for c in cpuset cpu io memory pids; do
    grep -qw $c $CG/cgroup.controllers || continue
    echo "+$c" >$CG/cgroup.subtree_control || fail "enable $c at the root"
  done
  mkdir -p $SLICE
  for c in $(cat $SLICE/cgroup.controllers); do
    echo "+$c" >$SLICE/cgroup.subtree_control || fail "enable $c in ci.slice"
  done
  mkdir -p $RUNNER
  echo "delegated $RUNNER: controllers '$(cat $RUNNER/cgroup.controllers)', subtree_control '$(cat $RUNNER/cgroup.subtree_control)'"
}

# in_runner COMMAND...: runs COMMAND as the only process of the delegated cgroup, like the
# main process of a Delegate=yes service (or `systemd-run --scope -p Delegate=yes`).
in_runner() {
  sh -c 'echo $$ >'"$RUNNER"'/cgroup.procs && exec "$@"' in_runner "$@"
}
# here COMMAND...: runs COMMAND from the current (root) cgroup.
here() { "$@"; }

# The value of a top-level or metric key in a pretty-printed summary.json ("key": value).
json() { sed -n "s/^ *\"$2\": \(.*\)/\1/p" "$1" | head -n 1 | sed 's/,$//'; }
# How many data rows of samples.csv have column COL empty; -1 when there is no such column.
empty_cells() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; if (!c) { print -1; exit } next }
    $c == "" { n++ } END { if (c) print n + 0 }' "$1"
}
# How many data rows have column COL different from VALUE.
other_cells() {
  awk -F, -v col="$2" -v v="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    $c != v { n++ } END { print n + 0 }' "$1"
}
# The largest value of column COL (empty when the column has no value).
col_max() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    c && $c != "" && (m == "" || $c + 0 > m + 0) { m = $c } END { print m }' "$1"
}
leftovers() { find $CG -name 'limitlab.*' -type d 2>/dev/null; }

# The v2-specific facts of one run's results.
check_v2_run() {
  out=$1
  s=$out/summary.json
  c=$out/samples.csv
  rows=$(($(wc -l <"$c") - 1))
  echo "  figures: $rows samples; max pids_current $(col_max "$c" pids_current), pids_peak $(col_max "$c" pids_peak), memory_bytes $(col_max "$c" memory_bytes), memory_peak_bytes $(col_max "$c" memory_peak_bytes); limits written: $(sed -n 's/^ *"control": "\(.*\)",/\1/p' "$s" | tr '\n' ' ')"
  check "cgroup_mode v2" [ "$(json "$s" cgroup_mode)" = '"v2"' ]
  check "teardown by cgroup.kill" [ "$(json "$s" method)" = '"cgroup.kill"' ]
  check "init cloned into its cgroup (CLONE_INTO_CGROUP)" [ "$(json "$s" cloned_into_cgroup)" = true ]
  check "per-sandbox PSI: psi_scope = cgroup in all $rows samples" [ "$(other_cells "$c" psi_scope cgroup)" = 0 ]
  for col in pids_current pids_max_events memory_bytes memory_max_events memory_oom_kills cpu_usage_us psi_cpu_some_us; do
    check "samples.csv $col filled in every row" [ "$(empty_cells "$c" $col)" = 0 ]
  done
  if [ -f $SLICE/pids.peak ]; then
    check "pids.peak sampled (the kernel has pids.peak)" [ "$(empty_cells "$c" pids_peak)" = 0 ]
  else
    echo "  note  this kernel has no pids.peak: pids.peak comes from sampled pids.current"
  fi
  if [ -f $SLICE/memory.peak ]; then
    check "memory.peak sampled (the kernel has memory.peak)" [ "$(empty_cells "$c" memory_peak_bytes)" = 0 ]
  fi
  if grep -qw cpu $RUNNER/cgroup.controllers; then
    check "cpu.stat throttling fields sampled (cpu controller on)" [ "$(empty_cells "$c" cpu_throttled_us)" = 0 ]
  fi
  for m in pids.peak memory.peak_bytes cpu.usage_cores psi.cpu_some_total_ms; do
    check "metric $m present" [ "$(json "$s" "$m")" != null ]
  done
  check "no leaked cgroups in summary" [ "$(json "$s" leaked_cgroups)" = "[]" ]
}

# Guest code runs 10-50x slower under qemu's TCG than natively, so a bomb needs more wall
# time to reach its cap: run.sh passes limitlab.stretch=N on the kernel command line (1 with
# KVM) and each scenario runs with its duration times N. Expectations stay as shipped.
# The course's sweep grows a bomb to 2048 processes in one cell, the heaviest thing here: it
# gets twice the stretch (a slow TCG run once peaked at 1896 in 9 s).
STRETCH=1
stretched() {
  k=$STRETCH
  case $1 in */coursework.toml) k=$((STRETCH * 2)) ;; esac
  [ "$k" = 1 ] && { echo "$1"; return; }
  mkdir -p /tmp/stretched
  awk -v k="$k" '/^duration = "[0-9]+(ms|s|m)"$/ { match($0, /[0-9]+/); n = substr($0, RSTART, RLENGTH);
    u = substr($0, RSTART + RLENGTH); sub(/"$/, "", u); print "duration = \"" n * k u "\"  # x" k " in the VM"; next } { print }' \
    "$1" >/tmp/stretched/"$(basename "$1")"
  echo /tmp/stretched/"$(basename "$1")"
}

# run_phase NAME PLACE: doctor, every scenario, the v2 checks, nothing left. PLACE is
# in_runner or here.
run_phase() {
  phase=$1
  place=$2
  echo
  echo "=== phase $phase: limitlab $([ $place = here ] && echo 'in the root cgroup' || echo "alone in $RUNNER") ($(cut -d' ' -f1 /proc/uptime)s)"
  $place $LIMITLAB doctor >/tmp/doctor 2>&1
  rc=$?
  sed 's/^/  | /' /tmp/doctor
  check "doctor exits 0" [ $rc = 0 ]
  check "doctor reports cgroup v2" grep -q '^ok .*cgroup mode *cgroup v2$' /tmp/doctor
  for c in pids memory cpu cpuset io; do
    check "doctor: $c controller ok" grep -q "^ok .*$c controller" /tmp/doctor
  done
  check "doctor: cgroup.kill ok" grep -q '^ok .*cgroup.kill' /tmp/doctor
  check "doctor: PSI per sandbox ok" grep -q '^ok .*PSI per sandbox' /tmp/doctor
  check "doctor leaves no cgroup" [ -z "$(leftovers)" ]

  for f in /scenarios/*.toml /vm/scenarios/*.toml; do
    name=$(basename "$f" .toml)
    if grep -q '^\[target\]' "$f"; then
      echo "--- $name: skipped, it attacks an existing container (there is none in the VM)"
      continue
    fi
    f=$(stretched "$f")
    out=/results/$phase/$name
    echo "--- $name ($(cut -d' ' -f1 /proc/uptime)s)"
    $place $LIMITLAB run --quiet --out "$out" "$f" >/tmp/run 2>&1
    rc=$?
    sed 's/^/  | /' /tmp/run
    check "$name: limitlab run exits 0 (every expectation held)" [ $rc = 0 ]
    if [ -f "$out/sweep.json" ]; then
      # A sweep: every cell is a run of its own (check_v2_run uses $out itself).
      sweep=$out
      for d in "$sweep"/*/; do
        [ -f "$d/summary.json" ] && check_v2_run "${d%/}"
      done
      check "$name: every cell of the sweep ran" [ "$(ls -d "$sweep"/*/ | wc -l)" = "$(grep -c '"dir":' "$sweep/sweep.json")" ]
      out=$sweep
    elif [ -f "$out/summary.json" ]; then
      check_v2_run "$out"
      case $name in
        cpu-quota) check "cpuset.cpus written" grep -q '"control": "cpuset.cpus"' "$out/summary.json" ;;
        memory-oom) [ -f $SLICE/memory.swap.max ] &&
          check "memory.swap.max written (the kernel has it)" grep -q '"control": "memory.swap.max"' "$out/summary.json" ;;
      esac
    else
      fail "$name: no summary.json"
    fi
    check "$name: no limitlab cgroup left" [ -z "$(leftovers)" ]
  done
  check "$RUNNER holds no process afterwards" [ -z "$(cat $RUNNER/cgroup.procs)" ]
  check "$RUNNER subtree_control restored (empty)" [ -z "$(cat $RUNNER/cgroup.subtree_control)" ]
}

# A delegated cgroup that limitlab shares with another process (the shell that started
# it): cgroup v2 cannot give sandboxes controllers there, and limitlab must say so and exit
# 3 without moving anyone or leaving anything.
shared_phase() {
  echo
  echo "=== phase shared: limitlab and its shell in $RUNNER"
  # `; exit $?` keeps the shell alive next to limitlab (ash would exec a last command).
  sh -c 'echo $$ >'"$RUNNER"'/cgroup.procs && '"$LIMITLAB"' run --quiet --out /results/shared /scenarios/forkbomb.toml; exit $?' >/tmp/run 2>&1
  rc=$?
  sed 's/^/  | /' /tmp/run
  check "exit 3 (the host cannot run it)" [ $rc = 3 ]
  check "the message names the rule" grep -q 'no internal processes' /tmp/run
  check "no limitlab cgroup left" [ -z "$(leftovers)" ]
  check "$RUNNER subtree_control untouched (empty)" [ -z "$(cat $RUNNER/cgroup.subtree_control)" ]
  check "no results folder husk" [ ! -e /results/shared/summary.json ]
  sh -c 'echo $$ >'"$RUNNER"'/cgroup.procs && '"$LIMITLAB"' doctor; exit $?' >/tmp/doctor 2>&1
  rc=$?
  grep 'no internal processes' /tmp/doctor | sed 's/^/  | /'
  check "doctor there exits 3" [ $rc = 3 ]
  check "doctor says MISSING: no internal processes" grep -q '^MISSING *no internal processes' /tmp/doctor
}

# Rootless: uid 1000 gets a cgroup the way systemd delegates one to a user (the directory
# and its cgroup.procs, cgroup.subtree_control and cgroup.threads chowned to it) and runs
# limitlab there with setpriv; then in a delegated cgroup whose parent gives it no memory
# controller, where doctor and run must name it.
USERID=1000
as_user() { # as_user CGROUP COMMAND...
  cg=$1
  shift
  # util-linux's setpriv: busybox's (first in PATH) cannot change ids.
  sh -c 'echo $$ >'"$cg"'/cgroup.procs && exec /usr/bin/setpriv --reuid '$USERID' --regid '$USERID' --clear-groups "$@"' as_user "$@"
}
delegate_to_user() { # delegate_to_user DIR
  mkdir -p "$1"
  chown $USERID:$USERID "$1" "$1/cgroup.procs" "$1/cgroup.subtree_control" "$1/cgroup.threads"
}
rootless_phase() {
  usercg=$SLICE/user-$USERID
  echo
  echo "=== phase rootless: uid $USERID alone in $usercg ($(cut -d' ' -f1 /proc/uptime)s)"
  delegate_to_user $usercg
  mkdir -p /results/rootless
  chown $USERID:$USERID /results/rootless
  as_user $usercg $LIMITLAB doctor >/tmp/doctor 2>&1
  rc=$?
  sed 's/^/  | /' /tmp/doctor
  check "rootless doctor exits 0" [ $rc = 0 ]
  check "doctor: user namespaces ok" grep -q '^ok *user namespaces' /tmp/doctor
  check "doctor: the cgroup2 tree is delegated" grep -q '^ok *cgroup2 tree ' /tmp/doctor
  out=/results/rootless/forkbomb
  as_user $usercg $LIMITLAB run --quiet --out $out "$(stretched /scenarios/forkbomb.toml)" >/tmp/run 2>&1
  rc=$?
  sed 's/^/  | /' /tmp/run
  check "rootless forkbomb: limitlab run exits 0 (every expectation held)" [ $rc = 0 ]
  if [ -f $out/summary.json ]; then
    check_v2_run $out
    check "rootless: summary records root = false" grep -q '"root": false' $out/summary.json
    check "rootless: the report says it ran without root" grep -q 'Ran without root' $out/summary.json
  else
    fail "rootless forkbomb: no summary.json"
  fi
  check "rootless: no limitlab cgroup left" [ -z "$(leftovers)" ]
  check "$usercg holds no process afterwards" [ -z "$(cat $usercg/cgroup.procs)" ]
  check "$usercg subtree_control restored (empty)" [ -z "$(cat $usercg/cgroup.subtree_control)" ]
  rmdir $usercg

  nomem=$CG/nomem.slice
  mkdir -p $nomem
  echo +pids >$nomem/cgroup.subtree_control
  usercg=$nomem/user-$USERID
  delegate_to_user $usercg
  as_user $usercg $LIMITLAB doctor >/tmp/doctor 2>&1
  rc=$?
  grep MISSING /tmp/doctor | sed 's/^/  | /'
  check "no memory controller: doctor exits 3" [ $rc = 3 ]
  check "no memory controller: doctor names it" grep -q '^MISSING *memory controller' /tmp/doctor
  as_user $usercg $LIMITLAB run --quiet --out /results/rootless/nomem /scenarios/forkbomb.toml >/tmp/run 2>&1
  rc=$?
  sed 's/^/  | /' /tmp/run
  check "no memory controller: run exits 3" [ $rc = 3 ]
  check "no memory controller: run names it" grep -q 'memory controller: not delegated' /tmp/run
  check "no memory controller: nothing ran" [ ! -e /results/rootless/nomem/summary.json ]
  rmdir $usercg $nomem
}

# The hostile scenarios (escape attempts, a daemonizing workload, a bomb racing teardown)
# from the delegated cgroup: on cgroup v2 with nsdelegate the cgroup namespace and the
# cgroupfs remount are the kernel's own delegation boundary, so they are tried here too.
hostile_phase() {
  echo
  echo "=== phase hostile: scenarios/hostile/ alone in $RUNNER ($(cut -d' ' -f1 /proc/uptime)s)"
  for f in /scenarios/hostile/*.toml; do
    name=hostile-$(basename "$f" .toml)
    out=/results/hostile/$name
    echo "--- $name ($(cut -d' ' -f1 /proc/uptime)s)"
    in_runner $LIMITLAB run --quiet --out "$out" "$(stretched "$f")" >/tmp/run 2>&1
    rc=$?
    sed 's/^/  | /' /tmp/run
    check "$name: limitlab run exits 0 (the containment held)" [ $rc = 0 ]
    if [ -f "$out/summary.json" ]; then
      check_v2_run "$out"
    else
      fail "$name: no summary.json"
    fi
    check "$name: no limitlab cgroup left" [ -z "$(leftovers)" ]
  done
}

# A container that already exists, on cgroup v2: a process in its own namespaces in a
# cgroup with pids.max = 40 and processes of its own (so limitlab cannot enable controllers
# beneath it: "no internal processes"), attacked through [target] pid. Its limit must hold,
# it must survive, and limitlab must leave nothing beneath it.
target_phase() {
  tc=$SLICE/container
  echo
  echo "=== phase target: a fork bomb in a container in $tc ($(cut -d' ' -f1 /proc/uptime)s)"
  mkdir -p $tc
  echo 40 >$tc/pids.max
  sh -c 'echo $$ >'"$tc"'/cgroup.procs && exec unshare -p -m -n -u -i -f --mount-proc sleep 100000' &
  upid=$!
  init=
  for _ in $(seq 100); do
    init=$(awk -v p=$upid '$4 == p { print $1; exit }' /proc/[0-9]*/stat 2>/dev/null)
    [ -n "$init" ] && break
    sleep 0.1
  done
  if [ -z "$init" ]; then
    fail "target: the container started"
    kill -9 $upid 2>/dev/null
    rmdir $tc
    return
  fi
  echo "  container: unshare $upid, its init (sleep) $init, $(wc -l <$tc/cgroup.procs) processes in $tc"
  printf '%s\n' 'name = "target"' "duration = \"$((STRETCH * 1500))ms\"" '[target]' "pid = $init" \
    '[[workload]]' 'kind = "forkbomb"' '[expect]' '"target.pids_limit" = "== 40"' \
    '"target.pids_limit_hits" = ">= 1"' '"target.pids_peak" = "<= 40"' '"teardown.leaked" = "== 0"' \
    >/tmp/target.toml
  out=/results/target
  in_runner $LIMITLAB run --quiet --out $out /tmp/target.toml >/tmp/run 2>&1
  rc=$?
  sed 's/^/  | /' /tmp/run
  check "target: limitlab run exits 0 (the container's limit held, it survived)" [ $rc = 0 ]
  check "target: its init is still alive" kill -0 $init
  check "target: nothing of limitlab's left beneath it" [ -z "$(find $tc -mindepth 1 -type d)" ]
  check "target: no limitlab cgroup left" [ -z "$(leftovers)" ]
  echo 1 >$tc/cgroup.kill
  wait $upid 2>/dev/null
  for _ in $(seq 100); do grep -q '^populated 0' $tc/cgroup.events && break; sleep 0.1; done
  rmdir $tc || fail "target: remove the container's cgroup"
}

main() {
  echo "boot: $(cut -d' ' -f1 /proc/uptime) s to the suite; kernel $(uname -r); $(nproc) CPUs; $(free -m | awk '/Mem:/ { print $2 }') MiB"
  STRETCH=$(sed -n 's/.*limitlab\.stretch=\([0-9]*\).*/\1/p' /proc/cmdline)
  STRETCH=${STRETCH:-1}
  [ "$STRETCH" = 1 ] || echo "scenario durations x$STRETCH (TCG runs guest code 10-50x slower; expectations unchanged)"
  mounted=$(grep " $CG " /proc/mounts)
  echo "$mounted"
  check "/sys/fs/cgroup is cgroup2 with nsdelegate" eval 'echo "$mounted" | grep -q "^cgroup2 $CG cgroup2 .*nsdelegate"'
  echo "root controllers: $(cat $CG/cgroup.controllers)"
  delegate
  run_phase delegated in_runner
  hostile_phase
  target_phase
  shared_phase
  rootless_phase
  run_phase root here
  echo
  left=$(leftovers)
  check "zero limitlab cgroups anywhere at the end" [ -z "$left" ]
  [ -z "$left" ] || echo "$left"
  echo "end: $(cut -d' ' -f1 /proc/uptime) s"
  echo "checks: $passes passed, $fails failed"
  [ $fails -le 100 ] || fails=100
  return $fails
}

if [ $$ = 1 ]; then
  setup
  exec >/dev/ttyS1 2>&1
  main
  echo $? >/dev/ttyS2
  sync
  poweroff -f
  echo o >/proc/sysrq-trigger
  sleep 10
fi
