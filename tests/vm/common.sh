# tests/vm/common.sh: shell functions shared by the VM stages (tests/vm/run.sh and
# tests/vm-systemd/run.sh). Sourced, never run. The caller sets, before sourcing:
#   repo     the repository's top directory
#   cache    the cache directory for downloads (LIMITLAB_VM_CACHE)
#   t_start  $EPOCHREALTIME when the stage started
# and may set stage (the tag in progress lines, default "vm").
# It defines since, say, die, is_static, kernel, build_static and static_target/static_bin,
# and verdict (with infra), the end of a stage.

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

# --- the end of a stage: what the VM left behind, as an exit status. The caller sets
# console, guest, exitf (the three serial files), work (qemu.log's folder), timeout and
# t_boot ($EPOCHREALTIME at boot), and passes qemu's exit status.
#   0 every check in the guest held; 1 a check failed; 4 the VM itself failed (time bound,
#   panic, no exit code), with the console's tail.
verdict() {
  local qemu_rc=$1 code boot_s
  code=$(tr -dc '0-9' <"$exitf" 2>/dev/null || true)
  boot_s=$(awk '/^boot: / { print $2; exit }' "$guest" 2>/dev/null || true)
  say "VM ran $(since "$t_boot")s (guest uptime when the suite started: ${boot_s:-?}s)"
  if ((qemu_rc == 124 || qemu_rc == 137)); then
    infra "the VM did not finish within ${timeout}s"
  elif grep -q 'Kernel panic' "$console" 2>/dev/null; then
    infra "the guest kernel panicked"
  elif [[ -z $code ]]; then
    infra "the guest wrote no exit code (qemu exited with $qemu_rc)"
  elif ((code == 0)); then
    say "PASS: every check in the guest held"
  else
    say "FAIL: the guest suite exited $code (its output is above and in $guest)"
  fi
  say "stage wall time $(since "$t_start")s"
  # The guest's own count, last, as the closing line of the stage.
  grep -a '^checks: ' "$guest" | tail -n 1 | sed "s/^checks:/${stage:-vm}:/" || true
  ((code == 0)) || exit 1
}

infra() {
  echo "run.sh: INFRASTRUCTURE FAILURE: $*" >&2
  echo "--- last 40 lines of the console ($console)" >&2
  tail -n 40 "$console" >&2 2>/dev/null || true
  echo "--- qemu ($work/qemu.log)" >&2
  tail -n 5 "$work/qemu.log" >&2 2>/dev/null || true
  exit 4
}
