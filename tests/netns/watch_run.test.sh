#!/usr/bin/env bash
# bdctl-watch run against the ZeroTier emulator, a private D-Bus with the
# stand-in systemd1 and login1 (tests/sim/systemd), a KMTronic board emulator
# and a test NOTIFY_SOCKET: each step of the ladder happens once, within its
# budget, and never when the layer below is the broken one. Timings scaled:
# seconds for minutes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
site
zt_iface
ZT_DELAY=3 zt_start ok-route
export ZEROTIER_HOME=$ZH
on lan ip addr add 192.168.1.1/24 dev eth0  # the hotspot: the Pi's default gateway
tcp_listen lan 8443
# The hotspot's power: a KMTronic LAN board on the LAN host (tests/sim/relay).
bg on lan python3 "$BDCTL_SRC/tests/sim/relay/kmtronic_http.py" --port 8081 --relays 2 --ready "$T_TMP/ready.board" \
  --events "$T_TMP/board.events"
for _ in $(seq 100); do [ -e "$T_TMP/ready.board" ] && break; sleep 0.05; done

check "the stand-in systemd manager is built (tests/sim/systemd, needs libsystemd-dev)" test -x "${BDCTL_SIM_SYSTEMD:-}"
bg dbus-daemon --session --address="unix:path=$T_TMP/bus" --nofork --nopidfile
for i in $(seq 100); do [ -S "$T_TMP/bus" ] && break; sleep 0.05; done
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T_TMP/bus"
# Restarting zerotier-one brings the emulated service back ONLINE.
mkdir "$T_TMP/hooks"
printf '#!/bin/sh\necho ok-route >%q\n' "$ZH/control" >"$T_TMP/hooks/zerotier-one.service"
chmod +x "$T_TMP/hooks/zerotier-one.service"
bg on pi "$BDCTL_SIM_SYSTEMD" "$T_TMP/sd.ready" "$T_TMP/sd.log" "$T_TMP/hooks"
for i in $(seq 100); do [ -e "$T_TMP/sd.ready" ] && break; sleep 0.05; done
check "the stand-in manager is on the bus" test -e "$T_TMP/sd.ready"

# A notify socket that writes each datagram as a line, stamped.
bg python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
while True:
    d = s.recv(4096).decode()
    with open(sys.argv[2], "a") as f:
        for line in d.split("\n"): f.write("%.3f %s\n" % (time.monotonic(), line))
' "$T_TMP/notify" "$T_TMP/notify.log"
for i in $(seq 100); do [ -S "$T_TMP/notify" ] && break; sleep 0.05; done

write_config() {  # [SETTLE= UPLINK= REBOOT=] write_config INTERNET_TARGETS [MORE LINES...]
  cat >"$T_TMP/bdctl.toml" <<TOML
[boards.lan2]
driver = "kmtronic-http"
url = "http://192.168.1.10:8081"
[relays.hotspot]
board = "lan2"
channel = 1
protected = true
rest = "on"
cooldown = "0s"
[watch]
interval = "500ms"
boot_grace = "${GRACE:-0s}"
settle = "${SETTLE:-2s}"
zerotier_down_for = "2s"
uplink_down_for = "${UPLINK:-60s}"
reboot_after = "${REBOOT:-120s}"
internet_targets = $1
$(printf '%s\n' "${@:2}")
TOML
}
export BDCTL_CONFIG=$T_TMP/bdctl.toml
UP_TARGETS='["192.168.1.10:8443", "icmp:192.168.1.10"]'
DEAD_TARGETS='["192.168.1.77:443", "192.168.1.78:443"]'
# wait_for FILE PATTERN SECONDS
wait_for() { local i; for i in $(seq $(($3 * 20))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
count() { grep -c "$2" "$1" 2>/dev/null || true; }
history_of() { pi_run bdctl-watch history --json | python3 -c '
import json, sys
for a in json.load(sys.stdin)["actions"]: print(a["action"], a["target"], "dry" if a["dry_run"] else "real", a["result"])'; }
daemon() { bg on pi env NOTIFY_SOCKET="$T_TMP/notify" WATCHDOG_USEC="${WD:-1000000}" bdctl-watch run "$@"; D_PID=${T_PIDS[-1]}; }
stop_daemon() {
  kill -TERM "$D_PID"
  local i; for i in $(seq 100); do kill -0 "$D_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$D_PID" 2>/dev/null; then
    fail "bdctl-watch run stops within 10s of SIGTERM"; echo "    wchan: $(cat /proc/$D_PID/wchan)"; tail -3 "$BDCTL_LOG_DIR/watch-audit.log" | sed 's/^/    /'
    kill -9 "$D_PID"
  fi
  wait "$D_PID"; D_RC=$?
}
fresh() { rm -rf "$BDCTL_STATE_DIR/watch"; }

pi_run bdctl-route up --zt zt327pdwre --lan eth0 --no-confirm --json >/dev/null
check "baseline: bdctl-route up recorded" test -e "$BDCTL_STATE_DIR/route.json"

# --- ZeroTier OFFLINE with the internet up: one restart, the route re-applied ---
write_config "$UP_TARGETS"
zt_state offline
pi_run nft flush table inet bdctl  # what a restarted service may leave: the route must come back
daemon
check "READY=1 once the first round is done" wait_for "$T_TMP/notify.log" 'READY=1' 10
check "RestartUnit zerotier-one.service through systemd's D-Bus API" \
  wait_for "$T_TMP/sd.log" '^RestartUnit zerotier-one.service replace' 15
check "... then the route re-applied once ZeroTier is back" \
  bash -c "for i in \$(seq 100); do pi_run() { ip netns exec ${T_PREFIX}pi \"\$@\"; }; \
    ip netns exec ${T_PREFIX}pi $BDCTL_BIN/bdctl-watch history --json | grep -q reapply-route && exit 0; sleep 0.1; done; exit 1"
check "... its rules back in the kernel" bash -c "ip netns exec ${T_PREFIX}pi nft list table inet bdctl | grep -q masquerade"
sleep 4
check_eq "... and quiet once ONLINE: exactly one restart" 1 "$(count "$T_TMP/sd.log" '^RestartUnit')"
check "history: the restart, carried out" grep -q '^restart-zerotier zerotier-one.service real ok' <(history_of)
check "history: the re-apply, carried out" grep -q '^reapply-route bdctl-route real ok' <(history_of)
pings=$(count "$T_TMP/notify.log" 'WATCHDOG=1')
check "the daemon pings its watchdog (at least every 500ms: $pings pings)" test "$pings" -ge 8
check_exit "status: every layer up now" 0 pi_run bdctl-watch status --json
check_eq "bdctl-check: watch.daemon ok while the run watches" ok \
  "$(pi_run bdctl-check --only watch.daemon --json | jq -r '.checks[0].status')"
stop_daemon
check_eq "SIGTERM stops it cleanly" 0 "$D_RC"
pi_run bdctl-watch status --json >"$T_TMP/stale.json"; RC=$?
check_eq "status once the daemon is gone: not ok, though every layer was last up" "1 False False" \
  "$RC $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ok"], d["running"])' "$T_TMP/stale.json")"
check "the audit log has the decision with its cause" \
  grep -q '"event":"action","action":"restart-zerotier".*ZeroTier not ONLINE for 2s' "$BDCTL_LOG_DIR/watch-audit.log"

# --- the internet down too: ZeroTier's timer does not count, no restart ---
fresh
write_config "$DEAD_TARGETS"
zt_state offline
daemon
sleep 6
stop_daemon
check_eq "internet down as well: still one restart in all" 1 "$(count "$T_TMP/sd.log" '^RestartUnit')"

# --- --dry-run: every decision recorded, no call made ---
fresh
write_config "$UP_TARGETS"
zt_state offline
daemon --dry-run
check "dry-run: the restart is decided" \
  bash -c "for i in \$(seq 100); do ip netns exec ${T_PREFIX}pi $BDCTL_BIN/bdctl-watch history --json | grep -q '\"dry_run\":true' && exit 0; sleep 0.1; done; exit 1"
stop_daemon
check_eq "... and not carried out: no new RestartUnit" 1 "$(count "$T_TMP/sd.log" '^RestartUnit')"
check "... recorded as a dry run" grep -q '^restart-zerotier zerotier-one.service dry dry-run' <(history_of)

# --- the hotspot gateway dead: one power cycle at the relay, none while it settles ---
fresh
zt_state ok-route
on lan ip addr del 192.168.1.1/24 dev eth0
SETTLE=30s UPLINK=2s write_config "$UP_TARGETS" 'hotspot_relay = "hotspot"' 'hotspot_cycle = "1s"'
check_exit "the hotspot's rail is on, at rest" 0 pi_run bdctl-relay on hotspot --json
daemon
wait_history() {  # wait_history PATTERN SECONDS
  local i; for i in $(seq $(($2 * 10))); do history_of | grep -q "$1" && return 0; sleep 0.1; done; return 1
}
check "the hotspot's rail pulsed off and back on" wait_history '^cycle-hotspot hotspot real ok' 20
check "... through the relay journal" grep -q '"phase":"done".*"action":"pulse"\|"action":"pulse".*"phase":"done"' \
  "$BDCTL_LOG_DIR/relay-audit.log"
sleep 4
stop_daemon
check_eq "... once, not again while it settles" 1 "$(history_of | grep -c '^cycle-hotspot hotspot real ok')"
check_eq "... and the rail is on again" on "$(pi_run bdctl-relay status hotspot --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["relays"][0]["after"]["state"])')"
write_config "$UP_TARGETS" 'hotspot_relay = "hotspot"' 'hotspot_cycle = "300ms"'
pi_run bdctl-watch status 2>"$T_TMP/err"; RC=$?
check_eq "a cycle the relay layer would refuse is a config error at start" 2 "$RC"
check "... naming the board's spacing" grep -q "hotspot_cycle 300ms is shorter than board lan2's request spacing 350ms" \
  "$T_TMP/err"
check_eq "no ZeroTier restart for a dead uplink" 1 "$(count "$T_TMP/sd.log" '^RestartUnit')"

# --- everything dead: one reboot, none after, counted across a daemon restart ---
fresh
REBOOT=3s UPLINK=1s write_config "$DEAD_TARGETS"
daemon
check "logind's Reboot asked for, non-interactive" wait_for "$T_TMP/sd.log" '^Reboot interactive=0' 15
sleep 3
stop_daemon
daemon  # as after the reboot: the state file is all that is left
sleep 5
stop_daemon
check_eq "one reboot in all: the daily budget survives the daemon's restart" 1 "$(count "$T_TMP/sd.log" '^Reboot')"
check "bdctl-watch history shows the reboot's cause" grep -q '^reboot system real ok' <(history_of)

# --- a round that hangs stops the watchdog pings; they come back when it ends ---
fresh
on lan ip addr add 192.168.1.1/24 dev eth0  # the hotspot answers again: only ZeroTier is judged below
write_config "$UP_TARGETS"
zt_state ok-route
daemon
check "READY=1 again" wait_for "$T_TMP/notify.log" 'READY=1' 10
sleep 1
mkdir -p "$BDCTL_LOCK_DIR"
bg flock -o "$BDCTL_LOCK_DIR/watch.lock" sleep 4  # the next round blocks on it, as on a hung disk
mono() { python3 -c 'import time; print("%.3f" % time.monotonic())'; }
t0=$(mono)
sleep 3.5
t1=$(mono)
sleep 3
t2=$(mono)
stop_daemon
pings_in() {  # pings_in FROM SKIP TO: the pings between FROM+SKIP and TO
  awk -v a="$1" -v s="$2" -v b="$3" '$2 == "WATCHDOG=1" && $1 > a + s && $1 < b' "$T_TMP/notify.log" | wc -l
}
check_eq "no WATCHDOG=1 while the round hangs (from 1s after the hang starts)" 0 "$(pings_in "$t0" 1 "$t1")"
after=$(pings_in "$t1" 0.6 "$t2")
check "... and the pings resume once the round ends ($after in the next 2.4s)" test "$after" -ge 2

# --- boot grace: nothing before the system has been up that long ---
fresh
restarts=$(count "$T_TMP/sd.log" '^RestartUnit')
GRACE=$(($(cut -d. -f1 /proc/uptime) + 3600))s write_config "$UP_TARGETS"  # an hour past this uptime
zt_state offline
daemon
sleep 4
check_eq "plan: gateway and internet up, zerotier down" "up up down" \
  "$(pi_run bdctl-watch plan --json | jq -r '[.observed.gateway.health, .observed.internet.health, .observed.zerotier.health] | join(" ")')"
check_eq "... the restart waits for the boot grace" "boot grace" \
  "$(pi_run bdctl-watch plan --json | jq -r '.layers[] | select(.name == "zerotier") | .next.waiting')"
stop_daemon
check_eq "... and none was made" "$restarts" "$(count "$T_TMP/sd.log" '^RestartUnit')"

# --- ZeroTier flapping (down under 1s at a time, 3s down in all): no restart ---
fresh
write_config "$UP_TARGETS"
zt_state ok-route
daemon
for i in 1 2 3 4; do zt_state offline; sleep 0.7; zt_state ok-route; sleep 0.7; done
sleep 1
stop_daemon
check_eq "a flapping ZeroTier is not restarted" "$restarts" "$(count "$T_TMP/sd.log" '^RestartUnit')"
check "... its changes are in the audit log" grep -q '"event":"layer","layer":"zerotier","health":"down"' \
  "$BDCTL_LOG_DIR/watch-audit.log"

# --- the route's rules flushed by another tool, ZeroTier up: re-applied once ---
fresh
write_config "$UP_TARGETS" 'forwarding_down_for = "1s"'
zt_state ok-route
daemon
sleep 2
pi_run nft flush table inet bdctl
check "the forwarding layer re-applies the route" wait_history '^reapply-route bdctl-route real ok' 15
check "... its rules back in the kernel" bash -c "ip netns exec ${T_PREFIX}pi nft list table inet bdctl | grep -q masquerade"
sleep 3
stop_daemon
check_eq "... once" 1 "$(history_of | grep -c '^reapply-route')"
check "... with its cause" grep -q '"event":"action","action":"reapply-route","target":"bdctl-route","cause":"forwarding broken for' \
  "$BDCTL_LOG_DIR/watch-audit.log"
check_eq "... and no ZeroTier restart for it" "$restarts" "$(count "$T_TMP/sd.log" '^RestartUnit')"

# --- the site moved to another ZeroTier network: the re-apply follows the new interface ---
fresh
ip -n "${T_PREFIX}pi" link add ztmoved0 type veth peer name ztmovedp
ip -n "${T_PREFIX}pi" addr add 10.147.30.54/24 dev ztmoved0
ip -n "${T_PREFIX}pi" link set ztmoved0 up; ip -n "${T_PREFIX}pi" link set ztmovedp up
write_config "$UP_TARGETS" 'forwarding_down_for = "1s"'
zt_state moved
daemon
check "forwarding for the old interface is broken: the route re-applied" \
  wait_history '^reapply-route bdctl-route real ok (rules re-installed, now ztmoved0 and eth0 (were zt327pdwre and eth0))' 15
stop_daemon
check "... the rules are for ztmoved0 now" bash -c "ip netns exec ${T_PREFIX}pi nft list table inet bdctl | grep -q ztmoved0"
check_eq "... and forwarding is judged up again" ok \
  "$(pi_run bdctl-check --only forwarding.rules --json | jq -r '.checks[0].status')"
zt_state ok-route

# --- a device rule probed on its own interval: 2s, against rounds every 500ms ---
fresh
bg on lan python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8555)); s.listen(16)
while True:
    c, _ = s.accept(); c.close(); open(sys.argv[1], "a").write("x\n")' "$T_TMP/rule.hits"
sleep 0.5
write_config "$UP_TARGETS" '[check.targets]' 'lanbox = "192.168.1.10:8555"' '[watch.rules.box]' 'target = "lanbox"' \
  'action = "pulse hotspot"' 'interval = "2s"'
daemon
sleep 5.2
stop_daemon
hits=$(wc -l <"$T_TMP/rule.hits" 2>/dev/null || echo 0)
check "the rule's target probed every 2s, not every round: $hits probes in 5s" test "$hits" -ge 2 -a "$hits" -le 4

# --- a second daemon is refused ---
daemon
sleep 1
pi_run bdctl-watch run 2>"$T_TMP/two.err"; RC=$?
stop_daemon
check_eq "a second run is exit 1" 1 "$RC"
check "... naming the lock" grep -q 'another bdctl-watch run is running' "$T_TMP/two.err"

done_testing
