#!/usr/bin/env bash
# Builds the limitlab images offline with podman (no registry is needed):
#   localhost/limitlab:TAG          FROM scratch: the static binary + the shipped scenarios
#   localhost/limitlab-course:TAG   (--course) the same on a Debian rootfs with perl and bash,
#                                   made by mmdebstrap from Debian's packages, podman-imported
# Usage: deploy/image/build.sh [--bin STATIC_BINARY] [--tag TAG] [--course [--base-tar FILE]]
#   --bin       a statically linked limitlab [default: cargo build --release, static]
#   --tag       image tag [default: latest]
#   --course    also build the course image
#   --base-tar  the course base as a tarball already made (mmdebstrap's output); made and
#               kept at target/image/bookworm-minbase-perl.tar when absent
# PODMAN may name the podman command with options, e.g.
#   PODMAN="podman --root /tmp/x/root --runroot /tmp/x/run" deploy/image/build.sh
# Push to a registry afterwards with, e.g.
#   podman tag localhost/limitlab:latest registry.example.com/limitlab:0.1.0
#   podman push registry.example.com/limitlab:0.1.0
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin="" tag=latest course=0 base_tar=""
while (($#)); do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --course) course=1; shift ;;
    --base-tar) base_tar=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
read -r -a podman <<<"${PODMAN:-podman}"
command -v "${podman[0]}" >/dev/null || { echo "build.sh: podman is missing (apt-get install podman)" >&2; exit 3; }

if [[ -z $bin ]]; then
  (cd "$repo" && cargo build --release --quiet --target x86_64-unknown-linux-gnu)
  bin=$repo/target/x86_64-unknown-linux-gnu/release/limitlab
fi
file -L "$bin" | grep -q 'static' || { echo "build.sh: $bin is not statically linked" >&2; exit 3; }

# The build context: rootfs/ with the binary, the scenarios and the mount points the
# sandbox's view needs (private tmpfs at /tmp, /var/tmp, /run, /dev/shm).
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
root=$ctx/rootfs
mkdir -p "$root"/{usr/bin,usr/share/limitlab,tmp,var/tmp,run,dev,proc,sys,etc,var/lib/limitlab}
chmod 1777 "$root/tmp" "$root/var/tmp"
strip -o "$root/usr/bin/limitlab" "$bin"
cp -r "$repo/scenarios" "$root/usr/share/limitlab/scenarios"
cp -r "$repo/deploy/kubernetes/scenarios" "$root/usr/share/limitlab/scenarios/kubernetes"
printf 'root:x:0:0:root:/:/usr/bin/limitlab\nnobody:x:65534:65534:nobody:/:/nonexistent\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
cp "$here/Containerfile" "$here/Containerfile.course" "$ctx/"

"${podman[@]}" build --quiet -f "$ctx/Containerfile" -t "localhost/limitlab:$tag" "$ctx" >/dev/null
echo "localhost/limitlab:$tag $("${podman[@]}" image inspect -f '{{.Size}}' "localhost/limitlab:$tag") bytes"

if ((course)); then
  if [[ -z $base_tar ]]; then
    base_tar=$repo/target/image/bookworm-minbase-perl.tar
    if [[ ! -s $base_tar ]]; then
      command -v mmdebstrap >/dev/null || { echo "build.sh: mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 3; }
      mkdir -p "$(dirname "$base_tar")"
      mmdebstrap --quiet --variant=minbase --include=perl \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' bookworm "${base_tar%.tar}.tmp.tar"
      mv "${base_tar%.tar}.tmp.tar" "$base_tar"
    fi
  fi
  "${podman[@]}" import --quiet "$base_tar" localhost/limitlab-course-base:bookworm >/dev/null
  "${podman[@]}" build --quiet -f "$ctx/Containerfile.course" -t "localhost/limitlab-course:$tag" "$ctx" >/dev/null
  echo "localhost/limitlab-course:$tag $("${podman[@]}" image inspect -f '{{.Size}}' "localhost/limitlab-course:$tag") bytes"
fi
