#!/usr/bin/env bash
# Fault injection: the ZeroTier service dies in the middle of a request. The
# emulator is SIGKILLed while it delays an answer, or a stand-in accepts the
# connection and then closes it (before answering, after half an answer), or
# never answers at all. bdctl-route (interface discovery) and bdctl-check must
# give a clear error within their timeout and change nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
NWID=8056c2e21c000001

ns pi
on pi ip link add eth0 type veth peer name ethpeer
for i in eth0 ethpeer; do on pi ip link set "$i" up; done
zt_iface
on pi sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
ruleset() { on pi nft list ruleset; }

# A stand-in service on the namespace's loopback: MODE close (read the
# request, close), half (status line, headers, part of the body, close),
# silent (read, never answer). Writes its port where zerotier-cli looks.
fake_service() {
  local home=$T_TMP/fake-$1
  mkdir -p "$home"; echo "tok-$RANDOM$RANDOM" >"$home/authtoken.secret"; chmod 600 "$home/authtoken.secret"
  bg on pi python3 -c '
import socket, sys, time
mode, home = sys.argv[1], sys.argv[2]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
open(home + "/zerotier-one.port.tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(home + "/zerotier-one.port.tmp", home + "/zerotier-one.port")
held = []
while True:
    c, _ = s.accept()
    c.recv(4096)
    if mode == "half":
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"address\":\"89e9")
        c.close()
    elif mode == "silent":
        held.append(c)
    else:
        c.close()
' "$1" "$home"
  for _ in $(seq 50); do [ -s "$home/zerotier-one.port" ] && break; sleep 0.1; done
  FAKE_HOME=$home
}

# timed CMD...: run CMD in the Pi's namespace; $RC, $MS, stderr in $T_TMP/rerr.
timed() {
  local t0; t0=$(date +%s%N)
  ip netns exec "${T_PREFIX}pi" "$@" >"$T_TMP/rout" 2>"$T_TMP/rerr"; RC=$?
  MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}
# verdict WHAT LIMIT_MS: the route-up run failed cleanly and quickly.
verdict() {
  check_eq "$1: bdctl-route up exits 1" 1 "$RC"
  check "$1: within ${2} ms (took $MS ms)" test "$MS" -lt "$2"
  check_eq "$1: one line on stderr" 1 "$(wc -l <"$T_TMP/rerr")"
  check "$1: the error says the ZeroTier service failed" grep -qi 'zerotier' "$T_TMP/rerr"
  check_eq "$1: nothing was changed" "$before" "$(ruleset)"
}
before=$(ruleset)

# --- the real emulator, killed while it delays its answer ---------------------
mkdir -p "$ZH"; echo slow >"$ZH/control"
bg on pi python3 "$BDCTL_SRC/tests/sim/zerotier/ztemu.py" --home "$ZH" --control "$ZH/control" --delay 5
zt_pid=${T_PIDS[-1]}  # the emulator's own pid: `ip netns exec` execs it
for _ in $(seq 50); do [ -s "$ZH/zerotier-one.port" ] && break; sleep 0.1; done
( sleep 0.5; kill -9 "$zt_pid" ) &
timed bdctl-route up --zt-home "$ZH" --network "$NWID" --lan eth0
verdict "emulator SIGKILLed mid-request" 1500
check_not "the emulator is really gone" kill -0 "$zt_pid"
cp "$T_TMP/rerr" "$T_TMP/rerr.killed"
check "the error is not a bare libcurl code" bash -c "! grep -q 'CURLE_\|error [0-9]' '$T_TMP/rerr.killed'"

# --- stand-ins: closed before answering, closed mid-body, never answering --------
for mode in close half; do
  fake_service $mode
  timed bdctl-route up --zt-home "$FAKE_HOME" --network "$NWID" --lan eth0
  verdict "service closes the connection ($mode)" 1500
  timed bdctl-check --json --zt-home "$FAKE_HOME" --only zerotier.service
  # A broken answer is "protocol" (unknown, exit 3); refused or timed out is critical.
  check_eq "check, $mode: exit 3 (unknown), not a crash" 3 "$RC"
  check_eq "check, $mode: zerotier.service unknown, saying what failed" "unknown True" \
    "$(python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["checks"] if c["name"]=="zerotier.service"][0]; print(c["status"], "ZeroTier service" in c["summary"])' "$T_TMP/rout")"
  check "check, $mode: within 1.5 s (took $MS ms)" test "$MS" -lt 1500
done
fake_service silent
timed bdctl-route up --zt-home "$FAKE_HOME" --network "$NWID" --lan eth0
verdict "service never answers (default 2 s timeout)" 3500
timed bdctl-check --json --zt-home "$FAKE_HOME" --only zerotier.service --timeout 1s --deadline 3s
check "check, silent: bounded by --timeout 1s (took $MS ms)" test "$MS" -lt 2500
check_not "check, silent: not reported ok" grep -q '"status": *"ok"' "$T_TMP/rout"

done_testing
