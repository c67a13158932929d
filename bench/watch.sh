#!/bin/bash
# bdctl-watch's cost and reaction, in throwaway network namespaces (root;
# needs /usr/bin/time, python3, curl, ping, nc, dbus-daemon, the stand-in
# manager tests/sim/systemd built):
#  A. idle: `bdctl-watch run` watching an all-up site (ZeroTier emulator,
#     a hotspot gateway, two internet targets) at the default 30 s interval
#     with WatchdogSec=60 for BENCH_WATCH_SECONDS (default 600), against the
#     shell loop users write instead (the ZeroTier API's /status with curl,
#     ping to the gateway, nc to a target, every 30 s). CPU is user+sys of the
#     whole process tree (GNU time -v: every thread and waited-for child),
#     wake-ups are voluntary context switches (each is a sleep that ended),
#     memory is Private_Dirty from /proc/PID/smaps_rollup once a second for
#     32 s from the middle on: the least (at rest) and the most (a round).
#  B. reaction: ZeroTier set OFFLINE, interval 5s, zerotier_down_for 10s,
#     BENCH_WATCH_TRIALS times (default 3): the time from the failure to
#     the RestartUnit call, and from the threshold (first failed probe plus
#     zerotier_down_for) to the action (goal: within one interval).
# Usage: bench/watch.sh [BUILD_DIR]
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
BIN=$BUILD/bin
SIM_SYSTEMD=${BDCTL_SIM_SYSTEMD:-$BUILD/tests/sim/systemd1}
SECONDS_IDLE=${BENCH_WATCH_SECONDS:-600}
[ "$SECONDS_IDLE" -ge 64 ] || { echo "BENCH_WATCH_SECONDS: at least 64"; exit 1; }
TRIALS=${BENCH_WATCH_TRIALS:-3}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
[ -x "$BIN/bdctl-watch" ] || { echo "no $BIN/bdctl-watch"; exit 1; }
[ -x "$SIM_SYSTEMD" ] || { echo "no stand-in manager at $SIM_SYSTEMD"; exit 1; }
for c in /usr/bin/time python3 curl ping nc dbus-daemon; do command -v $c >/dev/null || { echo "needs $c"; exit 1; }; done
. "$SRC/bench/site-common.sh"
export BDCTL_STATE_DIR=$T/state BDCTL_LOCK_DIR=$T/lock BDCTL_LOG_DIR=$T/log BDCTL_CONFIG=$T/bdctl.toml \
  BDCTL_SYSCTL_DIR=$T/sysctl.d ZEROTIER_HOME=$T/zt
lan_listener 443
zt_emulator
# A private system bus with the stand-in manager; restarting zerotier-one brings the emulator back.
dbus-daemon --session --address="unix:path=$T/bus" --nofork --nopidfile & PIDS+=($!)
for i in $(seq 100); do [ -S "$T/bus" ] && break; sleep 0.05; done
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus"
mkdir "$T/hooks"
printf '#!/bin/sh\necho ok-route >%q\n' "$T/zt/control" >"$T/hooks/zerotier-one.service"
chmod +x "$T/hooks/zerotier-one.service"
ip netns exec ${P}pi "$SIM_SYSTEMD" "$T/sd.ready" "$T/sd.log" "$T/hooks" &
PIDS+=($!)
for i in $(seq 100); do [ -e "$T/sd.ready" ] && break; sleep 0.05; done
pi "$BIN/bdctl-route" up --zt zt327pdwre --lan eth0 --no-confirm --json >/dev/null || { echo "route up failed"; exit 1; }

conf() {  # conf INTERVAL ZT_DOWN_FOR
  cat >"$T/bdctl.toml" <<TOML
[watch]
interval = "$1"
boot_grace = "0s"
settle = "30s"
zerotier_down_for = "$2"
internet_targets = ["192.168.1.1:443", "icmp:192.168.1.1"]
TOML
}
# rusage FILE: "cpu_ms vol_cs invol_cs maxrss_kib" from GNU time -v's report
rusage() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Voluntary context/ {v=$2} /Involuntary context/ {iv=$2}
  /Maximum resident/ {m=$2} END {printf "%.0f %d %d %d\n", (u+s)*1000, v, iv, m}' "$1"; }
private_dirty() { awk '/^Private_Dirty/ {print $2}' "/proc/$1/smaps_rollup"; }
# idle LABEL CMD...: run CMD for SECONDS_IDLE under time -v; one table row
idle() {
  local label=$1; shift
  ip netns exec ${P}pi /usr/bin/time -v -o "$T/time.txt" "$@" >"$T/idle.out" 2>&1 &
  local tpid=$! child="" i
  for i in $(seq 100); do child=$(pgrep -P $tpid | head -1); [ -n "$child" ] && break; sleep 0.05; done
  # Private_Dirty once a second through one whole round, from the middle on:
  # the least is the daemon at rest, the most during a round (threads live).
  sleep $((SECONDS_IDLE / 2 - 16))
  local pd="" n
  for n in $(seq 32); do pd+="$(private_dirty "$child") "; sleep 1; done
  pd=$(echo $pd | tr ' ' '\n' | sort -n | sed -n '1p;$p' | paste -sd/)
  sleep $((SECONDS_IDLE - SECONDS_IDLE / 2 - 16))
  kill -TERM "$child"; wait $tpid
  read -r cpu vol invol rss < <(rusage "$T/time.txt")
  awk -v l="$label" -v c="$cpu" -v v="$vol" -v iv="$invol" -v pd="$pd" -v r="$rss" -v s="$SECONDS_IDLE" 'BEGIN {
    printf "| %-44s | %7.3f%% | %9.1f | %9.1f | %13s | %8d |\n", l, c / (s * 10), v * 60 / s, iv * 60 / s, pd, r }'
}

echo "bdctl-watch benchmark, $(date -u +%F), $(nproc) CPU $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg), $BUILD"
echo "binary: $(stat -c %s "$BIN/bdctl-watch") bytes (+ libbdctl $(stat -c %s "$(readlink -f "$(ldd "$BIN/bdctl-watch" | awk '/libbdctl/ {print $3}')")") bytes)"
echo
echo "A. idle, all up, interval 30s, WatchdogSec=60, ${SECONDS_IDLE}s each"
echo "| watcher                                      |  CPU/core | wake-ups/min | involuntary/min | priv dirty KiB rest/round | peak KiB |"
echo "|----------------------------------------------|----------:|----------:|----------:|--------------:|---------:|"
conf 30s 5m
cat >"$T/notify.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
while True: s.recv(4096)
PY
python3 "$T/notify.py" "$T/notify" & PIDS+=($!)
for i in $(seq 100); do [ -S "$T/notify" ] && break; sleep 0.05; done
# As bdctl-watch.service runs it (MALLOC_ARENA_MAX=1), and with glibc's default arenas.
idle "bdctl-watch run (as the unit: MALLOC_ARENA_MAX=1)" env MALLOC_ARENA_MAX=1 \
  NOTIFY_SOCKET="$T/notify" WATCHDOG_USEC=60000000 "$BIN/bdctl-watch" run
idle "bdctl-watch run, glibc's default arenas" env NOTIFY_SOCKET="$T/notify" WATCHDOG_USEC=60000000 \
  "$BIN/bdctl-watch" run
rounds=$(grep -c '"event":"probe' "$BDCTL_LOG_DIR/watch-audit.log" 2>/dev/null || true)
cat >"$T/loop.sh" <<'SH'
# the watchdog script users put in cron or a loop: is ZeroTier ONLINE, does the gateway answer, the internet?
trap 'exit 0' TERM
while :; do
  curl -s -m 2 -H "X-ZT1-Auth: $TOKEN" "$URL" | grep -q '"online": *true' || echo "zerotier down"
  ping -c1 -W1 -q 192.168.1.1 >/dev/null || echo "gateway down"
  nc -z -w1 192.168.1.1 443 || echo "internet down"
  sleep 30 & wait $!
done
SH
idle "shell loop: curl /status, ping, nc (30 s)" env TOKEN="$TOKEN" URL="$URL" bash "$T/loop.sh"

echo
echo "B. reaction: ZeroTier OFFLINE, interval 5s, zerotier_down_for 10s, $TRIALS trials"
conf 5s 10s
ms() { python3 -c 'import datetime,sys; print(int(datetime.datetime.fromisoformat(sys.argv[1].replace("Z","+00:00")).timestamp()*1000))' "$1"; }
for trial in $(seq "$TRIALS"); do
  rm -rf "$BDCTL_STATE_DIR/watch" "$BDCTL_LOG_DIR/watch-audit.log"
  echo ok-route >"$T/zt/control"
  ip netns exec ${P}pi env NOTIFY_SOCKET="$T/notify" WATCHDOG_USEC=60000000 "$BIN/bdctl-watch" run >"$T/run.out" 2>&1 &
  d=$!
  sleep 7  # a round or two all up
  fail_ms=$(date +%s%3N)
  echo offline >"$T/zt/control"
  before=$(grep -c '^RestartUnit' "$T/sd.log" || true)
  for i in $(seq 400); do [ "$(grep -c '^RestartUnit' "$T/sd.log")" -gt "$before" ] && break; sleep 0.05; done
  kill -TERM $d; wait $d 2>/dev/null
  down_ts=$(grep '"event":"layer","layer":"zerotier","health":"down"' "$BDCTL_LOG_DIR/watch-audit.log" | head -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["ts"])')
  act_ts=$(grep '"event":"action","action":"restart-zerotier"' "$BDCTL_LOG_DIR/watch-audit.log" | head -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["ts"])')
  down=$(ms "$down_ts"); act=$(ms "$act_ts")
  echo "trial $trial: failure -> first failed probe $((down - fail_ms)) ms, failure -> RestartUnit $((act - fail_ms)) ms, threshold -> action $((act - down - 10000)) ms (interval 5000 ms)"
done
