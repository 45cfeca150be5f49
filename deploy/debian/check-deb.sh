#!/usr/bin/env bash
# Installs a limitlab .deb with dpkg -i on a clean Debian system, a fresh rootfs from
# mmdebstrap (--variant=minbase plus perl, bookworm; cached as a tarball under
# target/image/), and runs
# from it `limitlab doctor` and a shipped scenario, then purges it and checks it is gone.
# The rootfs runs in a chroot inside a mount namespace of its own (its /proc, /sys and
# /dev are bind mounts that end with it); run this under ../shared/bin/guard or another
# pids cap. Usage: deploy/debian/check-deb.sh PACKAGE.deb
set -euo pipefail
deb=$(realpath "${1:?usage: check-deb.sh PACKAGE.deb}")
repo=$(cd "$(dirname "$0")/../.." && pwd)
((EUID == 0)) || { echo "check-deb.sh: needs root (chroot, mounts)" >&2; exit 3; }
command -v mmdebstrap >/dev/null || { echo "check-deb.sh: mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 3; }
t0=$EPOCHREALTIME
# The same rootfs as the course image's base (deploy/image/build.sh), so one mmdebstrap
# serves both.
cache=$repo/target/image/bookworm-minbase-perl.tar
if [[ ! -s $cache ]]; then
  mkdir -p "$(dirname "$cache")"
  mmdebstrap --quiet --variant=minbase --include=perl \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' bookworm "${cache%.tar}.tmp.tar"
  mv "${cache%.tar}.tmp.tar" "$cache"
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
tar -C "$root" -xf "$cache"
cp "$deb" "$root/tmp/limitlab.deb"
echo "rootfs ready in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s"
unshare --mount --propagation private -- bash -euo pipefail -c '
  root=$1
  mount --bind "$root" "$root"  # a mount point, as / is on a real system (the sandbox remounts it)
  mount --rbind /proc "$root/proc"; mount --rbind /sys "$root/sys"; mount --rbind /dev "$root/dev"
  inside() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
  inside dpkg -i /tmp/limitlab.deb
  inside sh -c "command -v limitlab && limitlab --version"
  for f in /usr/share/man/man1/limitlab.1.gz /usr/share/bash-completion/completions/limitlab \
           /usr/share/zsh/vendor-completions/_limitlab /usr/share/fish/vendor_completions.d/limitlab.fish \
           /usr/share/limitlab/scenarios/forkbomb.toml /usr/share/limitlab/scenarios/kubernetes/pod-forkbomb.toml; do
    [[ -s $root$f ]] || { echo "check-deb.sh: the package did not install $f" >&2; exit 1; }
  done
  inside limitlab doctor
  inside sh -c "limitlab validate /usr/share/limitlab/scenarios/*.toml /usr/share/limitlab/scenarios/kubernetes/*.toml"
  inside sh -c "cd /tmp && limitlab run /usr/share/limitlab/scenarios/forkbomb.toml --out /tmp/forkbomb --quiet"
  [[ -s $root/tmp/forkbomb/report.html ]] || { echo "check-deb.sh: no report from the shipped scenario" >&2; exit 1; }
  inside dpkg --purge limitlab
  [[ ! -e $root/usr/bin/limitlab && ! -e $root/usr/share/limitlab ]] || { echo "check-deb.sh: purge left files" >&2; exit 1; }
' check-deb "$root"
echo "check-deb.sh: installed, ran doctor and forkbomb.toml, purged in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s"
