#!/usr/bin/env bash
# bdctl-bridge's filters against a bare bridge, side by side in one run: the
# same bridge (made by bdctl-bridge up), with table bridge bdctl installed and
# with it deleted, which is what the ZeroTier bridging guide's `ip link add
# br0 type bridge` leaves. Round-robin, BENCH_ROUNDS rounds (default 5):
#   TCP bulk, remote -> lan, iperf3 -M 1360 for BENCH_SECONDS (default 3):
#   Gbit/s with the same segments in both cases, so only the filters differ;
#   TCP bulk with the client's own MSS (1460 on these veths): with the filters
#   the clamp makes it 1360, 7% more packets for the same bytes: the clamp's
#   price, paid on purpose, not the filters';
#   UDP 64-byte datagrams, remote -> lan, iperf3 -u -b 0: packets a second
#   received (the per-packet cost, where a filter shows most).
# A link-layer broadcast storm goes through the limit rule too: each case also
# sends 2000 LAN broadcasts and counts what reaches the remote side.
#   lan 192.168.1.10 --eth0-- pi (br-bdctl: eth0 + zt0, 192.168.1.201) --zt0-- remote 192.168.1.50
# Usage: bench/bridge.sh [BIN_DIR]   (root; default build/test/bin; needs iperf3)
set -u
BIN=${1:-$(dirname "$0")/../build/test/bin}
BIN=$(cd "$BIN" && pwd)
command -v iperf3 >/dev/null || { echo "bench/bridge.sh: needs iperf3 (apt-get install iperf3)" >&2; exit 2; }
P="bdbr$$"
. "$(dirname "$0")/three-ns-common.sh"
ip -n ${P}lan addr add 192.168.1.10/24 dev eth0
ip -n ${P}pi addr add 192.168.1.201/24 dev eth0
ip -n ${P}remote addr add 192.168.1.50/24 dev zt0
export BDCTL_RUN_DIR=$T/run BDCTL_LOCK_DIR=$T/lock BDCTL_STATE_DIR=$T/state BDCTL_LOG_DIR=$T/log \
  BDCTL_CONFIG=$T/bdctl.toml ZEROTIER_HOME=$T/zt
mkdir -p "$T/zt"
printf '[bridge]\nbroadcast_limit = "200/second"\nmss = 1360\n' >"$T/bdctl.toml"
# No ZeroTier service here: its preconditions are unknown, hence --force.
on pi "$BIN/bdctl-bridge" up --lan eth0 --zt zt0 --force --no-confirm --json >"$T/up.json" ||
  { cat "$T/up.json"; exit 1; }
filters() {  # filters on|off
  if [ "$1" = on ]; then on pi "$BIN/bdctl-bridge" up --lan eth0 --zt zt0 --force --no-confirm --json >/dev/null
  else on pi nft delete table bridge bdctl 2>/dev/null; fi
}
on lan iperf3 -s -D -I "$T/iperf.pid" >/dev/null
for _ in $(seq 50); do [ -s "$T/iperf.pid" ] && break; sleep 0.1; done
SECS=${BENCH_SECONDS:-3}
tcp() { on remote iperf3 -c 192.168.1.10 -t "$SECS" -J "$@" | jq '.end.sum_received.bits_per_second / 1e9'; }
udp() {
  on remote iperf3 -c 192.168.1.10 -u -b 0 -l 64 -t "$SECS" -J |
    jq '(.end.sum.packets - .end.sum.lost_packets) / .end.sum.seconds'
}
storm() {  # LAN broadcasts of 2000 distinct datagrams as fast as one sender goes: how many cross
  on remote python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("", 5000)); s.settimeout(0.5)
open(sys.argv[1], "w").close(); n = 0
try:
    while True: s.recv(64); n += 1
except socket.timeout: pass
print(n)' "$T/storm.ready" >"$T/storm.out" & local r=$!
  for _ in $(seq 50); do [ -e "$T/storm.ready" ] && break; sleep 0.05; done
  on lan python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for i in range(2000): s.sendto(b"%d" % i, ("192.168.1.255", 5000))'
  wait $r; rm -f "$T/storm.ready"; cat "$T/storm.out"
}

ROUNDS=${BENCH_ROUNDS:-5}
for i in $(seq "$ROUNDS"); do
  for f in off on; do
    filters $f
    echo "$f $(tcp -M 1360) $(tcp) $(udp) $(storm)" >>"$T/results"
  done
done
python3 - "$T/results" "$ROUNDS" "$SECS" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
col = lambda case, i: [float(r[i]) for r in rows if r[0] == case]
med = {c: [statistics.median(col(c, i)) for i in (1, 2, 3, 4)] for c in ("off", "on")}
print(f"{sys.argv[2]} rounds, {sys.argv[3]} s each, medians; ratio = with filters / bare")
print(f"{'case':34} {'TCP-1360 Gbit/s':>15} {'TCP-1460 Gbit/s':>15} {'UDP-64 pkt/s':>13} {'storm crossed':>14}")
for c, name in (("off", "bare bridge (no bdctl table)"), ("on", "bdctl-bridge (table bridge bdctl)")):
    t, t2, u, s = med[c]
    print(f"{name:34} {t:15.2f} {t2:15.2f} {u:13.0f} {int(s):>9}/2000")
r = [med["on"][i] / med["off"][i] for i in range(3)]
print(f"{'ratio':34} {r[0]:15.3f} {r[1]:15.3f} {r[2]:13.3f}")
print("all rounds (case TCP-1360 TCP-1460 UDP storm):"); [print("  " + " ".join(f"{float(x):.6g}" if i else x for i, x in enumerate(r))) for r in rows]
EOF
