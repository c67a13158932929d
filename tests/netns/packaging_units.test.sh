#!/usr/bin/env bash
# systemd units: `systemd-analyze verify` is clean on every unit as installed.
# verify also checks that ExecStart binaries exist and that the man pages in
# Documentation= resolve, so it runs in a private mount namespace where
# /usr/sbin is the host's plus the staged bdctl binaries, with MANPATH on the
# staged man pages; nothing of the host changes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/packaging_common.sh"

root=$T_TMP/root
check "cmake --install into a staging root" staged_install "$root"
mkdir -p "$T_TMP/sbin"
cp -as /usr/sbin/. "$T_TMP/sbin/"
cp -a "$root"/usr/sbin/bdctl* "$T_TMP/sbin/"

verify() {  # verify UNIT-FILE: exit 0 and not a word of output
  unshare -m sh -c 'mount --bind "$1" /usr/sbin && MANPATH="$2": systemd-analyze verify "$3"' \
    sh "$T_TMP/sbin" "$root/usr/share/man" "$1" >"$T_TMP/verify" 2>&1
  local rc=$?
  [ "$rc" = 0 ] && [ ! -s "$T_TMP/verify" ] && return 0
  echo "exit $rc"; cat "$T_TMP/verify"; return 1
}
units=()
for f in "$BDCTL_SRC"/systemd/*.service "$BDCTL_SRC"/systemd/*.timer "$BDCTL_SRC"/systemd/*.path; do
  [ -e "$f" ] && units+=("${f##*/}")
done
check "there are units" test ${#units[@]} -ge 4
for u in "${units[@]}"; do
  installed=$(find "$root" -path "*/systemd/system/$u" | head -1)
  check "systemd-analyze verify $u" verify "$installed"
done

# The verification itself can fail: a unknown key and a missing binary.
sed 's/^Type=oneshot/Type=oneshot\nNoSuchKey=1/' "$BDCTL_SRC/systemd/bdctl-apply.service" >"$T_TMP/bad-key.service"
check_not "verify catches an unknown key" verify "$T_TMP/bad-key.service"
# Every bdctl binary the unit names: verify looks at the first command of
# each Exec*= kind only (ExecStartPre, the first ExecStart).
sed 's|/usr/sbin/bdctl-[a-z]*|/usr/sbin/bdctl-nosuch|g' "$BDCTL_SRC/systemd/bdctl-apply.service" >"$T_TMP/bad-exec.service"
check_not "verify catches a missing binary" verify "$T_TMP/bad-exec.service"

# What the units promise, beyond syntax.
apply=$BDCTL_SRC/systemd/bdctl-apply.service
check "bdctl-apply runs after zerotier-one and network-online" \
  grep -Eq '^After=.*network-online.target.*zerotier-one.service' "$apply"
check "bdctl-apply is wanted by the ZeroTier device alias the udev rule sets" \
  grep -q '^WantedBy=.*sys-subsystem-net-devices-zerotier.device' "$apply"
check "the udev rule names that alias" \
  grep -q 'SYSTEMD_ALIAS}+="/sys/subsystem/net/devices/zerotier"' "$BDCTL_SRC/systemd/71-bdctl-zerotier.rules"
check_not "bdctl-apply stays re-runnable (no RemainAfterExit=yes)" grep -q '^RemainAfterExit=yes' "$apply"
check "bdctl-check writes the node_exporter textfile" grep -q -- \
  '--format prometheus --output /var/lib/prometheus/node-exporter/bdctl.prom' "$BDCTL_SRC/systemd/bdctl-check.service"
check "the timer fires every minute" grep -qx 'OnCalendar=minutely' "$BDCTL_SRC/systemd/bdctl-check.timer"
check_eq "systemd's calendar agrees: minutely is every minute" "*-*-* *:*:00" \
  "$(systemd-analyze calendar minutely | sed -n 's/^ *Normalized form: //p')"
done_testing
