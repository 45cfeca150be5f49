#!/usr/bin/env bash
# CI's packaging stage (.ci/run): the release artifacts, the package on a clean system, the
# images, the Kubernetes manifests against the Kubernetes schemas. Each part prints its
# wall time. Needs root, podman, runc, catatonit, mmdebstrap, python3-venv (.ci/run
# installs them). Slow first-time parts are cached under ~/.cache/limitlab-ci/: cargo-deb
# (cargo install, minutes) and kubernetes-validate (pip); the mmdebstrap rootfs is cached
# under target/image/.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
t_start=$EPOCHREALTIME
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
part() { printf '[packaging %6ss] %s\n' "$(since "$t_start")" "$*"; }
guard=$repo/../shared/bin/guard
[[ -x $guard ]] || guard=""
cache=${XDG_CACHE_HOME:-$HOME/.cache}/limitlab-ci

t=$EPOCHREALTIME
if [[ ! -x $cache/cargo-deb/bin/cargo-deb ]]; then
  part "cargo install cargo-deb --locked (cached afterwards in $cache/cargo-deb)"
  cargo install --quiet --locked cargo-deb --root "$cache/cargo-deb"
fi
part "cargo-deb ready in $(since "$t") s: $("$cache/cargo-deb/bin/cargo-deb" --version)"

t=$EPOCHREALTIME
CARGO_DEB=$cache/cargo-deb/bin/cargo-deb deploy/debian/build-deb.sh --out target/ci-artifacts
part "release artifacts in $(since "$t") s (target/ci-artifacts)"

t=$EPOCHREALTIME
deb=$(ls target/ci-artifacts/limitlab_*_amd64.deb)
${guard:+$guard --} deploy/debian/check-deb.sh "$deb"
part "dpkg -i on a clean rootfs, doctor, a shipped scenario, purge: $(since "$t") s"

t=$EPOCHREALTIME
store=$(mktemp -d)
# podman's cgroupfs manager makes libpod_parent/ at each hierarchy's top and leaves it: the
# ones this stage made are removed (empty ones only: rmdir) with the store.
had_libpod=$(ls -d /sys/fs/cgroup/libpod_parent /sys/fs/cgroup/*/libpod_parent 2>/dev/null || true)
hooks_cleanup() {
  "${podman[@]}" system reset --force >/dev/null 2>&1 || true
  rm -rf "$store"
  local d
  for d in /sys/fs/cgroup/libpod_parent /sys/fs/cgroup/*/libpod_parent; do
    [[ -d $d ]] && ! grep -qxF "$d" <<<"$had_libpod" || continue
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime = "runc"\n' >"$store/containers.conf"
export CONTAINERS_CONF=$store/containers.conf
podman=(podman --root "$store/root" --runroot "$store/run" --storage-driver vfs)
trap hooks_cleanup EXIT
PODMAN="${podman[*]}" deploy/image/build.sh --bin target/ci-artifacts/limitlab-*-x86_64-linux-static --tag ci --course
${guard:+$guard --} "${podman[@]}" run --rm --privileged --pids-limit 500 \
  --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 localhost/limitlab-course:ci \
  run /usr/share/limitlab/scenarios/forkbomb-perl.toml --format json --node ci-course-image >/dev/null
part "images built and the course image ran forkbomb-perl.toml: $(since "$t") s"

t=$EPOCHREALTIME
if [[ ! -x $cache/kv/bin/kubernetes-validate ]]; then
  python3 -m venv "$cache/kv"
  "$cache/kv/bin/pip" install --quiet kubernetes-validate
fi
"$cache/kv/bin/kubernetes-validate" --strict deploy/kubernetes/*.yaml
part "manifests valid against the Kubernetes schemas: $(since "$t") s"
part "done"
