#!/bin/bash
# bdctl-check versus what a user would otherwise run, on 200 LAN targets of
# which 50 are blackholed (silently dropped), 1 s timeout each:
#   1. bdctl-check --only lan (one poll loop over all targets)
#   2. the shell loop users write: nc -z -w1 per target
#   3. a sequential prober (zerotier-cli style: one target after the other), python3
#   4. bdctl-check's default checks (ZeroTier via the API emulator, forwarding, uplink, plan)
# Reports wall time, CPU time (user+sys) and peak RSS (GNU time -v). Runs in
# throwaway network namespaces; needs root. Usage: bench/check.sh [BUILD_DIR]
set -u
BUILD=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=$BUILD/bin
[ -x "$BIN/bdctl-check" ] || { echo "no $BIN/bdctl-check"; exit 1; }
[ -x /usr/bin/time ] || { echo "install package 'time'"; exit 1; }
P="bdbench$$"
T=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; ip netns del ${P}pi 2>/dev/null; ip netns del ${P}lan 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
ip netns add ${P}pi; ip netns add ${P}lan
ip -n ${P}pi link set lo up; ip -n ${P}lan link set lo up
ip link add eth0 netns ${P}pi type veth peer name eth0 netns ${P}lan
ip -n ${P}pi addr add 192.168.1.201/16 dev eth0; ip -n ${P}pi link set eth0 up
ip -n ${P}lan addr add 192.168.1.1/16 dev eth0; ip -n ${P}lan link set eth0 up
ip -n ${P}pi route add default via 192.168.1.1
# 150 live targets: addresses on the LAN host, one listener on port 80 for all.
for i in $(seq 1 150); do ip -n ${P}lan addr add 192.168.2.$i/16 dev eth0; done
# 50 blackholed: they exist (ARP answers) but every packet to them is dropped.
for i in $(seq 151 200); do ip -n ${P}lan addr add 192.168.2.$i/16 dev eth0; done
ip netns exec ${P}lan nft 'add table ip bh; add chain ip bh in { type filter hook input priority 0; policy accept; }; add rule ip bh in ip daddr 192.168.2.151-192.168.2.200 drop'
ip netns exec ${P}lan python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(1024)
while True:
    c, _ = s.accept(); c.close()' & PIDS+=($!)
mkdir -p "$T/zt"
echo ok-route >"$T/zt/control"
ip netns exec ${P}pi python3 "$SRC/tests/sim/zerotier/ztemu.py" --home "$T/zt" --control "$T/zt/control" >/dev/null & PIDS+=($!)
sleep 1
# Warm ARP so every tool sees the same neighbour table.
ip netns exec ${P}pi ping -c1 -W1 192.168.1.1 >/dev/null
for i in $(seq 1 200); do echo "192.168.2.$i"; done >"$T/hosts"
args=(); for i in $(seq 1 200); do args+=(--target "t$i=192.168.2.$i:80"); done

measure() {  # measure LABEL CMD...: one run, GNU time -v figures
  local label=$1; shift
  ip netns exec ${P}pi /usr/bin/time -v "$@" >"$T/out" 2>"$T/time"
  local wall user sys rss
  wall=$(grep 'Elapsed (wall' "$T/time" | awk '{print $NF}')
  user=$(grep 'User time' "$T/time" | awk '{print $NF}')
  sys=$(grep 'System time' "$T/time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$T/time" | awk '{print $NF}')
  printf '%-44s wall %8s  cpu %6.2fs  peak RSS %6d KB\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$rss"
}

echo "200 targets, 50 blackholed, timeout 1 s ($(nproc) CPU, $(uname -m))"
measure "bdctl-check --only lan" "$BIN/bdctl-check" --json --only lan --timeout 1s "${args[@]}"
ok=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(c["status"]=="ok" for c in d["checks"]))' "$T/out")
echo "    ($ok of 200 ok, 150 expected)"
measure "shell loop: nc -z -w1 per target" bash -c 'while read h; do nc -z -w1 "$h" 80 && echo up || echo down; done <"$1"' _ "$T/hosts"
echo "    ($(grep -c up "$T/out") of 200 up)"
measure "sequential prober (python3, 1 s each)" python3 -c '
import socket, sys
up = 0
for h in open(sys.argv[1]).read().split():
    try:
        socket.create_connection((h, 80), timeout=1).close(); up += 1
    except OSError:
        pass
print(up)' "$T/hosts"
echo "    ($(cat "$T/out") of 200 up)"
measure "bdctl-check default checks (no targets)" "$BIN/bdctl-check" --json --zt-home "$T/zt" --timeout 1s
measure "bdctl-check default checks --skip plan" "$BIN/bdctl-check" --json --zt-home "$T/zt" --timeout 1s --skip plan
measure "curl /status (what zerotier-cli info does)" curl -s -H "X-ZT1-Auth: $(cat "$T/zt/authtoken.secret")" "http://127.0.0.1:$(cat "$T/zt/zerotier-one.port")/status"
echo "binary: $(stat -c %s "$BIN/bdctl-check") bytes; libbdctl: $(stat -L -c %s "$BUILD"/lib/libbdctl.so) bytes; --help alone: $(/usr/bin/time -f %M "$BIN/bdctl-check" --help 2>&1 >/dev/null) KB peak RSS"
