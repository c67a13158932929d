#!/usr/bin/env bash
# Safe changes where systemd runs: the holder is a transient unit started
# through the manager's D-Bus API (a stand-in on a private bus, in the Pi's
# namespace as systemd would be), so no part of it lives in the operator's
# session; it gets bdctl's environment, rolls back at the deadline, and is
# stopped through the manager on confirm. When the manager is gone, or runs
# in another network namespace, bdctl's own holder takes over.
. "$(dirname "$0")/lib.sh"

site
R() { on pi bdctl-route "$@"; }
B() { on pi bdctl "$@"; }
owned() {
  on pi nft list table inet bdctl 2>&1
  on pi sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding
  for f in "$BDCTL_STATE_DIR/route.json" "$BDCTL_SYSCTL_DIR/90-bdctl-route.conf"; do
    if [ -e "$f" ]; then cat "$f"; else echo "$f absent"; fi
  done
}
wait_gone() {
  local i
  for i in $(seq $(($1 * 20))); do [ -e "$BDCTL_STATE_DIR/pending.json" ] || return 0; sleep 0.05; done
  return 1
}
# wait_for FILE PATTERN SECONDS
wait_for() {
  local i
  for i in $(seq $(($3 * 20))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  return 1
}
pcheck() { on pi bdctl-check --only forwarding.pending --json | jq -r '.checks[0] | "\(.status) \(.summary)"'; }

check "the stand-in systemd manager is built (tests/sim/systemd, needs libsystemd-dev)" test -x "${BDCTL_SIM_SYSTEMD:-}"
bg dbus-daemon --session --address="unix:path=$T_TMP/bus" --nofork --nopidfile
for i in $(seq 100); do [ -S "$T_TMP/bus" ] && break; sleep 0.05; done
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T_TMP/bus"
bg on pi "$BDCTL_SIM_SYSTEMD" "$T_TMP/sd.ready" "$T_TMP/sd.log"
ready() { local i; for i in $(seq 100); do [ -e "$T_TMP/sd.ready" ] && return 0; sleep 0.05; done; return 1; }
check "the manager is on the bus" ready
sim_pid=${T_PIDS[-1]}

check "baseline: up --no-confirm" R up --zt zt0 --lan eth0 --no-confirm
base=$(owned)

# --- armed as a transient unit, outside the operator's session --------------------
on pi setsid bash -c 'bdctl-route down --confirm=3s --json >'"$T_TMP/down.json"'; kill -9 -- -$$' 2>/dev/null
id=$(jq -r .pending.id "$T_TMP/down.json")
unit="bdctl-rollback-$id.service"
check_eq "the record names the unit" "$unit" "$(jq -r .pending.holder_unit "$T_TMP/down.json")"
holder=$(jq -r .pending.holder_pid "$T_TMP/down.json")
check "StartTransientUnit for it, mode fail, Type=exec, collected when it ends" \
  grep -A4 "^StartTransientUnit $unit fail" "$T_TMP/sd.log"
check "... running bdctl-rollback --hold beside the tool" grep -q "ExecStart=$BDCTL_BIN/bdctl-rollback" "$T_TMP/sd.log"
check "... with bdctl's environment (a unit does not inherit the caller's)" \
  grep -q "Environment=BDCTL_STATE_DIR=$BDCTL_STATE_DIR" "$T_TMP/sd.log"
check_eq "the holder is the manager's child, not the session's" "$sim_pid" "$(ps -o ppid= -p "$holder" | tr -d ' ')"
check_eq "... and it is bdctl-rollback" "bdctl-rollback" "$(cat /proc/$holder/comm)"
check "bdctl-check: pending, its holder alive: warning" grep -q '^warning ' <(pcheck)
check "the operator's session is dead; the unit rolls back at the deadline" wait_gone 6
check_eq "state as before" "$base" "$(owned)"
check "the unit ended cleanly and was collected" wait_for "$T_TMP/sd.log" "^exited $unit status 0" 2

# --- confirm stops the unit through the manager -------------------------------------
R down --confirm=30s --json >"$T_TMP/down.json"
unit="bdctl-rollback-$(jq -r .pending.id "$T_TMP/down.json").service"
check "confirm" B confirm
check "StopUnit for it" grep -q "^StopUnit $unit replace" "$T_TMP/sd.log"
check "... and the unit's process ended" wait_for "$T_TMP/sd.log" "^exited $unit signal 15" 2
check "still down after confirm (the change is final)" bash -c "! ip netns exec ${T_PREFIX}pi nft list table inet bdctl >/dev/null 2>&1"
check "back to the baseline" R up --zt zt0 --lan eth0 --no-confirm

# --- rollback by hand stops it too ------------------------------------------------------
R down --confirm=30s --json >"$T_TMP/down.json"
unit="bdctl-rollback-$(jq -r .pending.id "$T_TMP/down.json").service"
check "rollback" B rollback
check "... stops the unit" wait_for "$T_TMP/sd.log" "^exited $unit signal 15" 2
check_eq "state as before" "$base" "$(owned)"

# --- no manager on the bus: bdctl's own holder -------------------------------------------
kill "$sim_pid"
R down --confirm=2s --json >"$T_TMP/down.json"
check_eq "no unit; a holder of bdctl's own" "null true" \
  "$(jq -r '[.pending.holder_unit, (.pending.holder_pid > 0)] | map(tostring) | join(" ")' "$T_TMP/down.json")"
check "it rolls back at the deadline" wait_gone 5
check_eq "state as before" "$base" "$(owned)"

# --- a manager in another network namespace: its units would not see the Pi's -----
# (as a test's or a container's namespace beside the host's systemd)
ns other
rm -f "$T_TMP/sd.ready"
bg on other "$BDCTL_SIM_SYSTEMD" "$T_TMP/sd.ready" "$T_TMP/sd-other.log"
check "a manager on the bus, in another namespace" ready
R down --confirm=2s --json >"$T_TMP/down.json"
check_eq "not asked to start a unit; a holder of bdctl's own" "null" "$(jq -r .pending.holder_unit "$T_TMP/down.json")"
check "... the manager saw no StartTransientUnit" bash -c "! grep -q StartTransientUnit '$T_TMP/sd-other.log'"
check "it rolls back at the deadline" wait_gone 5
check_eq "state as before" "$base" "$(owned)"
done_testing
