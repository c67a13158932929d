#!/bin/bash
# bdctl-relay against emulated boards (tests/sim/relay) in private network
# namespaces: "pi" runs the tool, "site" runs the boards at 192.168.1.199 &c.
. "$(dirname "$0")/lib.sh"
SIM="$BDCTL_SRC/tests/sim/relay"
EV="$T_TMP/ev"; mkdir -p "$EV"
PW='Zq9-relay-secret'

ns pi; ns site
link pi eth0 site eth0
ip -n "${T_PREFIX}pi" addr add 192.168.1.201/24 dev eth0
ip -n "${T_PREFIX}site" addr add 192.168.1.199/24 dev eth0

start() {  # start NAME SCRIPT ARGS...: run an emulator in "site", wait until it listens
  local n=$1 s=$2; shift 2
  bg on site python3 "$SIM/$s" --events "$EV/$n" --ready "$T_TMP/ready.$n" "$@"
  for _ in $(seq 100); do [ -e "$T_TMP/ready.$n" ] && return 0; sleep 0.05; done
  echo "emulator $n did not start"; exit 1
}
start lan8 kmtronic_http.py --port 80 --relays 8 --auth "admin:$PW" --quirk-404 --hang
start open16 kmtronic_http.py --port 8081 --relays 16 --hang
start slow kmtronic_http.py --port 8082 --relays 8 --delay 250
start temp kmtronic_http.py --port 8083 --temp-module
start auth kmtronic_http.py --port 8084 --relays 2 --auth "admin:$PW"
start udp kmtronic_udp.py --port 12345 --relays 8 --reply-to-set
start rr rigrunner.py --port 8073
start serial kmtronic_serial.py --link "$T_TMP/ttyKMT" --relays 8

cat >"$T_TMP/bdctl.toml" <<CONF
[boards.lan8]
driver = "kmtronic-http"
url = "http://192.168.1.199"
user = "admin"
password = "$PW"
[boards.open16]
driver = "kmtronic-http"
url = "http://192.168.1.199:8081/"
[boards.slow]
driver = "kmtronic-http"
url = "http://192.168.1.199:8082"
timeout = "2s"
[boards.badpw]
driver = "kmtronic-http"
url = "http://192.168.1.199:8084"
user = "admin"
password = "not-$PW"
[boards.temp]
driver = "kmtronic-http"
url = "http://192.168.1.199:8083"
[boards.gone]
driver = "kmtronic-http"
url = "http://192.168.1.250"
timeout = "1s"
[boards.udp]
driver = "kmtronic-udp"
host = "192.168.1.199"
[boards.usb]
driver = "kmtronic-serial"
device = "$T_TMP/ttyKMT"
channels = 8
[boards.rr]
driver = "rigrunner"
url = "http://192.168.1.199:8073"
[boards.hat]
driver = "gpio"
chip = "fake:$T_TMP/gpiochip"
lines = ["GPIO17", "GPIO27"]
active_low = true

[relays.bms1]
board = "lan8"
channel = 1
momentary = true
pulse = "500ms"
[relays.bms2]
board = "lan8"
channel = 2
momentary = true
pulse = "700ms"
[relays.bms3]
board = "lan8"
channel = 3
momentary = true
cooldown = "60s"
pulse = "400ms"
[relays.emc12]
board = "open16"
channel = 12
momentary = true
pulse = "600ms"
max_per_hour = 2
[relays.lamp]
board = "open16"
channel = 5
[relays.slowrelay]
board = "slow"
channel = 4
momentary = true
pulse = "800ms"
[relays.locked]
board = "badpw"
channel = 1
[relays.thermo]
board = "temp"
channel = 1
[relays.away]
board = "gone"
channel = 1
[relays.udp3]
board = "udp"
channel = 3
[relays.usb2]
board = "usb"
channel = 2
[relays.usbnc]
board = "usb"
channel = 7
wiring = "NC"
pulse = "600ms"
[relays.station]
board = "rr"
channel = 0
pulse = "1s"
[relays.pi]
board = "rr"
channel = 4
protected = true
[relays.hat1]
board = "hat"
channel = 1
momentary = true
pulse = "500ms"
CONF
chmod 600 "$T_TMP/bdctl.toml"
export BDCTL_CONFIG="$T_TMP/bdctl.toml"
R() { on pi bdctl-relay "$@"; }
# RB OUT CMD...: bdctl-relay in the background as a direct child (so $! is
# bdctl-relay itself), with SIGINT restored: bash ignores it in background jobs.
RB() { local o=$1; shift; python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' ip netns exec "${T_PREFIX}pi" bdctl-relay "$@" >"$o" 2>&1 & }
# cx: check_exit, keeping its stdout/stderr in $T_TMP/o and $T_TMP/e for later checks.
cx() { check_exit "$@"; cp "$T_TMP/out" "$T_TMP/o"; cp "$T_TMP/err" "$T_TMP/e"; }
AUDIT="$T_TMP/log/relay-audit.log"

# last_set EVFILE CH: the channel's last switched value on the emulator (0 if never).
last_set() { awk -v c="$2" -v v="${3:-0}" '$2=="set" && $3==c {v=$4} END {print v+0}' "$EV/$1"; }
# width EVFILE CH FROM TO: ms between the last "set CH FROM" and the "set CH TO" after it.
width() { awk -v c="$2" -v a="$3" -v b="$4" '$2=="set" && $3==c && $4==a {t=$1; w=""} $2=="set" && $3==c && $4==b && t!="" {w=($1-t)*1000} END {printf "%d\n", w}' "$EV/$1"; }
near() { local got=$1 want=$2; [ "$got" -ge $((want - 50)) ] && [ "$got" -le $((want + 50)) ]; }
js() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

# ---- list, status: every driver
cx "list works without touching a device" 0 R --json list
check_eq "list names every relay" "away bms1 bms2 bms3 emc12 hat1 lamp locked pi slowrelay station thermo udp3 usb2 usbnc" \
  "$(js "$T_TMP/o" '" ".join(r["name"] for r in d["relays"])')"
check_not "list never prints a password" grep -q -- "$PW" "$T_TMP/o"
cx "status of relays on every driver" 0 R --json status bms1 emc12 udp3 usb2 station hat1
check_eq "status reads states back" "off off off off on off" "$(js "$T_TMP/o" '" ".join(r["after"]["state"] for r in d["relays"])')"
check_eq "rigrunner reports rail name, load and supply" "Station 2.1 13.71" \
  "$(js "$T_TMP/o" '" ".join(str(x) for x in [d["relays"][4]["after"]["label"], d["relays"][4]["after"]["current_a"], d["relays"][4]["supply_v"]])')"
R --text status >"$T_TMP/text" 2>&1
check "text status is a table" grep -q "^station .*on .*at rest.*2.10 A" "$T_TMP/text"

# ---- on / off on latched relays of each driver, read back
for pair in "lamp open16 5" "udp3 udp 3" "usb2 serial 2" "station rr 0"; do
  set -- $pair
  R --json off "$1" >/dev/null 2>&1; R --json on "$1" >"$T_TMP/on.json" 2>&1
  check_eq "$1 ($2): on switches the device" 1 "$(last_set "$2" "$3")"
  check_eq "$1: JSON shows after=on read back" "on" "$(js "$T_TMP/on.json" 'd["relays"][0]["after"]["state"]')"
  cx "$1: off" 0 R --json off "$1"
  check_eq "$1: off switches the device" 0 "$(last_set "$2" "$3")"
  check_eq "$1: before/after" "on off" "$(js "$T_TMP/o" 'd["relays"][0]["before"]["state"]+" "+d["relays"][0]["after"]["state"]')"
done
R on station >/dev/null 2>&1
cx "momentary relay refuses on (exit 2)" 2 R on bms1
cx "protected rail refuses off (exit 2)" 2 R off pi
check "protected refusal says why" grep -q "protected" "$T_TMP/e"
check_eq "protected rail still powered" 1 "$(last_set rr 4 1)"
cx "protected rail refuses a pulse that would cut it" 2 R pulse pi
cx "unknown relay: exit 2" 2 R pulse nosuch
cx "bad duration: exit 2" 2 R pulse bms1 --for 5x
cx "pulse above max_pulse: exit 2" 2 R pulse bms1 --for 11s

# ---- pulses on every driver, timed by the emulators
R --json pulse bms1 --for 500ms >"$T_TMP/p.json" 2>&1; rc=$?
check_eq "kmtronic-http pulse (auth, 404 quirk) exits 0" 0 "$rc"
w=$(width lan8 1 1 0); check "kmtronic-http pulse 500ms accurate to 50ms (got ${w}ms)" near "$w" 500
check_eq "pulse JSON: before/after off, result ok" "off off ok" \
  "$(js "$T_TMP/p.json" '" ".join([d["relays"][0]["before"]["state"], d["relays"][0]["after"]["state"], d["relays"][0]["result"]])')"
R --json pulse emc12 --for 1s >/dev/null 2>&1
w=$(width open16 12 1 0); check "kmtronic-http relay 12 uses hex FF0C01 and pulses 1s (got ${w}ms)" near "$w" 1000
check "relay 12 was addressed as FF0C" grep -q "req /FF0C01" "$EV/open16"
R --json pulse slowrelay >/dev/null 2>&1
w=$(width slow 4 1 0); check "slow board (250ms replies): pulse 800ms accurate (got ${w}ms)" near "$w" 800
R --json pulse udp3 --for 600ms >/dev/null 2>&1
w=$(width udp 3 1 0); check "kmtronic-udp pulse 600ms (got ${w}ms)" near "$w" 600
R --json pulse usbnc >/dev/null 2>&1
w=$(width serial 7 1 0); check "kmtronic-serial NC relay pulse 600ms (got ${w}ms)" near "$w" 600
check_eq "serial relay back at rest" 0 "$(last_set serial 7)"
R --json pulse station --for 1500ms >"$T_TMP/p.json" 2>&1
w=$(width rr 0 0 1); check "rigrunner rail off-then-on pulse 1500ms (got ${w}ms)" near "$w" 1500
check_eq "rigrunner rail powered again" 1 "$(last_set rr 0)"
check_eq "rigrunner pulse read the rail off during the pulse" "off" "$(js "$T_TMP/p.json" 'd["relays"][0]["during"]["state"]')"
R --json pulse hat1 >/dev/null 2>&1
w=$(awk '$2=="GPIO17" && $3==1 {t=$1} $2=="GPIO17" && $3==0 && t {w=($1-t)*1000} END {printf "%d", w}' "$T_TMP/gpiochip.events")
check "gpio (fake chip, active-low) pulse 500ms (got ${w}ms)" near "$w" 500
check_eq "gpio line inactive after the pulse" "GPIO17 0" "$(grep GPIO17 "$T_TMP/gpiochip")"
cx "gpio relay refuses latching on" 2 R on hat1
check_not "no whole-bank or toggle command ever sent" grep -qE " (bank|toggle) " "$EV/lan8" "$EV/open16" "$EV/udp"

# ---- signals mid-pulse return the relay to rest
for sig in TERM HUP INT; do
  RB "$T_TMP/sig.json" --json pulse bms2 --for 5s
  pid=$!; sleep 1.2
  check_eq "SIG$sig: relay energised mid-pulse" 1 "$(last_set lan8 2)"
  t0=$(date +%s%N); kill -$sig $pid; wait $pid; rc=$?; t1=$(date +%s%N)
  check_eq "SIG$sig: exit 1" 1 "$rc"
  check_eq "SIG$sig: relay back at rest" 0 "$(last_set lan8 2)"
  check "SIG$sig: pulse ended promptly ($(( (t1 - t0) / 1000000 ))ms)" [ $(( (t1 - t0) / 1000000 )) -lt 1500 ]
  check_eq "SIG$sig: result interrupted, after off" "interrupted off" \
    "$(js "$T_TMP/sig.json" 'd["relays"][0]["result"]+" "+d["relays"][0]["after"]["state"]')"
  sleep 0.4
done
check_eq "no intent left after interrupted pulses" "" "$(ls "$T_TMP/state/relay/intents" 2>/dev/null)"

# ---- SIGKILL mid-pulse: the next run finishes it
RB /dev/null --json pulse bms2 --for 5s
pid=$!; sleep 1.2; kill -KILL $pid; wait $pid 2>/dev/null
check_eq "SIGKILL leaves the relay energised" 1 "$(last_set lan8 2)"
check "an intent record survives the kill" ls "$T_TMP/state/relay/intents/lan8.2.json"
cx "next run (status) recovers first" 0 R --json status bms1
check_eq "recovered list names bms2, ok" "bms2 ok" "$(js "$T_TMP/o" 'd["recovered"][0]["name"]+" "+d["recovered"][0]["result"]')"
check_eq "bms2 at rest after recovery" 0 "$(last_set lan8 2)"
check_eq "intent removed" "" "$(ls "$T_TMP/state/relay/intents")"
RB /dev/null --json pulse udp3 --for 5s
pid=$!; sleep 1; kill -KILL $pid; wait $pid 2>/dev/null
cx "bdctl-relay recover (the boot unit's command) finishes it" 0 R --json recover
check_eq "udp3 at rest" 0 "$(last_set udp 3)"

# ---- two concurrent pulses on one board are serialised
sleep 0.4
RB "$T_TMP/c1.json" --json pulse bms1 --for 800ms; p1=$!
RB "$T_TMP/c2.json" --json pulse bms2 --for 800ms; p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
check_eq "both concurrent pulses succeed" "0 0" "$r1 $r2"
check_not "the board never saw overlapping or too-close requests" grep -q " hang " "$EV/lan8"
overlap=$(awk '$2=="set" && ($3==1||$3==2) {print $3, $4}' "$EV/lan8" | tail -4 | tr '\n' ' ')
check "pulses did not overlap (events: $overlap)" [ "$overlap" = "1 1 1 0 2 1 2 0 " -o "$overlap" = "2 1 2 0 1 1 1 0 " ]
w1=$(width lan8 1 1 0); w2=$(width lan8 2 1 0)
check "serialised pulses still accurate (${w1}ms, ${w2}ms)" eval 'near $w1 800 && near $w2 800'

# ---- rate limits
cx "first reset of bms3" 0 R --json pulse bms3
n=$(grep -c "set 3 1" "$EV/lan8")
cx "cool-down refuses a second reset (exit 1)" 1 R --json pulse bms3
check "refusal names the cool-down" grep -q "cool-down" "$T_TMP/o"
check_eq "no switch command for the refused reset" "$n" "$(grep -c "set 3 1" "$EV/lan8")"
R --json pulse emc12 --for 400ms >/dev/null 2>&1  # second of max_per_hour = 2 (first above)
cx "max_per_hour refuses the third reset" 1 R --json pulse emc12 --for 400ms
check "refusal names max_per_hour" grep -q "max_per_hour" "$T_TMP/o"

# ---- failures: unreachable, wrong password, not a relay board
t0=$(date +%s%N); R --json status away >"$T_TMP/o" 2>&1; rc=$?; t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
check_eq "unreachable board: exit 1" 1 "$rc"
check "unreachable board fails within its 1s timeout (+0.5s) (${ms}ms)" [ "$ms" -lt 1500 ]
check "unreachable error is clear" grep -q "no reply within 1s" "$T_TMP/o"
cx "unreachable board on pulse: exit 1" 1 R --json pulse away --for 1s
check "audit records the failure" grep -q '"name":"away".*"result":"error".*no reply within 1s' "$AUDIT"
cx "wrong password: exit 1" 1 R --json off locked
check "wrong password reported as such" grep -q "wrong user or password" "$T_TMP/o"
R --text status locked >"$T_TMP/text" 2>&1
for f in "$AUDIT" "$T_TMP/o" "$T_TMP/e" "$T_TMP/text"; do
  check_not "password absent from $(basename "$f")" grep -q -- "$PW" "$f"
done
check_not "password absent from the state dir" grep -rq -- "$PW" "$T_TMP/state"
cx "temperature module's status.xml rejected: exit 1" 1 R --json status thermo
check "rejection says it is not a relay board" grep -q "not a KMTronic relay board" "$T_TMP/o"

# ---- audit trail
check "audit: intent logged before the action" python3 - "$AUDIT" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
keys = {"ts", "uid", "sudo_user", "ssh_client", "action", "before", "after", "result"}
assert all(keys <= set(l) for l in lines), "missing keys"
p = [l for l in lines if l["action"] == "pulse" and l["name"] == "bms1" and l["result"] != "refused"]
assert p[0]["phase"] == "intent" and p[1]["phase"] == "done", p[:2]
assert p[0]["request_id"] == p[1]["request_id"] and p[0]["ts"] <= p[1]["ts"]
assert any(l["result"] == "refused" for l in lines)
PY
SUDO_USER=alice SSH_CLIENT="10.147.20.5 50000 22" R --json status bms1 >/dev/null 2>&1
R --json pulse bms1 --for 400ms >/dev/null 2>&1
check "audit: who (SUDO_USER)" grep -q '"sudo_user":null' "$AUDIT"
SUDO_USER=alice SSH_CLIENT="10.147.20.5 50000 22" R --json pulse bms1 --for 400ms >/dev/null 2>&1
check "audit: who (SUDO_USER, SSH_CLIENT)" grep -q '"sudo_user":"alice","ssh_client":"10.147.20.5 50000 22"' "$AUDIT"

check_not "the hang-prone boards were never hung" grep " hang " "$EV/lan8" "$EV/open16"
done_testing
