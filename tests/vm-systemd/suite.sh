#!/bin/bash
# tests/vm-systemd/suite.sh: the guest suite of tests/vm-systemd/run.sh. The guest boots
# real systemd as PID 1; root's autologin shell on ttyS0 (so in
# user.slice/user-0.slice/session-N.scope, next to login and the shell) runs this once from
# ~/.bash_profile with its output on ttyS1 and its exit code, the number of failed checks
# (at most 100), on ttyS2. The phases:
#   facts      systemd, the login shell's cgroup, the controllers along the way, what the
#              user manager of the lingering uid 1000 was delegated
#   session    doctor and every shipped scenario as root from the login session
#   service    limitlab inside ci-runner.service, whose cgroup holds a sibling (`sleep`),
#              the shape of a CI runner's step (GitHub: hosted-compute-agent.service)
#   rootless   uid 1000 from a login session of its own: forkbomb, memhog, cpuspin. `su -l`
#              from root's session opens none (logind: "already in a session"; the shell
#              stays in root's session scope), so su is started from a transient scope
#              when that is so, and then gets user-1000.slice/session-cN.scope
#   fault      kill -9 of the harness while its bomb is saturated: the sandbox empties
#              within 1 s and no limitlab unit or cgroup stays
#   more       two runs at once (a scope each); rootless without a user bus and with
#              systemd unreachable (exit 3, saying systemd could not be asked, why, and
#              what to install)
#   timing     medians of 20 runs: systemd-run --scope, limitlab exec, and both together;
#              what getting the scope costs inside limitlab exec (its --time line)
# After every limitlab run: no limitlab unit (system or user manager), no limitlab cgroup,
# no limitlab process. Every command that could hang runs under timeout(1).
set -u
export LC_ALL=C
LIMITLAB=/usr/local/bin/limitlab
CG=/sys/fs/cgroup
RUSER=rootless
RUID=1000
R=/tmp/r
cd /

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
  local _what=$1
  shift
  if "$@"; then pass "$_what"; else fail "$_what"; fi
}
note() { echo "  note  $*"; }
up() { cut -d' ' -f1 /proc/uptime; }
indent() { sed 's/^/  | /'; }
ns() { date +%s%N; }
ms_since() { echo $((($(ns) - $1) / 1000000)); }
# cmdlines: each pid read from stdin that still runs, with its command line (a fork that
# has not exec'd yet, such as the $(...) reading the list, has none and is left out).
cmdlines() {
  local p c
  while read -r p; do
    c=$( (tr '\0' ' ' <"/proc/$p/cmdline") 2>/dev/null)
    [ -n "$c" ] && echo "    $p $c"
  done
}
own_cgroup() { sed -n 's/^0:://p' /proc/"${1:-self}"/cgroup; }
# A logind session's scope: session-N.scope, or session-cN.scope for a session whose
# process had no audit session id (su started outside a login, cron).
is_session_of() { [[ $2 =~ ^/user\.slice/user-$1\.slice/session-c?[0-9]+\.scope$ ]]; }
eq() { [ "$1" = "$2" ]; }

# Guest code runs 10-50x slower under qemu's TCG than natively, so a bomb needs more wall
# time to reach its cap: run.sh passes limitlab.stretch=N on the kernel command line and
# each scenario runs with its duration times N (as tests/vm/guest.sh does). Expectations
# stay as shipped. The course's sweep, the heaviest thing here, gets twice the stretch.
STRETCH=$(sed -n 's/.*limitlab\.stretch=\([0-9]*\).*/\1/p' /proc/cmdline)
STRETCH=${STRETCH:-1}
stretched() {
  local k=$STRETCH dst
  case $1 in */coursework.toml) k=$((STRETCH * 2)) ;; esac
  [ "$k" = 1 ] && { echo "$1"; return; }
  dst=/tmp/stretched/${1#/}
  mkdir -p "$(dirname "$dst")"
  awk -v k="$k" '/^duration = "[0-9]+(ms|s|m)"$/ { match($0, /[0-9]+/); n = substr($0, RSTART, RLENGTH);
    u = substr($0, RSTART + RLENGTH); sub(/"$/, "", u); print "duration = \"" n * k u "\"  # x" k " in the VM"; next } { print }' \
    "$1" >"$dst"
  echo "$dst"
}

# --- what a run may leave behind -----------------------------------------------------------
# as_user_manager COMMAND...: COMMAND as uid 1000 talking to its user manager (no PAM, no
# session: only for looking), bounded.
as_user_manager() {
  timeout 30 setpriv --reuid=$RUID --regid=$RUID --init-groups \
    env XDG_RUNTIME_DIR=/run/user/$RUID DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$RUID/bus "$@"
}
units_left() {
  local out
  out=$(timeout 30 systemctl list-units --all --no-legend --plain 'limitlab*' 2>&1) ||
    echo "(systemctl list-units failed: $out)"
  [ -z "$out" ] || echo "system: $out"
  if [ "${1:-}" = user ]; then
    out=$(as_user_manager systemctl --user list-units --all --no-legend --plain 'limitlab*' 2>&1) ||
      echo "(systemctl --user list-units failed: $out)"
    [ -z "$out" ] || echo "user $RUID: $out"
  fi
}
cgroups_left() { find $CG -name 'limitlab*' 2>/dev/null; }
# Harnesses, sandbox inits and built-in workloads: all are the limitlab binary.
procs_left() {
  local p
  for p in $( (pgrep -x limitlab; pgrep -f '^(/usr/local/bin/)?limitlab( |$)') | sort -un); do
    echo "$p $( (tr '\0' ' ' <"/proc/$p/cmdline") 2>/dev/null)"
  done
}
# after_run LABEL [user]: the checks after every run. systemd drops a unit (and its
# cgroup) asynchronously once the unit's cgroup is empty, so units get up to 5 s and the
# wait is printed when it was not immediate.
after_run() {
  local label=$1 who=${2:-} t0 left waited i
  t0=$(ns)
  for i in $(seq 50); do
    left=$(units_left "$who")
    [ -z "$left" ] && break
    sleep 0.1
  done
  waited=$(ms_since "$t0")
  # i > 1: the first look still listed one, so it outlived limitlab by about $waited ms.
  check "$label: no limitlab unit listed${who:+ (system and the user manager of uid $RUID)}$([ -n "$left" ] || [ "$i" = 1 ] || echo " (still listed after limitlab exited; gone within $waited ms)")" [ -z "$left" ]
  [ -z "$left" ] || echo "$left" | indent
  left=$(cgroups_left)
  check "$label: no limitlab cgroup under $CG" [ -z "$left" ]
  [ -z "$left" ] || echo "$left" | indent
  left=$(procs_left)
  check "$label: no limitlab process left" [ -z "$left" ]
  [ -z "$left" ] || echo "$left" | indent
}

# run_scenario LABEL FILE OUT: `limitlab run` from here (the login session), bounded.
run_scenario() {
  local label=$1 f=$2 out=$3 rc bound=300
  case $f in *coursework.toml) bound=900 ;; esac
  echo "--- $label ($(up)s): limitlab run --out $out $f"
  timeout -k 10 $bound $LIMITLAB run --quiet --out "$out" "$(stretched "$f")" >/tmp/run.log 2>&1
  rc=$?
  head -c 4000 /tmp/run.log | indent
  check "$label: limitlab run exits 0 (got $rc)" eq $rc 0
  after_run "$label"
}

# --- a: facts ------------------------------------------------------------------------------
facts_phase() {
  echo
  echo "=== phase facts ($(up)s)"
  local t0 state own p path c
  t0=$(ns)
  state=$(timeout 120 systemctl is-system-running --wait 2>&1)
  echo "systemctl is-system-running --wait: $state (waited $(ms_since "$t0") ms; uptime now $(up)s)"
  check "the system finished booting (running or degraded)" eval '[ "$state" = running ] || [ "$state" = degraded ]'
  timeout 10 systemctl --failed --no-legend --plain | indent
  timeout 10 systemd-analyze time 2>&1 | indent
  echo "systemd: $(systemctl --version | head -n 1)"
  echo "kernel: $(uname -r); $(nproc) CPUs; $(free -m | awk '/Mem:/ { print $2 }') MiB; hostname $(hostname); machine-id $(cat /etc/machine-id)"
  echo "limitlab: $($LIMITLAB --version 2>&1)"
  grep " $CG " /proc/mounts
  check "/sys/fs/cgroup is cgroup2" eval 'grep -q "^cgroup2 $CG cgroup2 " /proc/mounts'
  check "/run/systemd/system exists (systemd is the init system)" [ -d /run/systemd/system ]
  check "pid 1 is systemd" eq "$(cat /proc/1/comm)" systemd
  echo "login shell: pid $PPID ($(cat /proc/$PPID/comm)) on $(readlink /proc/$PPID/fd/0)"
  echo "/proc/self/cgroup of the login shell: $(cat /proc/$PPID/cgroup)"
  echo "/proc/self/cgroup of the suite:       $(cat /proc/self/cgroup)"
  own=$(own_cgroup $PPID)
  check "the login shell is in user.slice/user-0.slice/session-N.scope" is_session_of 0 "$own"
  echo "XDG_SESSION_ID=${XDG_SESSION_ID:-} XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-}"
  echo "processes in $own:"
  cmdlines <"$CG$own/cgroup.procs"
  echo "controllers along the way (cgroup.controllers / cgroup.subtree_control):"
  path=
  for c in "" $(echo "$own" | tr '/' ' '); do
    path=${path:+$path/}$c
    printf '    %-45s %-32s / %s\n' "/$path" "$(cat "$CG/$path/cgroup.controllers")" "$(cat "$CG/$path/cgroup.subtree_control")"
  done
  local um=$CG/user.slice/user-$RUID.slice/user@$RUID.service
  echo "user@$RUID.service: $(systemctl is-active user@$RUID.service); linger: $(loginctl show-user $RUSER -p Linger --value 2>&1)"
  echo "  $um/cgroup.controllers (delegated to uid $RUID's manager): $(cat $um/cgroup.controllers 2>&1)"
  echo "  $um/cgroup.subtree_control: $(cat $um/cgroup.subtree_control 2>&1)"
  echo "  user@.service Delegate=: $(systemctl show -p Delegate -p DelegateControllers user@$RUID.service | tr '\n' ' ')"
  (cd $um 2>/dev/null && find . -mindepth 1 -maxdepth 2 -type d | sort | sed 's/^/    /')
  check "user@$RUID.service is running (linger)" systemctl is-active -q user@$RUID.service
  check "uid $RUID's manager got pids and memory" eval "grep -qw pids $um/cgroup.controllers && grep -qw memory $um/cgroup.controllers"
  echo "sessions:"
  timeout 10 loginctl list-sessions --no-legend 2>&1 | indent
}

# --- b: root from the login session --------------------------------------------------------
session_phase() {
  echo
  echo "=== phase session: root from its login session $(own_cgroup) ($(up)s)"
  local rc f name
  mkdir -p $R
  timeout -k 5 120 $LIMITLAB doctor >/tmp/doctor 2>&1
  rc=$?
  indent </tmp/doctor
  check "doctor exits 0 (got $rc)" eq $rc 0
  after_run "doctor"
  run_scenario forkbomb scenarios/forkbomb.toml $R/forkbomb
  for f in scenarios/*.toml scenarios/hostile/*.toml; do
    name=$(basename "$f" .toml)
    case $f in
      scenarios/forkbomb.toml) continue ;;
      scenarios/hostile/*) name=hostile-$name ;;
    esac
    if grep -q '^\[target\]' "$f"; then
      echo "--- $name: skipped, it attacks an existing container (there is no LXC in the VM)"
      continue
    fi
    run_scenario "$name" "$f" "$R/$name"
  done
}

# --- c: inside a service that holds other processes ----------------------------------------
service_phase() {
  echo
  echo "=== phase service: limitlab in ci-runner.service next to a sibling ($(up)s)"
  local d=/run/ci-runner t0 rc cg state i
  rm -rf $d
  mkdir -p $d
  # The unit's main process starts `sleep infinity` and then /vm/in-service.sh, which
  # records its cgroup and who else is in it and runs limitlab there; its exit code comes
  # back in $d/rc (the service itself always succeeds).
  timeout 60 systemd-run --unit=ci-runner --quiet --collect -p RuntimeMaxSec=900 \
    --setenv=LIMITLAB_SCENARIO="$(stretched scenarios/forkbomb.toml)" --setenv=LIMITLAB_OUT=$R/ci-runner \
    /bin/bash -c 'sleep infinity & /vm/in-service.sh'
  rc=$?
  check "systemd-run started ci-runner.service (got $rc)" eq $rc 0
  t0=$(ns)
  for i in $(seq 3000); do
    [ -e $d/rc ] && break
    sleep 0.2
  done
  echo "in-service.sh took $(ms_since "$t0") ms"
  indent <$d/log 2>/dev/null
  cg=$(cat $d/cgroup 2>/dev/null)
  check "the step ran in system.slice/ci-runner.service" eq "$cg" /system.slice/ci-runner.service
  check "ci-runner.service's cgroup held other processes (the sleep): $(cat $d/others 2>/dev/null)" eval '[ "$(cat $d/others 2>/dev/null || echo 0)" -ge 1 ]'
  rc=$(cat $d/rc 2>/dev/null || echo none)
  check "limitlab run in ci-runner.service exits 0 (got $rc)" eq "$rc" 0
  for i in $(seq 100); do
    state=$(systemctl is-active ci-runner.service 2>/dev/null)
    case $state in active | activating | deactivating) sleep 0.1 ;; *) break ;; esac
  done
  check "ci-runner.service ended ($state)" eval '[ "$state" = inactive ] || [ "$state" = unknown ]'
  timeout 10 systemctl stop ci-runner.service 2>/dev/null
  timeout 10 systemctl reset-failed ci-runner.service 2>/dev/null
  after_run "ci-runner.service"
}

# --- d: rootless, from a login session of uid 1000 -----------------------------------------
# as_rootless SECONDS COMMAND-STRING: COMMAND-STRING in a login session of uid 1000
# (pam_systemd through su's PAM stack), bounded. ROOTLESS_VIA says how su is started (see
# rootless_phase).
ROOTLESS_VIA=su
as_rootless() {
  case $ROOTLESS_VIA in
    su) timeout -k 10 "$1" su -l $RUSER -c "$2" ;;
    scope) timeout -k 10 "$1" systemd-run --scope --quiet --collect -- su -l $RUSER -c "$2" ;;
  esac
}
SESSION_PROBE='echo "cgroup=$(sed -n "s/^0:://p" /proc/self/cgroup)"; echo "XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-}"; echo "XDG_SESSION_ID=${XDG_SESSION_ID:-}"; echo "DBUS_SESSION_BUS_ADDRESS=${DBUS_SESSION_BUS_ADDRESS:-}"; echo "bus=$([ -S /run/user/1000/bus ] && echo socket)"; echo "manager=$(timeout 20 systemctl --user is-system-running 2>&1)"; echo "id=$(id)"'
probe_session() { # probe_session -> the probe's lines, and sets S_CGROUP S_XDG S_BUS S_MANAGER
  local out
  out=$(as_rootless 60 "$SESSION_PROBE" 2>&1)
  echo "$out" | indent
  S_CGROUP=$(echo "$out" | sed -n 's/^cgroup=//p')
  S_XDG=$(echo "$out" | sed -n 's/^XDG_RUNTIME_DIR=//p')
  S_BUS=$(echo "$out" | sed -n 's/^bus=//p')
  S_MANAGER=$(echo "$out" | sed -n 's/^manager=//p')
}
# rootless_run NAME: runs scenarios/NAME.toml as uid 1000; stdout, stderr, exit code and
# the session's cgroup in /tmp/rl/NAME.{out,err,rc,cg}.
rootless_run() {
  local name=$1 f
  f=$(stretched scenarios/$name.toml)
  rm -rf /tmp/rl/$name /tmp/rl/$name.*
  echo "--- rootless $name ($(up)s)"
  as_rootless 400 "cd /; sed -n 's/^0:://p' /proc/self/cgroup >/tmp/rl/$name.cg; timeout -k 10 300 $LIMITLAB run --quiet --out /tmp/rl/$name $f >/tmp/rl/$name.out 2>/tmp/rl/$name.err; echo \$? >/tmp/rl/$name.rc"
  echo "  session cgroup: $(cat /tmp/rl/$name.cg 2>/dev/null)"
  cat /tmp/rl/$name.out /tmp/rl/$name.err 2>/dev/null | head -c 4000 | indent
  RL_RC=$(cat /tmp/rl/$name.rc 2>/dev/null || echo none)
}
rootless_phase() {
  echo
  echo "=== phase rootless: uid $RUID from a login session of its own ($(up)s)"
  local rc
  echo "su -l $RUSER from root's session ($(own_cgroup)):"
  probe_session
  if is_session_of $RUID "$S_CGROUP"; then
    pass "su -l $RUSER opens a session of its own ($S_CGROUP)"
  else
    # logind refuses a second session to a process already in one ("Already running in a
    # session"): su then leaves the user's shell in root's session scope, without
    # XDG_RUNTIME_DIR. From a cgroup that is not a session (a transient scope) su's
    # pam_systemd does get a session of the user's own.
    note "su -l $RUSER from root's session stays in $S_CGROUP (XDG_RUNTIME_DIR='$S_XDG'): logind does not open a second session for a process already in one"
    ROOTLESS_VIA=scope
    echo "systemd-run --scope su -l $RUSER (su starts outside any session):"
    probe_session
  fi
  echo "rootless runs go through: $([ $ROOTLESS_VIA = su ] && echo "su -l $RUSER" || echo "systemd-run --scope su -l $RUSER")"
  check "uid $RUID's shell is in user.slice/user-$RUID.slice/session-N.scope ($S_CGROUP)" is_session_of $RUID "$S_CGROUP"
  check "XDG_RUNTIME_DIR=/run/user/$RUID in the session" eq "$S_XDG" /run/user/$RUID
  check "the user bus /run/user/$RUID/bus is a socket" eq "$S_BUS" socket
  check "systemctl --user reaches the user manager ($S_MANAGER)" eval '[ "$S_MANAGER" = running ] || [ "$S_MANAGER" = degraded ]'

  rm -rf /tmp/rl
  mkdir -p /tmp/rl
  chown $RUID:$RUID /tmp/rl
  as_rootless 120 "cd /; $LIMITLAB doctor" >/tmp/doctor 2>&1
  rc=$?
  indent </tmp/doctor
  check "rootless doctor exits 0 (got $rc)" eq $rc 0
  after_run "rootless doctor" user

  for name in forkbomb memhog; do
    rootless_run $name
    check "rootless $name: limitlab run exits 0 (got $RL_RC)" eq "$RL_RC" 0
    after_run "rootless $name" user
  done
  rootless_run cpuspin
  if [ "$RL_RC" = 0 ]; then
    pass "rootless cpuspin: limitlab run exits 0 (the cpu controller is delegated)"
  else
    check "rootless cpuspin: exit 0, or 3 naming the cpu controller and /etc/systemd/system/user@.service.d/delegate.conf (got $RL_RC)" \
      eval '[ "$RL_RC" = 3 ] && grep -q "cpu controller" /tmp/rl/cpuspin.err && grep -qF /etc/systemd/system/user@.service.d/delegate.conf /tmp/rl/cpuspin.err'
  fi
  after_run "rootless cpuspin" user
}

# --- f: SIGKILL of the harness while its bomb is saturated ---------------------------------
# fault_case LABEL PREFIX...: starts `PREFIX limitlab run longbomb.toml` in the background
# (PREFIX execs limitlab, so $! is the harness), waits until a sandbox cgroup
# limitlab.<pid>.<n> has refused a fork (pids.events max >= 1), kill -9s the harness.
fault_case() {
  local label=$1 hp i cgs= c sat= t0 empty_ms= busy rc
  shift
  echo "--- fault $label ($(up)s)"
  "$@" $LIMITLAB run --quiet --out $R/fault-$label /vm/scenarios/longbomb.toml >/tmp/fault.log 2>&1 &
  hp=$!
  for i in $(seq 600); do
    kill -0 $hp 2>/dev/null || break
    cgs=$(find $CG -type d -name "limitlab.$hp.*" ! -name '*.harness' 2>/dev/null)
    for c in $cgs; do
      if [ -f "$c/pids.events" ] && [ "$(awk '$1 == "max" { print $2 }' "$c/pids.events")" -ge 1 ] 2>/dev/null; then
        sat=$c
        break
      fi
    done
    [ -n "$sat" ] && break
    sleep 0.2
  done
  if [ -z "$sat" ]; then
    kill -9 $hp 2>/dev/null
    wait $hp
    rc=$?
    indent </tmp/fault.log
    fail "fault $label: the bomb saturated its sandbox (harness $hp ended with $rc before, or 120 s passed)"
    after_run "fault $label"
    return
  fi
  echo "  harness $hp (in $(own_cgroup $hp)); saturated: $sat pids.current $(cat $sat/pids.current) of pids.max $(cat $sat/pids.max) (uptime $(up)s)"
  echo "  sandbox cgroups: $(echo $cgs)"
  kill -9 $hp
  t0=$(ns)
  for i in $(seq 1000); do
    busy=
    for c in $cgs; do
      [ -d "$c" ] && [ "$(cat "$c/pids.current" 2>/dev/null || echo 0)" != 0 ] && busy="$busy $c"
    done
    [ -z "$busy" ] && { empty_ms=$(ms_since "$t0"); break; }
    sleep 0.01
  done
  wait $hp 2>/dev/null
  if [ -n "$empty_ms" ]; then echo "  the sandbox emptied $empty_ms ms after kill -9"; else echo "  still busy 10 s after kill -9:$busy"; fi
  check "fault $label: every sandbox cgroup empty within 1 s of kill -9 (${empty_ms:-never} ms)" eval '[ -n "$empty_ms" ] && [ "$empty_ms" -le 1000 ]'
  indent </tmp/fault.log
  after_run "fault $label"
}
fault_phase() {
  echo
  echo "=== phase fault: kill -9 of the harness mid-bomb ($(up)s)"
  fault_case session
  # The same in a delegated scope of limitlab's own (what works without asking systemd).
  fault_case delegated-scope systemd-run --scope --quiet --collect -p Delegate=yes
}

# --- g: timing -----------------------------------------------------------------------------
# median NAME COMMAND...: 20 runs; prints `timing: NAME MEDIAN_MS` and checks they exit 0.
median() {
  local name=$1 i t0 rc times= codes=
  shift
  rm -f /tmp/timing.err.*
  for i in $(seq 20); do
    t0=$(ns)
    timeout -k 5 60 "$@" >/dev/null 2>/tmp/timing.err
    rc=$?
    times="$times $((($(ns) - t0) / 1000))"
    codes="$codes $rc"
    # The first stderr of each exit code, to show below.
    [ -e /tmp/timing.err.$rc ] || mv /tmp/timing.err /tmp/timing.err.$rc
  done
  # The median of the runs that exited 0 (a failing run stops early and would pull it
  # down); of all 20 when none did.
  echo "timing: $name $(paste <(echo $times | tr ' ' '\n') <(echo $codes | tr ' ' '\n') | awk '
    { all[NR] = $1; if ($2 == 0) ok[++n] = $1 }
    function median(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END { if (n) printf "%.1f", median(ok, n) / 1000; else printf "%.1f", median(all, NR) / 1000
      if (n < NR) printf "  (median of the %s, %d of %d exited 0)", n ? "runs that exited 0" : "failed runs", n, NR }')"
  echo "  runs (ms): $(echo $times | tr ' ' '\n' | awk '{ printf "%.0f ", $1 / 1000 }'); exit codes: $(echo $codes | tr ' ' '\n' | sort | uniq -c | awk '{ printf "%s x%s ", $2, $1 }')"
  for i in /tmp/timing.err.*; do
    [ -s "$i" ] && { echo "  first stderr with exit code ${i##*.}:"; head -n 3 "$i" | indent; }
  done
  check "$name: all 20 runs exit 0" eq "$(echo $codes | tr ' ' '\n' | sort -u)" 0
}
timing_phase() {
  echo
  echo "=== phase timing: medians of 20 runs from the login session, each under timeout(1) ($(up)s)"
  median true /bin/true
  median systemd-run-scope systemd-run --scope --quiet -p Delegate=yes /bin/true
  median limitlab-exec $LIMITLAB exec --pids 20 -- /bin/true
  median systemd-run-scope+limitlab-exec systemd-run --scope --quiet -p Delegate=yes $LIMITLAB exec --pids 20 -- /bin/true
  grant_timing
  after_run "timing"
}

# --- h: more faults: two runs at once, the user bus gone, systemd unreachable --------------
more_phase() {
  echo
  echo "=== phase more: two runs at once, the user bus gone, systemd unreachable ($(up)s)"
  local f a b ra rb seen=0 i n
  f=$(stretched scenarios/forkbomb.toml)
  echo "--- two runs at once from the login session"
  timeout -k 10 300 $LIMITLAB run --quiet --out $R/twin-a "$f" >/tmp/twin-a.log 2>&1 &
  a=$!
  timeout -k 10 300 $LIMITLAB run --quiet --out $R/twin-b "$f" >/tmp/twin-b.log 2>&1 &
  b=$!
  for i in $(seq 300); do
    n=$(systemctl list-units --no-legend --plain 'limitlab-*.scope' 2>/dev/null | grep -c 'limitlab-')
    [ "$n" -gt "$seen" ] && seen=$n
    kill -0 $a 2>/dev/null || kill -0 $b 2>/dev/null || break
    sleep 0.1
  done
  wait $a
  ra=$?
  wait $b
  rb=$?
  indent </tmp/twin-a.log
  check "two runs at once: both exit 0 (got $ra and $rb)" eval '[ $ra = 0 ] && [ $rb = 0 ]'
  check "two runs at once: each had a scope of its own (at most $seen limitlab scopes listed at once)" eq "$seen" 2
  after_run "two runs at once"

  echo "--- rootless, the user bus gone (no dbus-user-session): limitlab says what to install"
  as_rootless 400 "cd /; DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent timeout -k 10 300 $LIMITLAB run --quiet --out /tmp/rl/nobus $f >/tmp/rl/nobus.out 2>&1; echo \$? >/tmp/rl/nobus.rc"
  indent </tmp/rl/nobus.out
  # The user manager runs (its private socket is there) but has no bus: as without
  # systemd, which a rootless run from root's session scope cannot use.
  check "rootless without a user bus: exits 3 (got $(cat /tmp/rl/nobus.rc 2>/dev/null))" eq "$(cat /tmp/rl/nobus.rc 2>/dev/null)" 3
  check "rootless without a user bus: says systemd could not be asked, and to install dbus-user-session" \
    eval 'grep -q "could not be asked" /tmp/rl/nobus.out && grep -q "install dbus-user-session" /tmp/rl/nobus.out'
  after_run "rootless without a user bus" user

  echo "--- rootless, systemd unreachable (no user bus, no runtime dir)"
  as_rootless 400 "cd /; XDG_RUNTIME_DIR=/nonexistent DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent timeout -k 10 300 $LIMITLAB run --quiet --out /tmp/rl/unreach $f >/tmp/rl/unreach.out 2>&1; echo \$? >/tmp/rl/unreach.rc"
  indent </tmp/rl/unreach.out
  # As before this issue: beneath its own cgroup (the session's scope, root's), which a
  # rootless run cannot use; it says that systemd could not be asked, and why.
  check "rootless with systemd unreachable: exits 3 (got $(cat /tmp/rl/unreach.rc 2>/dev/null))" eq "$(cat /tmp/rl/unreach.rc 2>/dev/null)" 3
  check "rootless with systemd unreachable: says systemd could not be asked, and why" \
    eval 'grep -q "could not be asked" /tmp/rl/unreach.out && grep -q "/nonexistent" /tmp/rl/unreach.out'
  after_run "rootless with systemd unreachable" user
}

# What getting the scope costs inside limitlab exec, from its own --time line.
grant_timing() {
  local i out times=
  for i in $(seq 20); do
    out=$(timeout -k 5 60 $LIMITLAB exec --time --pids 20 -- /bin/true 2>&1 >/dev/null)
    times="$times $(echo "$out" | sed -n 's/.*cgroups from .* in \([0-9.]*\) ms;.*/\1/p')"
  done
  echo "  $(echo "$out" | head -n 1)"
  echo "timing: limitlab-exec-cgroups $(echo $times | tr ' ' '\n' | sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "%.1f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
  echo "  runs (ms):$times"
  check "limitlab exec --time: its cgroups came from a system scope" eval 'echo "$out" | grep -q "cgroups from systemd scope limitlab-[0-9]*.scope (the system manager)"'
}

main() {
  echo "boot: $(up)"
  echo "(seconds of guest uptime when the suite started, from root's autologin shell on $(readlink /proc/$PPID/fd/0))"
  [ "$STRETCH" = 1 ] || echo "scenario durations x$STRETCH (TCG runs guest code 10-50x slower; expectations unchanged)"
  facts_phase
  session_phase
  service_phase
  rootless_phase
  fault_phase
  more_phase
  timing_phase
  echo
  local left
  left=$(cgroups_left; units_left user)
  check "zero limitlab cgroups and units anywhere at the end" [ -z "$left" ]
  [ -z "$left" ] || echo "$left" | indent
  echo "end: $(up) s"
  echo "checks: $passes passed, $fails failed"
  [ $fails -le 100 ] || fails=100
  return $fails
}

main
