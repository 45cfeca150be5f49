#!/usr/bin/env bash
# tests/vm-systemd/run.sh: prove limitlab under real systemd. Boots a Debian 12 rootfs with
# systemd as PID 1 (the stock cloud kernel of tests/vm, the rootfs as an initramfs) in a
# throwaway qemu VM; root's autologin shell on the serial console runs
# tests/vm-systemd/suite.sh: limitlab from a login session scope, from a service that holds
# other processes, rootless from a session of a lingering user, a SIGKILL of the harness,
# and timings of systemd-run --scope against limitlab exec.
#
#   tests/vm-systemd/run.sh [--timeout SECONDS] [--no-build]
#
# What it needs on the host: root, mmdebstrap (the rootfs, built once and cached),
# deb.debian.org reachable for that first build, apt-get/apt-cache and dpkg (the kernel,
# fetched once), cargo, qemu-system-x86_64, cpio and zstd.
#
# Exit status:
#   0  every check in the guest passed
#   1  a check in the guest failed (the guest ran to the end and said so)
#   2  usage
#   3  setup failed on the host (a tool missing, the rootfs or kernel not built, the build)
#   4  the VM itself failed: kernel panic, time bound reached, or no exit code from the guest
#      (the console's tail is printed)
#
# Environment: LIMITLAB_VM_CACHE (kernel and rootfs cache, default ~/.cache/limitlab-vm;
# the rootfs is systemd-rootfs-<hash of the package list and customize.sh>.cpio.zst there:
# delete it to rebuild from today's packages), LIMITLAB_VM_KERNEL (use this vmlinuz),
# LIMITLAB_VM_TIMEOUT (default 2400), LIMITLAB_VM_STRETCH (scenario durations, default 3).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${LIMITLAB_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/limitlab-vm}
work=$repo/target/vm-systemd
timeout=${LIMITLAB_VM_TIMEOUT:-2400}
build=1

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --timeout) timeout=${2:-}; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $timeout =~ ^[0-9]+$ ]] || { echo "run.sh: --timeout takes whole seconds" >&2; exit 2; }

t_start=$EPOCHREALTIME
stage=vm-systemd
# since, say, die, is_static, kernel, build_static (shared with tests/vm/run.sh).
. "$repo/tests/vm/common.sh"

((EUID == 0)) || die 3 "mmdebstrap and the rootfs's device nodes and ownership need root"
for tool in qemu-system-x86_64 mmdebstrap cpio zstd cargo strip apt-cache dpkg sha256sum; do
  command -v "$tool" >/dev/null || die 3 "$tool is missing (apt-get install qemu-system-x86 mmdebstrap cpio zstd)"
done

# --- the rootfs: Debian 12 with systemd, customised by customize.sh, cached as a
# zstd-compressed newc cpio keyed by the mmdebstrap arguments and customize.sh's text.
mmdebstrap_args=(
  --variant=minbase
  --include=systemd,systemd-sysv,dbus,libpam-systemd,sudo,perl,bash,procps,util-linux
  # The user bus (/run/user/UID/bus, dbus.socket of each user manager): without it a user's
  # manager answers only on its private socket. Debian installs it with libpam-systemd's
  # Recommends; mmdebstrap installs no Recommends.
  --include=dbus-user-session
  # Documentation and translations are a third of the tree and of no use in the guest.
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  bookworm
)
rootfs_key=$({
  printf '%s\n' "${mmdebstrap_args[@]}"
  cat "$here/customize.sh"
} | sha256sum | cut -c1-16)
rootfs=$cache/systemd-rootfs-$rootfs_key.cpio.zst
build_dir=
cleanup() {
  [[ -z $build_dir ]] || rm -rf "$build_dir"
  [[ -z ${qemu:-} ]] || kill "$qemu" 2>/dev/null || true
}
trap cleanup EXIT
build_rootfs() {
  local t0 t1 log=$work/mmdebstrap.log
  build_dir=$work/rootfs.build
  rm -rf "$build_dir"
  mkdir -p "$cache"
  say "building the rootfs: mmdebstrap ${mmdebstrap_args[*]} (log: $log)"
  t0=$EPOCHREALTIME
  if ! nice -n 10 mmdebstrap "${mmdebstrap_args[@]}" "$build_dir" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die 3 "mmdebstrap failed (the whole log is $log)"
  fi
  say "mmdebstrap took $(since "$t0")s ($(du -sh "$build_dir" | cut -f1))"
  t1=$EPOCHREALTIME
  "$here/customize.sh" "$build_dir" || die 3 "customize.sh failed"
  (cd "$build_dir" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc --reproducible) | zstd -q -T0 -9 -o "$rootfs.part.$$" ||
    die 3 "packing the rootfs failed"
  mv "$rootfs.part.$$" "$rootfs"
  rm -rf "$build_dir"
  build_dir=
  # Older builds (another package list or customize.sh) are not used again: 40 MB each.
  find "$cache" -maxdepth 1 -name 'systemd-rootfs-*.cpio.zst' ! -name "${rootfs##*/}" -print -delete |
    sed 's/^/removed the older rootfs /' >&2
  say "rootfs built in $(since "$t0")s (mmdebstrap, then customize.sh and packing $(since "$t1")s): $rootfs ($(du -h "$rootfs" | cut -f1))"
}

# --- the overlay: what changes from run to run (limitlab, the scenarios, the suite), a
# second cpio after the rootfs's; the kernel unpacks both into the same tmpfs.
overlay() {
  local root=$work/overlay
  rm -rf "$root"
  install -d -m 755 "$root"/{usr,usr/local,usr/local/bin,scenarios,scenarios/hostile,vm,vm/scenarios}
  strip -o "$root/usr/local/bin/limitlab" "$static_bin"
  chmod 755 "$root/usr/local/bin/limitlab"
  install -m 644 "$repo"/scenarios/*.toml "$root/scenarios/"
  install -m 644 "$repo"/scenarios/hostile/*.toml "$root/scenarios/hostile/"
  install -m 644 "$here"/scenarios/*.toml "$root/vm/scenarios/"
  install -m 755 "$here/suite.sh" "$here/in-service.sh" "$root/vm/"
  (cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner root:root) >"$work/overlay.cpio"
}

mkdir -p "$work"
vmlinuz=$(kernel)
say "kernel: $vmlinuz"
if ((build)); then build_static; fi
[[ -x $static_bin ]] || die 3 "$static_bin does not exist (run without --no-build)"
if [[ -s $rootfs ]]; then
  say "rootfs: cached $rootfs ($(du -h "$rootfs" | cut -f1))"
else
  build_rootfs
fi
t0=$EPOCHREALTIME
overlay
zstd -q -d -c "$rootfs" >"$work/initramfs.cpio" || die 3 "cannot unpack $rootfs (delete it to rebuild)"
cat "$work/overlay.cpio" >>"$work/initramfs.cpio"
say "initramfs: $(du -h "$work/initramfs.cpio" | cut -f1) (unpacked from the cache and the overlay added in $(since "$t0")s)"

# /dev/kvm on these machines is kvm-pvm, which cannot boot stock kernels: qemu's TCG, with
# scenario durations stretched in the guest (see suite.sh).
stretch=${LIMITLAB_VM_STRETCH:-3}
console=$work/console.log guest=$work/guest.log exitf=$work/exit
rm -f "$console" "$guest" "$exitf"
: >"$guest"
say "booting systemd (TCG, -m 2G -smp 2, time bound ${timeout}s)"
t_boot=$EPOCHREALTIME
# ttyS0: the kernel console and root's autologin shell; ttyS1: the suite's output; ttyS2:
# its exit code.
timeout -k 10 "$timeout" nice -n 10 qemu-system-x86_64 -nodefaults -no-user-config \
  -display none -no-reboot -accel tcg,thread=multi -m 2G -smp 2 \
  -kernel "$vmlinuz" -initrd "$work/initramfs.cpio" \
  -append "console=ttyS0 panic=-1 rdinit=/sbin/init limitlab.stretch=$stretch" \
  -serial "file:$console" -serial "file:$guest" -serial "file:$exitf" \
  >"$work/qemu.log" 2>&1 &
qemu=$!
tail -n +1 -f --pid="$qemu" "$guest" &
tailer=$!
set +e
wait "$qemu"
qemu_rc=$?
set -e
qemu=
wait "$tailer" 2>/dev/null || true

verdict "$qemu_rc"
