#!/usr/bin/env bash
# The JSON contract: every verb of every tool prints one document with
# schema_version, command and ok (and changed where it changes things), whose
# keys match the golden key lists in tests/golden (the keys are the contract:
# bdctl(7), VOCABULARY). A key added, removed or renamed fails here until the
# golden file and the man page say so. BDCTL_UPDATE_GOLDEN=1 rewrites them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
site
zt_iface
zt_start ok-route
GOLDEN=$BDCTL_SRC/tests/golden
# A KMTronic LAN board on the LAN host (tests/sim/relay): a rail and a reset contact.
bg on lan python3 "$BDCTL_SRC/tests/sim/relay/kmtronic_http.py" --port 8081 --relays 2 --ready "$T_TMP/ready.board" \
  --events "$T_TMP/board.events"
for _ in $(seq 100); do [ -e "$T_TMP/ready.board" ] && break; sleep 0.05; done
cat >"$T_TMP/bdctl.toml" <<TOML
[boards.lan2]
driver = "kmtronic-http"
url = "http://192.168.1.10:8081"

[relays.radio]
board = "lan2"
channel = 1
momentary = true
cooldown = "0s"

[relays.station]
board = "lan2"
channel = 2
TOML
export BDCTL_CONFIG=$T_TMP/bdctl.toml

# doc NAME CHANGES CMD...: run CMD (its JSON on stdout) and hold it to the contract.
doc() {
  local name=$1 changes=$2; shift 2
  local f=$T_TMP/$name.json
  "$@" --json >"$f" 2>"$T_TMP/$name.err"
  [ -s "$f" ] || sed "s/^/    $name: /" "$T_TMP/$name.err"
  local fields
  fields=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
keys = list(d)
print(keys[:3] == ["schema_version", "command", "ok"], isinstance(d["ok"], bool), "changed" in d)' "$f" 2>&1)
  check_eq "$name: one document, schema_version, command and ok first$([ "$changes" = 1 ] && echo ', changed')" \
    "True True $([ "$changes" = 1 ] && echo True || echo False)" "$fields"
  python3 "$BDCTL_SRC/tests/netns/json_skeleton.py" "$f" >"$T_TMP/$name.keys"
  if [ "${BDCTL_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$T_TMP/$name.keys" "$GOLDEN/$name.keys"; fi
  check "$name: keys as in tests/golden/$name.keys" diff -u "$GOLDEN/$name.keys" "$T_TMP/$name.keys"
}

doc route-up 1 pi_run bdctl-route up --zt-home "$ZH" --lan eth0
# A safe change, the pending change it leaves, and the verbs that end one.
doc route-up-confirm 1 pi_run bdctl-route up --zt-home "$ZH" --lan eth0 --confirm=1m --verify icmp:127.0.0.1
doc pending 0 pi_run bdctl-pending
doc confirm 0 pi_run bdctl-confirm
doc pending-none 0 pi_run bdctl-pending
pi_run bdctl-route up --zt-home "$ZH" --lan eth0 --confirm=1m --json >/dev/null
doc rollback 1 pi_run bdctl-rollback
doc route-status 0 pi_run bdctl-route status --zt-home "$ZH"
doc route-show 0 pi_run bdctl-route show --zt-home "$ZH" --lan eth0
doc mss-set 1 pi_run bdctl-mss set --mss 1360
doc mss-status 0 pi_run bdctl-mss status
doc mss-show 0 pi_run bdctl-mss show --mss 1360
doc mss-probe 0 pi_run bdctl-mss probe 192.168.1.10 --timeout 500ms
doc mss-clear 1 pi_run bdctl-mss clear
doc route-down 1 pi_run bdctl-route down
doc relay-list 0 pi_run bdctl-relay list
doc relay-status 0 pi_run bdctl-relay status
doc relay-on 1 pi_run bdctl-relay on station
doc relay-off 1 pi_run bdctl-relay off station
doc relay-pulse 1 pi_run bdctl-relay pulse radio --for 500ms
doc relay-recover 1 pi_run bdctl-relay recover
doc check 0 pi_run bdctl-check --zt-home "$ZH" --lan-subnet 192.168.1.0/24 --only zerotier,forwarding,plan
doc config-check 0 bdctl-config check
doc config-show 0 pi_run bdctl-config show --zt-home "$ZH"
doc watch-plan 0 pi_run env ZEROTIER_HOME="$ZH" bdctl-watch plan
doc watch-reset 1 pi_run bdctl-watch reset
doc watch-status 0 pi_run bdctl-watch status
doc watch-history 0 pi_run bdctl-watch history
# hwdog reads a sysfs tree of the test's own; no system bus here (systemd: {reachable, error}).
mkdir -p "$T_TMP/sys/class/watchdog/watchdog0"
printf 'Broadcom BCM2835 Watchdog timer\n' >"$T_TMP/sys/class/watchdog/watchdog0/identity"
echo 15 >"$T_TMP/sys/class/watchdog/watchdog0/timeout"
echo active >"$T_TMP/sys/class/watchdog/watchdog0/state"
hw() { env BDCTL_SYSFS_ROOT="$T_TMP/sys" DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T_TMP/nobus" bdctl-watch hwdog "$@"; }
doc watch-hwdog 0 hw
doc watch-hwdog-enable 1 hw enable

# bdctl-repeat: show, status before and during a run, and what run prints when stopped.
cat >>"$T_TMP/bdctl.toml" <<TOML
[repeat.flexradio]
preset = "flexradio"
[repeat.mdns]
preset = "mdns"
TOML
doc repeat-show 0 pi_run bdctl-repeat show --zt-home "$ZH" --lan eth0 --zt zt327pdwre
doc repeat-status-none 0 pi_run bdctl-repeat status
ip netns exec "${T_PREFIX}pi" bdctl-repeat run --lan eth0 --zt zt327pdwre --json >"$T_TMP/stopped.json" 2>"$T_TMP/stopped.err" &
rpid=$!
for _ in $(seq 100); do pi_run bdctl-repeat status --json >/dev/null 2>&1 && break; sleep 0.05; done
doc repeat-status 0 pi_run bdctl-repeat status
kill -TERM $rpid; wait $rpid
repeat_run() { cat "$T_TMP/stopped.json"; cat "$T_TMP/stopped.err" >&2; }  # not $T_TMP/repeat-run.json: doc writes that
doc repeat-run 0 repeat_run

# bdctl-bridge: a refused up, show, up, status with and without a bridge, down.
echo bridge-denied >"$ZH/control"
doc bridge-up-refused 1 pi_run bdctl-bridge up --zt-home "$ZH" --lan eth0 --no-confirm
echo bridge-ok >"$ZH/control"
doc bridge-show 0 pi_run bdctl-bridge show --zt-home "$ZH" --lan eth0
doc bridge-up 1 pi_run bdctl-bridge up --zt-home "$ZH" --lan eth0 --confirm=1m
pi_run bdctl-confirm --any-path --json >/dev/null
doc bridge-status 0 pi_run bdctl-bridge status
doc route-up-bridged 1 pi_run bdctl-route up --zt-home "$ZH" --lan eth0 --unless-bridged
doc bridge-down 1 pi_run bdctl-bridge down --no-confirm
doc bridge-status-none 0 pi_run bdctl-bridge status
doc bridge-up-none 1 pi_run bdctl-bridge up --if-bridged --no-confirm

done_testing
