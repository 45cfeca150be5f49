#!/usr/bin/env bash
# tests/vm-systemd/customize.sh ROOTFS: turns the Debian 12 rootfs that run.sh's mmdebstrap
# made into the guest that boots straight to the suite. Deterministic (no dates, no random
# ids): its text is part of the cached rootfs's key, so editing it rebuilds the rootfs.
#
# What it sets up:
#   - root autologin on the serial console (serial-getty@ttyS0), so login's PAM stack
#     (pam_systemd) puts root's shell in user.slice/user-0.slice/session-N.scope;
#   - /root/.bash_profile: on ttyS0, exactly once, runs /vm/suite.sh (the overlay that
#     run.sh adds at every boot brings it) with its output on ttyS1 and its exit code on
#     ttyS2, then powers off;
#   - a user `rootless` (uid 1000) that lingers, so user@1000.service starts at boot;
#   - a fixed hostname and machine-id; no network; units that only slow a TCG boot masked.
set -euo pipefail
root=${1:?usage: customize.sh ROOTFS}
[[ -x $root/lib/systemd/systemd ]] || { echo "customize.sh: $root has no systemd" >&2; exit 1; }
sys=$root/etc/systemd/system

echo limitlab-vm >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 limitlab-vm\n::1 localhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
# A fixed machine-id (32 hex digits: "limitlab-vm-sysd"): not "first boot" (no
# systemd-firstboot prompts, no preset run).
echo 6c696d69746c61622d766d2d73797364 >"$root/etc/machine-id"
printf '# the rootfs is the initramfs: nothing to mount\n' >"$root/etc/fstab"

# --- root's autologin on ttyS0, the kernel console. systemd-getty-generator starts
# serial-getty@ttyS0 for console=ttyS0, but Debian's template BindsTo=dev-ttyS0.device, a
# unit only udev makes, and this rootfs has no udev: the getty would wait 90 s for the
# device and then not start. A drop-in cannot drop a BindsTo=, so the instance gets a unit
# file of its own (it takes precedence over the template): the template's, without the
# device, with agetty logging root in.
cat >"$sys/serial-getty@ttyS0.service" <<'UNIT'
[Unit]
Description=Serial Getty on %I, root logged in (limitlab VM)
After=systemd-user-sessions.service getty-pre.target rc-local.service
Before=getty.target
IgnoreOnIsolate=yes
Conflicts=rescue.service
Before=rescue.service

[Service]
ExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200,57600,38400,9600 %I $TERM
Type=idle
Restart=always
UtmpIdentifier=%I
StandardInput=tty
StandardOutput=tty
TTYPath=/dev/%I
TTYReset=yes
TTYVHangup=yes
IgnoreSIGPIPE=no
SendSIGHUP=yes

[Install]
WantedBy=getty.target
UNIT
mkdir -p "$sys/getty.target.wants"
ln -sfn ../serial-getty@ttyS0.service "$sys/getty.target.wants/serial-getty@ttyS0.service"

# --- the suite, from root's login shell. bash reads ~/.bash_profile (and then not
# ~/.profile) for a login shell; tty(1) says whether this is the serial console's.
cat >"$root/root/.bash_profile" <<'PROFILE'
# limitlab VM: run the guest suite once, from the autologin shell on ttyS0, then power off.
if [ "$(tty)" = /dev/ttyS0 ] && [ -x /vm/suite.sh ] && mkdir /run/limitlab-suite 2>/dev/null; then
  stty -F /dev/ttyS1 raw -echo 2>/dev/null
  stty -F /dev/ttyS2 raw -echo 2>/dev/null
  /vm/suite.sh >/dev/ttyS1 2>&1 </dev/null
  echo $? >/dev/ttyS2
  sync
  systemctl poweroff -f || poweroff -f
  sleep 20
  echo o >/proc/sysrq-trigger
fi
[ -f ~/.bashrc ] && . ~/.bashrc
PROFILE
chmod 644 "$root/root/.bash_profile"

# --- the rootless user: uid 1000, lingering (what `loginctl enable-linger rootless` writes),
# so logind starts user@1000.service at boot and its manager is up when the suite runs.
if ! grep -q '^rootless:' "$root/etc/passwd"; then
  chroot "$root" /usr/sbin/groupadd -g 1000 rootless
  chroot "$root" /usr/sbin/useradd -m -u 1000 -g 1000 -s /bin/bash rootless
fi
mkdir -p "$root/var/lib/systemd/linger"
: >"$root/var/lib/systemd/linger/rootless"

# --- units that cost boot time under TCG and do nothing here (no network, no disks, no
# clock to sync, no package updates); masking a unit that is not installed is harmless.
for unit in systemd-timesyncd.service systemd-networkd.service systemd-networkd.socket \
  systemd-networkd-wait-online.service systemd-resolved.service networking.service \
  apt-daily.timer apt-daily-upgrade.timer apt-daily.service apt-daily-upgrade.service \
  dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer \
  systemd-tmpfiles-clean.timer systemd-firstboot.service systemd-remount-fs.service \
  systemd-pstore.service systemd-hwdb-update.service ldconfig.service \
  systemd-journal-catalog-update.service systemd-machine-id-commit.service \
  getty@tty1.service proc-sys-fs-binfmt_misc.automount systemd-binfmt.service \
  systemd-random-seed.service cryptdisks.service cryptdisks-early.service; do
  rm -f "$sys"/*.wants/"$unit"
  ln -sfn /dev/null "$sys/$unit"
done

# The journal in memory only, and quiet on the console (the suite prints what it needs).
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nForwardToConsole=no\n' >"$root/etc/systemd/journald.conf.d/limitlab-vm.conf"
# A quick shutdown: nothing here needs 90 s to stop.
mkdir -p "$root/etc/systemd/system.conf.d"
printf '[Manager]\nDefaultTimeoutStopSec=10s\nShowStatus=yes\n' >"$root/etc/systemd/system.conf.d/limitlab-vm.conf"

# No motd and no last-login line on the console.
: >"$root/etc/motd"
rm -f "$root/etc/update-motd.d/"*

# The apt lists and caches are of no use in a guest that has no network.
rm -rf "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
