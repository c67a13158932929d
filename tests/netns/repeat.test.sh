#!/bin/bash
# bdctl-repeat across the simulated site (lib.sh: remote --zt0-- pi --eth0-- lan):
# a FlexRadio's discovery reaches the remote side exactly once with its own
# source, the answer comes back, an mDNS query from the remote side reaches
# the LAN, the rate holds, a rule's direction holds, ZeroTier coming back
# under a new index is heard again, SIGTERM stops it cleanly, and bad
# config is refused before a socket is opened.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
. "$(dirname "$0")/repeat_common.sh"

site
on pi sysctl -qw net.ipv4.ip_forward=1  # the answers are routed, as bdctl-route sets it
cat >"$T_TMP/bdctl.toml" <<'TOML'
[site]
lan_interface = "eth0"
zerotier_interface = "zt0"
[repeat.flexradio]
preset = "flexradio"
[repeat.mdns]
preset = "mdns"
[repeat.hpsdr]
preset = "hpsdr"
[repeat.burst]
port = 5000
rate = "10/second"
[repeat.oneway]
port = 5001
direction = "lan-to-zerotier"
TOML
export BDCTL_CONFIG=$T_TMP/bdctl.toml

status_json() { on pi bdctl-repeat status --json; }
counter() {  # counter RULE DIRECTION KEY
  status_json | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = [r for r in d["rules"] if r["name"] == sys.argv[1]][0]
print(r["directions"][sys.argv[2]][sys.argv[3]])' "$@"
}
listening() { status_json | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if d["running"] and all(s["error"] is None and s["ifindex"] for s in d["sides"].values()) else 1)'; }
wait_listening() { local i; for i in $(seq 200); do listening && return 0; sleep 0.05; done; return 1; }

listen remote 4992 smartsdr --reply "client_ip=10.147.20.5"
on lan python3 "$SIM" radio 192.168.1.10
sleep 0.5
check_eq "before run: the radio's broadcast does not reach the remote side" 0 "$(lines smartsdr)"

# Bad config: refused, exit 2, the value and its place named, nothing opened.
bad() { printf '[repeat.x]\n%s\n' "$1" >"$T_TMP/bad.toml"; on pi bdctl-repeat run --config "$T_TMP/bad.toml" 2>&1 >/dev/null; }
check_exit "an unknown preset: exit 2" 2 bad 'preset = "flex"'
check "... naming it, its file and line" sh -c "$(declare -f bad on); T_PREFIX=$T_PREFIX T_TMP=$T_TMP bad 'preset = \"flex\"' | grep -q \"bad.toml:2.*'flex' is not a preset\""
check_exit "a rate that is not one: exit 2" 2 bad 'port = 9
rate = "fast"'
check_exit "a group that is not multicast: exit 2" 2 bad 'port = 9
group = "10.0.0.1"'
check_exit "a rule without a port: exit 2" 2 bad 'direction = "both"'
printf '[site]\nlan_interface = "eth0"\nzerotier_interface = "zt0"\n' >"$T_TMP/empty.toml"
check_exit "no rule at all: exit 2" 2 on pi bdctl-repeat run --config "$T_TMP/empty.toml"
check_exit "status before any run: exit 1" 1 on pi bdctl-repeat status --json
check "show names the rules, the interfaces and where they came from" sh -c \
  "ip netns exec ${T_PREFIX}pi bdctl-repeat show --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d[\"interfaces\"][\"lan\"][\"interface\"] == \"eth0\", d
assert \"config\" in d[\"interfaces\"][\"zerotier\"][\"source\"], d
assert [r[\"name\"] for r in d[\"rules\"]] == [\"burst\", \"flexradio\", \"hpsdr\", \"mdns\", \"oneway\"], d
assert d[\"rules\"][3][\"group\"] == \"224.0.0.251\" and d[\"rules\"][4][\"directions\"] == [\"lan-to-zerotier\"], d'"

# The notify socket systemd would give it.
bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
while True:
    open(sys.argv[2], "a").write(s.recv(4096).decode() + "\n")
' "$T_TMP/notify" "$T_TMP/notify.log"
for i in $(seq 100); do [ -S "$T_TMP/notify" ] && break; sleep 0.05; done
# Not through on(): a function in the background is a subshell, and $! would be its pid.
ip netns exec "${T_PREFIX}pi" env NOTIFY_SOCKET="$T_TMP/notify" WATCHDOG_USEC=2000000 bdctl-repeat run --json >"$T_TMP/run.json" 2>"$T_TMP/run.err" &
RUN=$!; T_PIDS+=($RUN)
check "run: both sides listening" wait_listening
check "run: READY=1 told to systemd" grep -q READY=1 "$T_TMP/notify.log"
check_exit "a second run is refused while one runs: exit 1" 1 on pi bdctl-repeat run
check "... saying which lock it holds" grep -q "another bdctl-repeat run is running" "$T_TMP/err"

# Broadcasts only, so that the client's answer goes to the radio's own socket.
listen lan 4992 radio_hears --bind 255.255.255.255
on lan python3 "$SIM" radio 192.168.1.10 --answers "$T_TMP/answers.log" --wait 2
check "the radio's discovery reaches the remote side" wait_count smartsdr 1 5
sleep 0.5
check_eq "... exactly once" 1 "$(lines smartsdr)"
check_eq "... with the radio's own address" 192.168.1.10 "$(field smartsdr src)"
check_eq "... and port" 4992 "$(field smartsdr sport)"
check_eq "... marked with bdctl's echo DSCP" 45 "$(field smartsdr dscp)"
check "... its VITA-49 payload whole" grep -q "model=FLEX-6600 serial=1719-0000-6600-0042" "$T_TMP/smartsdr.log"
check_eq "the client's answer comes back to the radio (routed)" 1 "$(lines answers)"
check_eq "... from the client" 10.147.20.5 "$(field answers src)"
check_eq "the copy was not sent back onto the LAN (a listener there heard one broadcast, the radio's)" \
  '1 1' "$(lines radio_hears) $(lines radio_hears '"src": "192.168.1.10"')"

# The radio repeats the same bytes every second: each is a new discovery, not an echo.
on lan python3 "$SIM" radio 192.168.1.10 --count 3 --every 0.3
check "a radio repeating itself is repeated each time" wait_count smartsdr 4 5
sleep 1.2  # the status file is written at most once a second
check_eq "counters: lan-to-zerotier heard 4" 4 "$(counter flexradio lan-to-zerotier heard)"
check_eq "counters: lan-to-zerotier repeated 4" 4 "$(counter flexradio lan-to-zerotier repeated)"
check_eq "counters: nothing heard the other way (the client's answer is unicast)" 0 "$(counter flexradio zerotier-to-lan heard)"

# mDNS from the remote side: a query to the group with TTL 255 reaches the LAN.
listen lan 5353 mdns_lan --group 224.0.0.251 --dev eth0
on remote python3 "$SIM" send 5353 224.0.0.251 "_flex._udp.local? PTR" --ttl 255 --sport 5353 --dev zt0
check "an mDNS query from the remote side reaches the LAN" wait_count mdns_lan 1 5
sleep 0.3
check_eq "... once" 1 "$(lines mdns_lan)"
check_eq "... TTL 255 kept (mDNS receivers check it)" 255 "$(field mdns_lan ttl)"
check_eq "... from the asker" 10.147.20.5 "$(field mdns_lan src)"
check_eq "... to the group" 224.0.0.251 "$(field mdns_lan dst)"

# ZeroTier's MTU is 2800, the LAN's 1500: a large answer crosses in fragments.
ip -n "${T_PREFIX}pi" link set zt0 mtu 2800; ip -n "${T_PREFIX}remote" link set zt0 mtu 2800
sleep 0.3  # the link event: the side's MTU is read again
big=$(python3 -c 'print("r" * 2400)')
on remote python3 "$SIM" send 5353 224.0.0.251 "$big" --ttl 255 --sport 5353 --dev zt0
check "a 2400-byte mDNS packet from ZeroTier (MTU 2800) reaches the LAN (MTU 1500)" wait_count mdns_lan 2 5
check_eq "... whole" 2400 "$(python3 -c 'import json,sys; print(len(json.loads(open(sys.argv[1]).readlines()[1])["payload"]))' "$T_TMP/mdns_lan.log")"

# A local service on the same port (avahi on 5353) keeps its unicast: the
# repeater's sockets are bound to the group, not to any address on eth0.
listen pi 5353 avahi
on lan python3 "$SIM" send 5353 192.168.1.201 "unicast answer for avahi" --sport 5353
check "a local service on 5353 still gets the unicast sent to the Pi" wait_count avahi 1 3

# HPSDR the other way: a client on the remote side asks, the radio on the LAN
# answers the asker's own address, which the LAN routes to the Pi (the
# condition bdctl-repeat(8) names).
listen lan 1024 hermes --reply "$(printf '\xef\xfe\x02 HL2 gateware 73')"
ip -n "${T_PREFIX}lan" route add 10.147.20.0/24 via 192.168.1.201
on remote python3 "$SIM" ask 1024 255.255.255.255 "$(printf '\xef\xfe\x02')" "$T_TMP/hpsdr_client.log" --wait 2 --dev zt0
check "an HPSDR discovery from the remote side reaches the radio" test "$(lines hermes)" -ge 1
check_eq "... from the client's own address" 10.147.20.5 "$(field hermes src)"
check "the radio's answer reaches the client" test "$(lines hpsdr_client)" -ge 1
check_eq "... from the radio" 192.168.1.10 "$(field hpsdr_client src)"
ip -n "${T_PREFIX}lan" route del 10.147.20.0/24 via 192.168.1.201

# A directed broadcast becomes the other side's.
listen remote 5001 oneway_remote
listen lan 5001 oneway_lan
on lan python3 "$SIM" send 5001 192.168.1.255 "directed"
check "a directed LAN broadcast reaches the remote side" wait_count oneway_remote 1 5
check_eq "... as the ZeroTier subnet's broadcast" 10.147.20.255 "$(field oneway_remote dst)"
on remote python3 "$SIM" send 5001 255.255.255.255 "against the direction" --dev zt0
sleep 0.5
check_eq "direction = lan-to-zerotier: nothing from the remote side reaches the LAN" 0 "$(lines oneway_lan 'against')"

# The rate: 1000 in half a second at 10/second let through 10 (the burst) plus
# 10 a second. Paced, so that veth's backlog (1000 a CPU) drops none unseen.
listen remote 5000 burst_remote
t0=$(date +%s.%N)
on lan python3 "$SIM" send 5000 255.255.255.255 burst --count 1000 --unique --gap-us 500
sleep 1.5
# Tokens come for as long as the repeater may still be reading (a loaded CI
# machine lags): the window is up to now, not up to the last one sent.
t1=$(date +%s.%N)
got=$(lines burst_remote)
most=$(python3 -c "import math,sys; print(10 + math.ceil(10 * ($t1 - $t0)) + 1)")
check "the rate holds: $got of 1000 through, at most $most" test "$got" -ge 10 -a "$got" -le "$most"
check_eq "... the repeated counter says so" "$got" "$(counter burst lan-to-zerotier repeated)"
# One more, after the queue is read: the kernel reports its drops with the next datagram.
sleep 1.1
on lan python3 "$SIM" send 5000 255.255.255.255 "after"
sleep 1.2
heard=$(counter burst lan-to-zerotier heard)
limited=$(counter burst lan-to-zerotier rate_limited)
overflows=$(counter burst lan-to-zerotier overflows)
check_eq "... every packet heard is repeated or rate-limited" "$heard" "$(($(lines burst_remote) + limited))"
check_eq "... every one of the 1001 is heard or counted as dropped by the kernel" 1001 "$((heard + overflows))"

# ZeroTier restarted: its interface comes back with a new index.
ip -n "${T_PREFIX}pi" link del zt0
ip link add name zt0 netns "${T_PREFIX}pi" type veth peer name zt0 netns "${T_PREFIX}remote"
ip -n "${T_PREFIX}pi" link set zt0 up; ip -n "${T_PREFIX}remote" link set zt0 up
ip -n "${T_PREFIX}pi" addr add 10.147.20.1/24 dev zt0
ip -n "${T_PREFIX}remote" addr add 10.147.20.5/24 dev zt0
ip -n "${T_PREFIX}remote" route add 192.168.0.0/23 via 10.147.20.1
# Seen by the link events at once: the periodic look is a minute away.
check "... the daemon sees the new zt0 within 2 s" sh -c \
  'for i in $(seq 40); do [ "$(grep -c "zerotier: listening on zt0" "$1")" -ge 2 ] && exit 0; sleep 0.05; done; exit 1' \
  sh "$T_TMP/run.err"
: >"$T_TMP/smartsdr.log"
on lan python3 "$SIM" radio 192.168.1.10
check "after ZeroTier came back, discovery reaches the remote side again" wait_count smartsdr 1 5
check "status: ok while it runs" on pi bdctl-repeat status --json
check "status text: the counters per rule and direction" sh -c \
  "ip netns exec ${T_PREFIX}pi bdctl-repeat status --text | grep -E '^flexradio +4992 +broadcast +lan-to-zerotier +[0-9]+ +[0-9]+'"

on pi bdctl-check --only repeat --json >"$T_TMP/check.json"
check_eq "bdctl-check repeat.daemon: ok while it runs" ok "$(cstatus "$T_TMP/check.json" repeat.daemon)"
# No other repeater here, but the burst above went over the rate.
check_eq "bdctl-check repeat.loops: warning after the burst" warning "$(cstatus "$T_TMP/check.json" repeat.loops)"
check "... naming the rule over the rate" sh -c "grep -q 'burst lan-to-zerotier: $limited over the rate' '$T_TMP/check.json'"
check_not "... never another repeater's copies" grep -q "another repeater" "$T_TMP/check.json"
# Trouble older than an hour is not a warning: the counters say when it came.
# The daemon, idle, does not write the file again.
python3 - "$BDCTL_RUN_DIR/repeat/status.json" <<'PY'
import json, sys, time
d = json.load(open(sys.argv[1]))
for r in d["rules"]:
    for c in r["directions"].values():
        if c["last_trouble_ms"]:
            c["last_trouble_ms"] = int(time.time() * 1000) - 2 * 3600 * 1000
json.dump(d, open(sys.argv[1], "w"))
PY
on pi bdctl-check --only repeat.loops --json >"$T_TMP/check.json"
check_eq "bdctl-check repeat.loops: ok when the trouble is two hours old" ok "$(cstatus "$T_TMP/check.json" repeat.loops)"
check "... saying there was some earlier" grep -q "none in the last hour (earlier in this run" "$T_TMP/check.json"

kill -TERM $RUN
wait $RUN; rc=$?
check_eq "SIGTERM: run exits 0" 0 "$rc"
check "... its document names the signal" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "run" and d["ok"] and d["signal"] == "SIGTERM", d' "$T_TMP/run.json"
check "... STOPPING=1 told to systemd" grep -q STOPPING=1 "$T_TMP/notify.log"
check_exit "status after the stop: exit 1 (not running)" 1 on pi bdctl-repeat status --json
check "... it says so, and keeps the last counters" sh -c "grep -q 'no bdctl-repeat run is running' '$T_TMP/out' || \
  ip netns exec ${T_PREFIX}pi bdctl-repeat status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert not d[\"ok\"] and not d[\"running\"] and d[\"rules\"], d
assert \"no bdctl-repeat run is running\" in d[\"problems\"][0], d'"

on pi bdctl-check --only repeat --json >"$T_TMP/check.json"
check_eq "bdctl-check repeat.daemon: warning once it stopped" warning "$(cstatus "$T_TMP/check.json" repeat.daemon)"
check "... saying how to start it" sh -c "grep -q 'systemctl enable --now bdctl-repeat' '$T_TMP/check.json'"
check_eq "bdctl-check repeat.loops: unknown with no run to ask" unknown "$(cstatus "$T_TMP/check.json" repeat.loops)"

done_testing
