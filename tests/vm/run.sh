#!/usr/bin/env bash
# tests/vm/run.sh: prove limitlab on pure cgroup v2. Boots a stock Debian cloud kernel in a
# throwaway qemu VM whose /sys/fs/cgroup is cgroup2 (mounted the way systemd mounts it) and
# runs tests/vm/guest.sh there: doctor, every shipped scenario and the VM-only scenarios, from
# a delegated non-root cgroup and from the root cgroup, plus v2-specific checks.
#
#   tests/vm/run.sh [--accel auto|tcg|kvm] [--timeout SECONDS] [--no-build]
#
# What it needs on the host: apt-get/apt-cache and dpkg (to fetch the kernel once), cargo,
# qemu-system-x86_64 (package qemu-system-x86) and a static busybox (package busybox-static).
#
# Exit status:
#   0  every check in the guest passed
#   1  a check in the guest failed (the guest ran to the end and said so)
#   2  usage
#   3  setup failed on the host (a tool missing, the kernel not fetched, the build failed)
#   4  the VM itself failed: kernel panic, time bound reached, or no exit code from the guest
#      (the console's tail is printed)
#
# Environment: LIMITLAB_VM_CACHE (kernel cache, default ~/.cache/limitlab-vm),
# LIMITLAB_VM_KERNEL (use this vmlinuz instead of fetching one), LIMITLAB_VM_TIMEOUT.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${LIMITLAB_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/limitlab-vm}
work=$repo/target/vm
accel=auto
timeout=${LIMITLAB_VM_TIMEOUT:-900}
build=1

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --accel) accel=${2:-}; shift 2 ;;
    --timeout) timeout=${2:-}; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
case $accel in auto | tcg | kvm) ;; *) echo "run.sh: --accel is auto, tcg or kvm" >&2; exit 2 ;; esac
[[ $timeout =~ ^[0-9]+$ ]] || { echo "run.sh: --timeout takes whole seconds" >&2; exit 2; }

t_start=$EPOCHREALTIME
# since, say, die, is_static, kernel, build_static (shared with tests/vm-systemd/run.sh).
. "$here/common.sh"

for tool in qemu-system-x86_64 busybox cargo strip apt-cache dpkg; do
  command -v "$tool" >/dev/null || die 3 "$tool is missing (apt-get install qemu-system-x86 busybox-static)"
done
busybox=$(command -v busybox)
is_static "$busybox" || die 3 "$busybox is not statically linked (apt-get install busybox-static)"

# --- the initramfs: busybox, limitlab, the scenarios, the guest script, and perl and bash
# with the libraries ldd lists (the course's fork bombs need them).
copy_with_libs() { # copy_with_libs ROOT PROGRAM...
  local root=$1 prog lib
  shift
  for prog in "$@"; do
    prog=$(command -v "$prog") || die 3 "$prog is missing on the host (apt-get install perl bash util-linux)"
    install -D -m 755 "$(readlink -f "$prog")" "$root$prog"
    for lib in $(ldd "$prog" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
      [[ -e $root$lib ]] || install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
    done
  done
}

initramfs() {
  local root=$work/root
  rm -rf "$root"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,proc,sys,dev,tmp,etc,scenarios,vm/scenarios}
  install -m 755 "$busybox" "$root/bin/busybox"
  strip -o "$root/usr/local/bin/limitlab" "$static_bin"
  chmod 755 "$root/usr/local/bin/limitlab"
  install -m 644 "$repo"/scenarios/*.toml "$root/scenarios/"
  install -D -m 644 -t "$root/scenarios/hostile" "$repo"/scenarios/hostile/*.toml
  install -m 644 "$here"/scenarios/*.toml "$root/vm/scenarios/"
  install -m 755 "$here/guest.sh" "$root/init"
  # setpriv (util-linux) runs the rootless phase as uid 1000; busybox's cannot change ids.
  copy_with_libs "$root" perl bash setpriv
  # bash is looked up as /bin/bash by scripts and as bash in PATH by scenarios.
  ln -sf /usr/bin/bash "$root/bin/bash"
  printf 'root:x:0:0:root:/:/bin/sh\nrootless:x:1000:1000::/:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nrootless:x:1000:\nnogroup:x:65534:\n' >"$root/etc/group"
  (cd "$root" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) >"$work/initramfs.cpio"
}

# --- the accelerator: KVM only where a quick probe boot shows it works (this project's
# machines have kvm-pvm, which cannot boot stock kernels); otherwise qemu's TCG.
probe_kvm() {
  [[ -r /dev/kvm && -w /dev/kvm ]] || { echo "no usable /dev/kvm"; return 1; }
  if [[ ! -d /sys/module/kvm_intel && ! -d /sys/module/kvm_amd ]]; then
    echo "/dev/kvm is not backed by kvm_intel or kvm_amd ($(ls /sys/module | grep -m1 '^kvm_' || echo unknown))"
    return 1
  fi
  local probe=$work/probe
  rm -rf "$probe" && mkdir -p "$probe/root/bin" "$probe/root/dev"
  install -m 755 "$busybox" "$probe/root/bin/busybox"
  printf '#!/bin/busybox sh\n/bin/busybox mount -t devtmpfs dev /dev\necho kvm-ok >/dev/ttyS1\n/bin/busybox poweroff -f\n' >"$probe/root/init"
  chmod 755 "$probe/root/init"
  (cd "$probe/root" && find . | "$busybox" cpio -o -H newc 2>/dev/null) >"$probe/initramfs.cpio"
  timeout -k 2 30 qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot \
    -accel kvm -cpu host -m 256M -smp 1 -kernel "$vmlinuz" -initrd "$probe/initramfs.cpio" \
    -append "console=ttyS0 panic=-1 quiet" \
    -serial "file:$probe/console.log" -serial "file:$probe/out" >"$probe/qemu.log" 2>&1 || true
  if grep -q kvm-ok "$probe/out" 2>/dev/null; then
    return 0
  fi
  echo "a probe boot with KVM did not come up: $(tail -n 1 "$probe/qemu.log" 2>/dev/null)"
  return 1
}

mkdir -p "$work"
vmlinuz=$(kernel)
say "kernel: $vmlinuz"
if ((build)); then build_static; fi
[[ -x $static_bin ]] || die 3 "$static_bin does not exist (run without --no-build)"
initramfs
say "initramfs: $(du -h "$work/initramfs.cpio" | cut -f1)"

if [[ $accel == auto ]]; then
  if why=$(probe_kvm); then accel=kvm; else
    say "using TCG: $why"
    accel=tcg
  fi
fi
# Under TCG the guest's scenarios run with stretched durations (see guest.sh).
case $accel in
  tcg) accel_args=(-accel tcg,thread=multi) stretch=${LIMITLAB_VM_STRETCH:-3} ;;
  kvm) accel_args=(-accel kvm -cpu host) stretch=${LIMITLAB_VM_STRETCH:-1} ;;
esac

console=$work/console.log guest=$work/guest.log exitf=$work/exit
rm -f "$console" "$guest" "$exitf"
: >"$guest"
say "booting (${accel_args[*]}, -m 1G -smp 2, time bound ${timeout}s)"
t_boot=$EPOCHREALTIME
# ttyS0: kernel console; ttyS1: the guest suite's output; ttyS2: its exit code.
timeout -k 10 "$timeout" qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot \
  "${accel_args[@]}" -m 1G -smp 2 \
  -kernel "$vmlinuz" -initrd "$work/initramfs.cpio" \
  -append "console=ttyS0 panic=-1 rdinit=/init limitlab.stretch=$stretch" \
  -serial "file:$console" -serial "file:$guest" -serial "file:$exitf" \
  >"$work/qemu.log" 2>&1 &
qemu=$!
tail -n +1 -f --pid="$qemu" "$guest" &
tailer=$!
set +e
wait "$qemu"
qemu_rc=$?
set -e
wait "$tailer" 2>/dev/null || true

verdict "$qemu_rc"
