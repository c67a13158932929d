#!/bin/bash
# Benchmark bdctl-relay against what a user would otherwise run: curl from a
# shell. A KMTronic web board emulator (8 relays, Basic auth) runs in a
# private network namespace, so nothing touches the host's network.
#   bench/relay.sh [BUILD_BIN_DIR] [ROUNDS]
# Prints median wall time and peak RSS for: status of 8 relays, and a 500 ms
# pulse (with the board's default 350 ms request spacing and with none).
set -u
BIN=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
ROUNDS=${2:-15}
SRC=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (network namespace)"; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
NS=bdbench$$
T=$(mktemp -d /tmp/bdctl-relay-bench.XXXXXX)
cleanup() { [ -n "${SIM:-}" ] && kill "$SIM" 2>/dev/null; ip netns del $NS 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
ip netns add $NS && ip -n $NS link set lo up
export BDCTL_STATE_DIR=$T/state BDCTL_LOCK_DIR=$T/lock BDCTL_LOG_DIR=$T/log BDCTL_CONFIG=$T/bdctl.toml
ip netns exec $NS python3 "$SRC/tests/sim/relay/kmtronic_http.py" --bind 127.0.0.1 --port 8080 --relays 8 \
  --auth admin:pw --ready "$T/ready" >/dev/null 2>&1 &
SIM=$!
for _ in $(seq 100); do [ -e "$T/ready" ] && break; sleep 0.05; done

conf() {  # conf SPACING
  { printf '[boards.lan8]\ndriver = "kmtronic-http"\nurl = "http://127.0.0.1:8080"\nuser = "admin"\npassword = "pw"\nspacing = "%s"\n' "$1"
    for i in 1 2 3 4 5 6 7 8; do printf '[relays.r%d]\nboard = "lan8"\nchannel = %d\nmomentary = true\npulse = "500ms"\n' $i $i; done
  } >"$T/bdctl.toml"; chmod 600 "$T/bdctl.toml"
}
# measure LABEL CMD...: median wall ms and max peak RSS (KiB) over ROUNDS runs.
measure() {
  local label=$1; shift
  : >"$T/times"
  for _ in $(seq "$ROUNDS"); do
    ip netns exec $NS /usr/bin/time -f "%e %M" -o "$T/t1" "$@" >/dev/null 2>&1
    cat "$T/t1" >>"$T/times"
    sleep 0.4  # let the board's request spacing lapse: each round starts cold
  done
  sort -n "$T/times" | awk -v l="$label" '{w[NR]=$1*1000; if ($2>m) m=$2} END {printf "| %-52s | %8.0f | %8d |\n", l, w[int((NR+1)/2)], m}'
}

CURL_STATUS='curl -sf -u admin:pw http://127.0.0.1:8080/status.xml | grep -o "<relay[1-8]>[01]" | tr -d "<relay" | tr ">" " "'
# The same safety steps bdctl-relay takes, by hand: read, on, wait, off, read back, spaced.
CURL_PULSE_SAFE='c() { curl -sf -u admin:pw -o /dev/null "http://127.0.0.1:8080/$1" || [ $? = 22 ]; }
curl -sf -u admin:pw http://127.0.0.1:8080/status.xml | grep -q "<relay1>0"; sleep 0.35
c FF0101; sleep 0.5; c FF0100; sleep 0.35
curl -sf -u admin:pw http://127.0.0.1:8080/status.xml | grep -q "<relay1>0"'
CURL_PULSE_BARE='curl -s -u admin:pw -o /dev/null http://127.0.0.1:8080/FF0101; sleep 0.5; curl -s -u admin:pw -o /dev/null http://127.0.0.1:8080/FF0100'

echo "rounds: $ROUNDS   binary: $(stat -c %s "$BIN/bdctl-relay") bytes (+ libbdctl $(stat -L -c %s "$BIN/../lib/libbdctl.so" 2>/dev/null || echo '?') bytes)"
echo
echo "| operation                                            |  wall ms | peak KiB |"
echo "|------------------------------------------------------|---------:|---------:|"
conf 350ms
measure "bdctl-relay --json status (8 relays)" "$BIN/bdctl-relay" --json status
measure "curl status.xml + grep (8 relays)" sh -c "$CURL_STATUS"
measure "bdctl-relay --json list (no device I/O: start-up cost)" "$BIN/bdctl-relay" --json list
measure "bdctl-relay pulse 500ms (spacing 350ms, read back)" "$BIN/bdctl-relay" --json pulse r1 --for 500ms
measure "curl: read, on, 500ms, off, read (spaced 350ms)" sh -c "$CURL_PULSE_SAFE"
conf 0ms
measure "bdctl-relay pulse 500ms (spacing 0, read back)" "$BIN/bdctl-relay" --json pulse r1 --for 500ms
measure "curl: on, sleep 0.5, off (no read back)" sh -c "$CURL_PULSE_BARE"
