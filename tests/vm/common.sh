# tests/vm/common.sh: shell functions shared by the VM stages (tests/vm/run.sh and
# tests/vm-systemd/run.sh). Sourced, never run. The caller sets, before sourcing:
#   repo     the repository's top directory
#   cache    the cache directory for downloads (LIMITLAB_VM_CACHE)
#   t_start  $EPOCHREALTIME when the stage started
# and may set stage (the tag in progress lines, default "vm").
# It defines since, say, die, is_static, kernel, build_static and static_target/static_bin.

since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '[%s %6ss] %s\n' "${stage:-vm}" "$(since "$t_start")" "$*"; }
die() { local code=$1; shift; echo "run.sh: $*" >&2; exit "$code"; }

is_static() {
  local out
  out=$(LC_ALL=C ldd "$1" 2>&1) || true
  [[ $out == *"not a dynamic executable"* || $out == *"statically linked"* ]]
}

# --- the kernel: the dependency of linux-image-cloud-amd64, fetched once, only vmlinuz kept.
kernel() {
  if [[ -n ${LIMITLAB_VM_KERNEL:-} ]]; then
    [[ -r $LIMITLAB_VM_KERNEL ]] || die 3 "LIMITLAB_VM_KERNEL=$LIMITLAB_VM_KERNEL is not readable"
    echo "$LIMITLAB_VM_KERNEL"
    return
  fi
  mkdir -p "$cache"
  local pkg
  pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
    awk '/Depends: linux-image-/ { print $2; exit }') || true
  if [[ -z $pkg ]]; then
    # No package index (apt-get update not run, or offline): the newest cached kernel will do.
    local cached
    cached=$(ls -1 "$cache"/*.vmlinuz 2>/dev/null | sort -V | tail -n 1) || true
    [[ -n $cached ]] || die 3 "cannot resolve linux-image-cloud-amd64 (run apt-get update) and no kernel is cached in $cache"
    echo "$cached"
    return
  fi
  local dst=$cache/$pkg.vmlinuz
  if [[ ! -s $dst ]]; then
    local tmp
    tmp=$(mktemp -d "$cache/fetch.XXXXXX")
    say "fetching $pkg" >&2
    # apt's download sandbox user cannot write into root's private temp dir; we are root.
    if ! (cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >&2) ||
      ! dpkg -x "$tmp"/*.deb "$tmp/x"; then
      rm -rf "$tmp"
      die 3 "could not fetch and unpack $pkg"
    fi
    cp "$tmp"/x/boot/vmlinuz-* "$dst.part" && mv "$dst.part" "$dst"
    rm -rf "$tmp"
  fi
  echo "$dst"
}

# --- limitlab, statically linked (glibc with crt-static), in its own target dir so the
# normal build is untouched.
static_target=$repo/target/vm-static
static_bin=$static_target/x86_64-unknown-linux-gnu/release/limitlab
build_static() {
  say "building limitlab (static)"
  (cd "$repo" && RUSTFLAGS='-C target-feature=+crt-static' cargo build --release --quiet \
    --target x86_64-unknown-linux-gnu --target-dir "$static_target") ||
    die 3 "the static build failed"
  is_static "$static_bin" || die 3 "$static_bin is not statically linked"
}
