#!/bin/bash
# tests/vm-systemd/in-service.sh: the "CI step" of suite.sh's service phase. It runs as a
# process of ci-runner.service (ExecStart=/bin/bash -c 'sleep infinity & /vm/in-service.sh'),
# so its cgroup, system.slice/ci-runner.service, holds a sibling: the shape of a hosted
# runner's step (GitHub: system.slice/hosted-compute-agent.service, shared with the agent,
# not delegated). It records where it is and who else is there, runs limitlab, and leaves
# the exit code in /run/ci-runner/rc (written last, atomically); the service itself always
# succeeds.
d=/run/ci-runner
cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
# Who else is in the cgroup, read with builtins only (a $(...) would count itself).
mapfile -t procs </sys/fs/cgroup$cg/cgroup.procs
others=0
for p in "${procs[@]}"; do [ "$p" = $$ ] || others=$((others + 1)); done
{
  echo "service cgroup (/proc/self/cgroup): $(cat /proc/self/cgroup)"
  echo "processes in $cg:"
  while read -r p; do
    c=$( (tr '\0' ' ' </proc/$p/cmdline) 2>/dev/null)
    [ -n "$c" ] && echo "    $p $c$([ $p = $$ ] && echo ' (this script)')"
  done </sys/fs/cgroup$cg/cgroup.procs
  echo "cgroup.controllers: $(cat /sys/fs/cgroup$cg/cgroup.controllers); cgroup.subtree_control: '$(cat /sys/fs/cgroup$cg/cgroup.subtree_control)'"
  echo "unit: $(systemctl show -p Id -p Delegate -p MainPID ci-runner.service | tr '\n' ' ')"
  timeout -k 5 120 limitlab doctor
  echo "doctor exited $?"
  echo "limitlab run --out $LIMITLAB_OUT $LIMITLAB_SCENARIO"
  timeout -k 10 300 limitlab run --quiet --out "$LIMITLAB_OUT" "$LIMITLAB_SCENARIO"
  rc=$?
  echo "limitlab run exited $rc"
} >$d/log 2>&1
echo "$cg" >$d/cgroup
echo "$others" >$d/others
echo "${rc:-none}" >$d/rc.part && mv $d/rc.part $d/rc
