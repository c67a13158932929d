#!/usr/bin/env bash
# bdctl-watch hwdog: the hardware watchdog read from sysfs (a tree of the
# test's own: the device is never opened, which would start it), what the
# manager says over D-Bus (the stand-in on a private bus, its watchdog
# properties set per case), and the drop-in `enable` writes or refuses.
. "$(dirname "$0")/lib.sh"

export BDCTL_SYSFS_ROOT=$T_TMP/sys
DROPIN=$BDCTL_SYSTEMD_CONF_DIR/bdctl-watchdog.conf
# device NAME IDENTITY TIMEOUT STATE [MAX]: a watchdog as the kernel shows it
device() {
  local d=$BDCTL_SYSFS_ROOT/class/watchdog/$1
  mkdir -p "$d"
  echo "$2" >"$d/identity"; echo "$3" >"$d/timeout"; echo "$4" >"$d/state"; echo 0 >"$d/nowayout"
  if [ -n "${5:-}" ]; then echo 1 >"$d/min_timeout"; echo "$5" >"$d/max_timeout"; fi
}
no_devices() { rm -rf "$BDCTL_SYSFS_ROOT"; mkdir -p "$BDCTL_SYSFS_ROOT/class/watchdog"; }
SIM_PID=
# manager [VAR=VALUE...]: (re)start the stand-in manager with these watchdog properties
manager() {
  [ -n "$SIM_PID" ] && { kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null; }
  rm -f "$T_TMP/sd.ready"
  bg env "$@" "$BDCTL_SIM_SYSTEMD" "$T_TMP/sd.ready" "$T_TMP/sd.log"
  SIM_PID=${T_PIDS[-1]}
  local i; for i in $(seq 100); do [ -e "$T_TMP/sd.ready" ] && return 0; sleep 0.05; done; return 1
}
H() { bdctl-watch hwdog "$@"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

check "the stand-in systemd manager is built (tests/sim/systemd, needs libsystemd-dev)" test -x "${BDCTL_SIM_SYSTEMD:-}"

# --- no bus at all: unknown, never ok ---
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T_TMP/bus"
device watchdog0 "Broadcom BCM2835 Watchdog timer" 15 active
H --json >"$T_TMP/o.json"; RC=$?
check_eq "no system bus: not ok (whether systemd pets it is not known)" "1 False" "$RC $(field 'd["ok"]' <"$T_TMP/o.json")"
check "... saying why" grep -q 'cannot ask systemd whether it pets /dev/watchdog0: the system bus' "$T_TMP/o.json"

bg dbus-daemon --session --address="unix:path=$T_TMP/bus" --nofork --nopidfile
for i in $(seq 100); do [ -S "$T_TMP/bus" ] && break; sleep 0.05; done

# --- no device ---
no_devices
manager
H --json >"$T_TMP/o.json"; RC=$?
check_eq "no watchdog device: exit 1" 1 "$RC"
check "... saying how a Pi gets one" grep -q 'no hardware watchdog: /sys/class/watchdog has no device (on a Pi: dtparam=watchdog=on' \
  "$T_TMP/o.json"
H enable 2>"$T_TMP/err"; RC=$?
check_eq "enable with no device: exit 1" 1 "$RC"
check "... and nothing written" test ! -e "$DROPIN"

# --- the Pi's bcm2835, on a kernel without max_timeout; systemd does not pet it ---
device watchdog0 "Broadcom BCM2835 Watchdog timer" 15 inactive
H --json >"$T_TMP/o.json"; RC=$?
check_eq "systemd with RuntimeWatchdogSec off: exit 1" 1 "$RC"
check_eq "... the maximum from the known driver: 15s" "15000 driver" \
  "$(field 'd["devices"][0]["max_timeout_ms"], d["devices"][0]["max_from"]' <"$T_TMP/o.json" | tr -d "(),'")"
check "... the problem says what to run" grep -q "systemd does not pet /dev/watchdog0 (RuntimeWatchdogSec is off): run 'bdctl-watch hwdog enable'" \
  "$T_TMP/o.json"
check_eq "... an older systemd's missing WatchdogDevice is null, not a guess" None "$(field 'd["systemd"]["device"]' <"$T_TMP/o.json")"

H enable --timeout 20s 2>"$T_TMP/err"; RC=$?
check_eq "enable above the device's maximum: exit 2" 2 "$RC"
check "... one line naming the value and the maximum" \
  grep -qx "bdctl-watch: --timeout 20s: above watchdog0's maximum of 15s (Broadcom BCM2835 Watchdog timer); the driver would refuse it and systemd would run without a hardware watchdog" \
  "$T_TMP/err"
check "... nothing written" test ! -e "$DROPIN"
check_exit "enable --timeout 2x: a bad duration is exit 2" 2 H enable --timeout 2x
check_exit "--timeout without enable: exit 2" 2 H --timeout 10s
check_exit "an action that is none: exit 2" 2 H bogus
check "the completion offers show, enable and disable after hwdog" \
  bash -c "bdctl-watch --completion-words hwdog | tr '\n' ' ' | grep -q 'show enable disable'"

H enable --json >"$T_TMP/o.json"; RC=$?
check_eq "enable: exit 0, changed" "0 True" "$RC $(field 'd["changed"]' <"$T_TMP/o.json")"
check "... the drop-in holds the device's maximum" grep -qx 'RuntimeWatchdogSec=15s' "$DROPIN"
check "... and the device" grep -qx 'WatchdogDevice=/dev/watchdog0' "$DROPIN"
check "... under [Manager]" grep -qx '\[Manager\]' "$DROPIN"
check "... audited" grep -q '"event":"hwdog-enable","device":"/dev/watchdog0","timeout_s":15,"changed":true' \
  "$BDCTL_LOG_DIR/watch-audit.log"
check "... and it says systemd does not run with it yet" grep -q 'takes effect at the next boot or' "$T_TMP/o.json"
before=$(stat -c %Y.%i "$DROPIN")
check_eq "enable again: unchanged" False "$(H enable --json | field 'd["changed"]')"
check_eq "... the file not rewritten" "$before" "$(stat -c %Y.%i "$DROPIN")"
H enable --timeout 10s --json >/dev/null
check "enable --timeout 10s replaces the value" grep -qx 'RuntimeWatchdogSec=10s' "$DROPIN"

# --- systemd pets it within the maximum: ok ---
manager SIM_RUNTIME_WATCHDOG_USEC=10000000 SIM_WATCHDOG_LAST_PING=1764000000000000 SIM_WATCHDOG_DEVICE=/dev/watchdog0
device watchdog0 "Broadcom BCM2835 Watchdog timer" 10 active
H --json >"$T_TMP/o.json"; RC=$?
check_eq "systemd pets it at 10s, the device counting: ok, exit 0" "0 True" "$RC $(field 'd["ok"]' <"$T_TMP/o.json")"
check_eq "... systemd's timeout and device shown" "10000 /dev/watchdog0" \
  "$(field 'd["systemd"]["runtime_watchdog_ms"], d["systemd"]["device"]' <"$T_TMP/o.json" | tr -d "(),'")"
H --text >"$T_TMP/o.txt"
check "text: the device, its maximum and the verdict" \
  bash -c "grep -q '^\* /dev/watchdog0 *Broadcom BCM2835 Watchdog timer  timeout 10s, max 15s (known driver), counting' '$T_TMP/o.txt' && grep -q '^ok: systemd pets' '$T_TMP/o.txt'"

# --- systemd asks more than the device takes (what the Pi ignores silently) ---
manager SIM_RUNTIME_WATCHDOG_USEC=60000000 SIM_WATCHDOG_LAST_PING=0 SIM_WATCHDOG_DEVICE=
device watchdog0 "Broadcom BCM2835 Watchdog timer" 15 inactive
H --json >"$T_TMP/o.json"; RC=$?
check_eq "systemd asks 60s of a 15s device: exit 1" 1 "$RC"
check "... named as such" grep -q 'systemd asks watchdog0 for 60s, above its maximum of 15s: the driver refuses it' "$T_TMP/o.json"
check "... and the device not counting" grep -q 'watchdog0 is not counting although systemd is set to pet it' "$T_TMP/o.json"
check "... nor pinged" grep -q 'systemd has not pinged watchdog0 yet' "$T_TMP/o.json"

# --- a kernel that says its maximum; a driver that says nothing ---
no_devices
device watchdog0 "Software Watchdog" 60 active 65535
device watchdog1 "iTCO_wdt" 30 inactive
H --json >"$T_TMP/o.json"
check_eq "max_timeout from sysfs" "65535000 sysfs" \
  "$(field 'd["devices"][0]["max_timeout_ms"], d["devices"][0]["max_from"]' <"$T_TMP/o.json" | tr -d "(),'")"
check_eq "both devices listed, systemd's (default watchdog0) judged" "2 watchdog0" \
  "$(field 'len(d["devices"]), d["used"]' <"$T_TMP/o.json" | tr -d "(),'")"
H enable --device watchdog1 2>"$T_TMP/err"; RC=$?
check_eq "enable on a device whose maximum is unknown: exit 2" 2 "$RC"
check "... saying it cannot check the value" grep -q "watchdog1 does not say its maximum" "$T_TMP/err"
H --device nosuch 2>"$T_TMP/err"; RC=$?
check_eq "--device nosuch: exit 2" 2 "$RC"
check "... naming the devices there" grep -qx "bdctl-watch: --device nosuch: no such watchdog in $BDCTL_SYSFS_ROOT/class/watchdog (there: watchdog0, watchdog1)" "$T_TMP/err"
H enable --device /dev/watchdog0 --timeout 1m --json >/dev/null
check "enable --device /dev/watchdog0 --timeout 1m" grep -qx 'RuntimeWatchdogSec=60s' "$DROPIN"

# --- disable ---
check_eq "disable: removed" True "$(H disable --json | field 'd["changed"]')"
check "... the file is gone" test ! -e "$DROPIN"
check_eq "disable again: unchanged" False "$(H disable --json | field 'd["changed"]')"

done_testing
