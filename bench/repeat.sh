#!/usr/bin/env bash
# bdctl-repeat against what a user would otherwise run, side by side in one
# run: socat relaying one port (`socat -u UDP4-RECV:4992,... UDP4-DATAGRAM:
# <zt broadcast>:4992,...`, which loses the asker's address), and, as the
# floor, the kernel routing a unicast the same way (no relay at all).
#   lan 192.168.1.10 --eth0-- pi --zt0-- remote 10.147.20.5
# Per relay: one-way latency over 2000 datagrams 1 ms apart (median, p99;
# "added" is over the routed floor), CPU per 1000 datagrams over 20000 sent
# at 4000/s, private memory (Private_Dirty) at rest, and wake-ups a minute
# (voluntary context switches) idle for BENCH_IDLE_SECONDS (default 60).
# Usage: bench/repeat.sh [BIN_DIR]   (root; default build/test/bin; needs socat)
set -u
BIN=${1:-$(dirname "$0")/../build/test/bin}
BIN=$(cd "$BIN" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
PROBE="$HERE/repeat-probe.py"
P="bdrep$$"
. "$HERE/three-ns-common.sh"
ip -n ${P}lan addr add 192.168.1.10/24 dev eth0
ip -n ${P}lan route add default via 192.168.1.201
ip -n ${P}pi addr add 192.168.1.201/24 dev eth0
ip -n ${P}pi addr add 10.147.20.1/24 dev zt0
ip -n ${P}remote addr add 10.147.20.5/24 dev zt0
ip -n ${P}remote route add default via 10.147.20.1
on pi sysctl -qw net.ipv4.ip_forward=1
export BDCTL_RUN_DIR=$T/run BDCTL_LOCK_DIR=$T/lock BDCTL_STATE_DIR=$T/state BDCTL_CONFIG=$T/bdctl.toml
cat >"$T/bdctl.toml" <<'TOML'
[site]
lan_interface = "eth0"
zerotier_interface = "zt0"
[repeat.bench]
port = 4992
rate = "100000/second"
TOML

cpu_ms() { awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' /proc/$1/stat; }
private_kib() { awk '/^Private_Dirty/ {s += $2} END {print s}' /proc/$1/smaps_rollup; }
start_recv() {  # start_recv NAME
  rm -f "$T/ready"
  # Not through on(): a function in the background is a subshell, and $! its pid.
  ip netns exec ${P}remote python3 "$PROBE" recv 4992 "$T/$1.lat" "$T/ready" & PIDS+=($!)
  for _ in $(seq 100); do [ -e "$T/ready" ] && break; sleep 0.05; done
}
stop_last() { kill "${PIDS[-1]}" 2>/dev/null; wait "${PIDS[-1]}" 2>/dev/null; unset 'PIDS[-1]'; }
stats() {  # stats FILE: median p99 count
  python3 -c '
import sys
v = sorted(int(l) for l in open(sys.argv[1]) if l.strip())
print(*(v[min(len(v) - 1, int(len(v) * q))] for q in (0.5, 0.99)), len(v)) if v else print("- - 0")' "$1"
}

# The floor: the kernel forwards a unicast from the LAN to the remote side.
start_recv routed
on lan python3 "$PROBE" send 10.147.20.5 4992 2000 1000
sleep 0.5; stop_last
read -r floor_med floor_p99 floor_n < <(stats "$T/routed.lat")

IDLE=${BENCH_IDLE_SECONDS:-60}
IDLE_LINES=()
switches() { awk '/^voluntary_ctxt_switches/ {print $2}' /proc/$1/status; }
measure() {  # measure NAME PID DST
  local name=$1 pid=$2 dst=$3
  sleep 1
  local w0; w0=$(switches "$pid"); sleep "$IDLE"
  IDLE_LINES+=("$(printf '%-34s %6.1f wake-ups a minute, idle' "$name" "$(awk -v a="$w0" -v b="$(switches "$pid")" -v s="$IDLE" 'BEGIN {print (b - a) * 60 / s}')")")
  local mem; mem=$(private_kib "$pid")
  start_recv "$name"
  on lan python3 "$PROBE" send "$dst" 4992 2000 1000
  sleep 0.5; stop_last
  read -r med p99 n < <(stats "$T/$name.lat")
  start_recv "$name-load"
  local c0; c0=$(cpu_ms "$pid")
  on lan python3 "$PROBE" send "$dst" 4992 20000 250
  sleep 0.5
  local c1; c1=$(cpu_ms "$pid")
  stop_last
  local got; got=$(wc -l <"$T/$name-load.lat")
  printf '%-34s %8s %8s %8s %9s %12s %10s\n' "$name" "$med" "$p99" "$((med - floor_med))" "$n/2000" \
    "$(awk -v c="$((${c1%.*} - ${c0%.*}))" -v g="$got" 'BEGIN {printf "%.1f", g ? c * 1000 / g : 0}')" "$mem"
}

echo "one-way latency in µs (2000 datagrams, 1 ms apart); CPU ms per 1000 datagrams (20000 at 4000/s);"
echo "private dirty memory of the relay at rest, KiB. Floor: the kernel routing a unicast, no relay:"
printf '%-34s %8s %8s %8s %9s\n' "routed unicast (floor)" "$floor_med" "$floor_p99" 0 "$floor_n/2000"
printf '%-34s %8s %8s %8s %9s %12s %10s\n' relay median p99 added received "cpu/1000" private

ip netns exec ${P}pi env WATCHDOG_USEC=60000000 "$BIN/bdctl-repeat" run >/dev/null 2>"$T/repeat.err" & PIDS+=($!)
rpid=${PIDS[-1]}
for _ in $(seq 100); do on pi "$BIN/bdctl-repeat" status >/dev/null 2>&1 && break; sleep 0.05; done
measure "bdctl-repeat (source kept)" "$rpid" 255.255.255.255
kill "$rpid"; wait "$rpid" 2>/dev/null

ip netns exec ${P}pi socat -u UDP4-RECV:4992,so-bindtodevice=eth0,reuseaddr \
  UDP4-DATAGRAM:10.147.20.255:4992,broadcast,so-bindtodevice=zt0 & PIDS+=($!)
measure "socat UDP4-RECV (source lost)" "${PIDS[-1]}" 255.255.255.255
printf '%s\n' "${IDLE_LINES[@]}"
echo "size of bdctl-repeat: $(stat -c %s "$BIN/bdctl-repeat") bytes, libbdctl $(stat -L -c %s "$(ls "$BIN"/../lib/libbdctl.so.* | head -1)") bytes"
