#!/usr/bin/env bash
# Security claims of docs/security.md that a test can check:
#  - the ZeroTier token and relay passwords never appear in any output, log,
#    error or file of any tool run, on success or failure paths;
#  - secret-holding files bdctl writes have restrictive modes;
#  - HTTP goes only to the configured host: an http_proxy in the
#    environment is not used (it would see the token or the Basic password);
#  - the token is read only from the documented places.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
SIM="$BDCTL_SRC/tests/sim/relay"
TOKEN="ztSECRETtok$RANDOM$RANDOM"
PW="pwSECRETrel$RANDOM$RANDOM"
BADPW="pwSECRETbad$RANDOM$RANDOM"
ALL="$T_TMP/all-output"; : >"$ALL"

ns pi
on pi ip link add eth0 type veth peer name ethpeer
for i in eth0 ethpeer; do on pi ip link set "$i" up; done
on pi ip addr add 192.168.1.201/24 dev eth0
zt_iface

# The ZeroTier emulator uses the token it finds in its home.
mkdir -p "$ZH"; printf '%s\n' "$TOKEN" >"$ZH/authtoken.secret"; chmod 600 "$ZH/authtoken.secret"
zt_start ok-route
# A board that wants the password, and a proxy that records any connection.
bg on pi python3 "$SIM/kmtronic_http.py" --bind 127.0.0.1 --port 8080 --relays 4 --auth "admin:$PW" \
  --ready "$T_TMP/board.ready"
bg on pi python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 3128)); s.listen(8)
while True:
    c, _ = s.accept(); open(sys.argv[1], "ab").write(c.recv(65536) + b"\n--\n"); c.close()
' "$T_TMP/proxy.log"
for _ in $(seq 100); do [ -e "$T_TMP/board.ready" ] && break; sleep 0.05; done
: >"$T_TMP/proxy.log"
cat >"$T_TMP/bdctl.toml" <<CONF
[site]
subnet = "192.168.1.0/24"
[boards.lan4]
driver = "kmtronic-http"
url = "http://127.0.0.1:8080"
user = "admin"
password = "$PW"
spacing = "0ms"
[boards.bad]
driver = "kmtronic-http"
url = "http://127.0.0.1:8080"
user = "admin"
password = "$BADPW"
[boards.gone]
driver = "kmtronic-http"
url = "http://127.0.0.1:8099"
user = "admin"
password = "$PW"
timeout = "500ms"
[relays.bms1]
board = "lan4"
channel = 1
momentary = true
pulse = "100ms"
[relays.lamp]
board = "lan4"
channel = 2
[relays.badone]
board = "bad"
channel = 1
[relays.goneone]
board = "gone"
channel = 1
CONF
chmod 600 "$T_TMP/bdctl.toml"
export BDCTL_CONFIG="$T_TMP/bdctl.toml"

# run CMD...: in the Pi's namespace, with proxies set, everything kept.
run() {
  { echo "### $*"; ip netns exec "${T_PREFIX}pi" env http_proxy=http://127.0.0.1:3128 HTTP_PROXY=http://127.0.0.1:3128 \
      https_proxy=http://127.0.0.1:3128 ALL_PROXY=http://127.0.0.1:3128 "$@" 2>&1; echo "### exit $?"; } >>"$ALL"
}
for fmt in --json --text "--json --pretty"; do
  run bdctl-relay $fmt list
  run bdctl-relay $fmt status bms1 lamp
  run bdctl-relay $fmt pulse bms1
  run bdctl-relay $fmt on lamp
  run bdctl-relay $fmt off lamp
  run bdctl-relay $fmt status badone
  run bdctl-relay $fmt on badone
  run bdctl-relay $fmt status goneone
  run bdctl-relay $fmt pulse nosuchrelay
  run bdctl-relay $fmt recover
done
run bdctl-relay -c "$T_TMP/bdctl.toml" --json pulse bms1 --for 99h
for state in ok-route wrong-token slow; do
  zt_state $state
  run bdctl-check --json --zt-home "$ZH" --timeout 500ms
  run bdctl-check --text --zt-home "$ZH" --timeout 500ms
  run bdctl-check --format nagios --zt-home "$ZH" --timeout 500ms
  run bdctl-check --format prometheus --zt-home "$ZH" --timeout 500ms --output "$T_TMP/check.prom"
  run bdctl-route up --zt-home "$ZH" --lan eth0 --json --dry-run
  run bdctl-route up --zt-home "$ZH" --network 8056c2e21c000001 --lan eth0 --text --dry-run
  run bdctl-route status --zt-home "$ZH" --lan eth0 --json
done
zt_state ok-route
run bdctl-route up --zt-home "$ZH" --lan eth0 --json
run bdctl-route show --zt-home "$ZH" --lan eth0
run bdctl-route down --json
run bdctl-check --json --zt-home "$ZH" --zt-token-file "$T_TMP/missing"
run bdctl-check --json --zt-home "$ZH" --zt-token-file "$ZH/authtoken.secret" --zt-port 1
for t in relay route check mss; do run "bdctl-$t" --help; done

# Everything bdctl wrote: state, logs, the Prometheus file, the emulator's view excluded.
{ cat "$ALL"; find "$T_TMP/state" "$T_TMP/log" "$T_TMP/lock" "$T_TMP/sysctl.d" "$T_TMP/check.prom" -type f -exec cat {} + 2>/dev/null; } >"$T_TMP/everything"
check "the runs happened (relay pulse ok, check ran, route up ok)" \
  bash -c "grep -q '\"result\":\"ok\"' '$ALL' && grep -q 'zerotier.service' '$ALL' && grep -q 'relay-audit' <(ls -R '$T_TMP/log')"
check "the wrong password was really used and refused (HTTP 401 reported)" grep -q '401' "$ALL"
check_not "the ZeroTier token appears nowhere" grep -q "$TOKEN" "$T_TMP/everything"
check_not "the relay password appears nowhere" grep -q "$PW" "$T_TMP/everything"
check_not "the wrong relay password appears nowhere" grep -q "$BADPW" "$T_TMP/everything"
check_not "nor base64-encoded (a Basic auth header)" grep -q "$(printf 'admin:%s' "$PW" | base64)" "$T_TMP/everything"
check_eq "no request went to the http_proxy of the environment" "" "$(cat "$T_TMP/proxy.log")"

# --- file modes -------------------------------------------------------------------
mode() { stat -c %a "$1"; }
check_eq "relay audit log is 640" 640 "$(mode "$T_TMP/log/relay-audit.log")"
check_eq "relay log dir is 750" 750 "$(mode "$T_TMP/log")"
hist=$(find "$T_TMP/state" -path '*relay/history/*' -type f | head -1)
check "a relay history file exists" test -n "$hist"
check_eq "relay history files are 600" 600 "$(mode "$hist")"
chmod 644 "$T_TMP/bdctl.toml"
on pi bdctl-relay --json list >/dev/null 2>"$T_TMP/warn"
check "a config holding passwords readable by others is warned about" grep -q 'readable by other users' "$T_TMP/warn"
check_not "and the warning does not quote the password" grep -q "$PW" "$T_TMP/warn"
chmod 600 "$T_TMP/bdctl.toml"

# --- the token comes only from the documented places ---------------------------------
# --zt-token-file, else <home>/authtoken.secret, else $HOME/.zeroTierOneAuthToken.
zt_state ok-route
mkdir -p "$T_TMP/emptyhome" "$T_TMP/userhome"
printf '%s\n' "$TOKEN" >"$T_TMP/userhome/.zeroTierOneAuthToken"
cp "$ZH/zerotier-one.port" "$T_TMP/emptyhome/"
zcheck() { on pi env "$@" bdctl-check --json --zt-home "$T_TMP/emptyhome" --only zerotier.service 2>/dev/null |
           python3 -c 'import json,sys; print([c["status"] for c in json.load(sys.stdin)["checks"]][0])'; }
check_eq "token from \$HOME/.zeroTierOneAuthToken (documented fallback)" ok "$(zcheck HOME="$T_TMP/userhome")"
check_eq "no token in the documented places: not found, even with it in the environment" unknown \
  "$(zcheck HOME="$T_TMP/nohome" ZT_TOKEN="$TOKEN" ZEROTIER_AUTH_TOKEN="$TOKEN" ZEROTIER_ONE_AUTH_TOKEN="$TOKEN")"

done_testing
