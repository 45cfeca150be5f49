#!/usr/bin/env bash
# Builds the release artifacts into target/ci-artifacts/ (or --out DIR):
#   limitlab_<version>-1_amd64.deb   the binary, its man page, bash/zsh/fish completions and
#                                    the shipped scenarios (/usr/share/limitlab/scenarios)
#   limitlab-<version>-x86_64-linux-static   the static binary, stripped
#   SHA256SUMS                       checksums of both
# Needs cargo-deb: cargo install cargo-deb --locked (CARGO_DEB may name another binary).
# Usage: deploy/debian/build-deb.sh [--out DIR] [--bin STATIC_BINARY]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
out=target/ci-artifacts bin=""
while (($#)); do
  case $1 in
    --out) out=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "build-deb.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
triple=x86_64-unknown-linux-gnu
rel=target/$triple/release
if [[ -z $bin ]]; then
  cargo build --release --locked --quiet --target $triple
  bin=$rel/limitlab
elif [[ $(realpath "$bin") != $(realpath -m "$rel/limitlab") ]]; then
  mkdir -p "$rel"
  cp "$bin" "$rel/limitlab"
fi
file -L "$rel/limitlab" | grep -q static || { echo "build-deb.sh: $rel/limitlab is not static" >&2; exit 3; }

mkdir -p target/deb "$out"
strip -o target/deb/limitlab "$rel/limitlab"
"$rel/limitlab" man >target/deb/limitlab.1
"$rel/limitlab" completions bash >target/deb/limitlab.bash
"$rel/limitlab" completions zsh >target/deb/_limitlab
"$rel/limitlab" completions fish >target/deb/limitlab.fish
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
"${CARGO_DEB:-cargo-deb}" --no-build --target $triple --output "$out/limitlab_${version}-1_amd64.deb" >/dev/null
cp target/deb/limitlab "$out/limitlab-$version-x86_64-linux-static"
(cd "$out" && sha256sum "limitlab_${version}-1_amd64.deb" "limitlab-$version-x86_64-linux-static" >SHA256SUMS)
ls -l "$out"
cat "$out/SHA256SUMS"
