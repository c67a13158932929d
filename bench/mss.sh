#!/usr/bin/env bash
# Benchmark bdctl-mss against what a user would otherwise run, side by side in
# one run (root; every case in its own throwaway network namespace):
#  1. installing the clamp: `bdctl-mss set --mss 1452` vs `nft -f` of the same
#     rule vs the iptables recipe (TCPMSS --set-mss 1452), each in a fresh netns;
#  2. finding the path MTU: `bdctl-mss probe` vs a shell loop of `ping -M do -s`
#     over a client -- router -- server path with a smaller middle link, with
#     and without the router's ICMP "fragmentation needed".
# Usage: bench/mss.sh [BUILD_DIR] [ROUNDS]     (default build-mss, 20 rounds)
set -eu
BUILD=${1:-$(cd "$(dirname "$0")/.." && pwd)/build-mss}
ROUNDS=${2:-20}
BIN=$BUILD/bin/bdctl-mss
[ -x "$BIN" ] || { echo "no $BIN: build bdctl-mss first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
TMP=$(mktemp -d /tmp/bdctl-bench-mss.XXXXXX)
P="bdb$$"
NSS=()
cleanup() {
  local n
  for n in "${NSS[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del "$n" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
export BDCTL_STATE_DIR=$TMP/state BDCTL_LOCK_DIR=$TMP/lock
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ms() { awk -v n="$1" 'BEGIN {printf "%.2f", n/1e6}'; }

# --- 1. install the clamp ------------------------------------------------------------
"$BIN" show --mss 1452 --text >"$TMP/clamp.nft"
IPT=$(iptables -V)
run_case() {  # run_case NAME CMD...: one fresh namespace per round, time CMD only
  local name=$1 i ns t0 t1; shift
  : >"$TMP/$name.times"
  for i in $(seq "$ROUNDS"); do
    ns=$P$name$i; ip netns add "$ns"; NSS+=("$ns")
    t0=$(now); ip netns exec "$ns" "$@" >/dev/null; t1=$(now)
    echo $((t1 - t0)) >>"$TMP/$name.times"
    ip netns exec "$ns" nft list ruleset >"$TMP/$name.ruleset"
    ip netns del "$ns"
  done
  ns=$P${name}rss; ip netns add "$ns"; NSS+=("$ns")
  ip netns exec "$ns" /usr/bin/time -v "$@" 2>"$TMP/$name.time" >/dev/null
  ip netns del "$ns"
  printf '| %s | %s | %s |\n' "$name" "$(ms "$(median <"$TMP/$name.times")")" \
    "$(awk -F': ' '/Maximum resident/ {print $2}' "$TMP/$name.time")"
}
# `ip netns exec` itself costs time; measure it to subtract mentally.
echo "## Installing the clamp (fresh namespace each round, $ROUNDS rounds, median)"
echo
echo "| command | wall ms | peak RSS KiB |"
echo "|---|---|---|"
run_case true true
run_case bdctl-mss-set "$BIN" set --mss 1452 --json
run_case nft-f nft -f "$TMP/clamp.nft"
run_case iptables iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1452
echo
echo "(\`true\` is the cost of \`ip netns exec\` alone; iptables is \`$IPT\`.)"
cmp -s "$TMP/bdctl-mss-set.ruleset" "$TMP/nft-f.ruleset" && echo "bdctl-mss set and nft -f leave identical rulesets."
echo

# Idempotent re-run: the clamp already in place.
ns=${P}again; ip netns add "$ns"; NSS+=("$ns")
ip netns exec "$ns" "$BIN" set --mss 1452 >/dev/null
: >"$TMP/again.times"
for i in $(seq "$ROUNDS"); do t0=$(now); ip netns exec "$ns" "$BIN" set --mss 1452 >/dev/null; t1=$(now); echo $((t1 - t0)) >>"$TMP/again.times"; done
echo "Re-running \`bdctl-mss set\` with the clamp in place (sends nothing): $(ms "$(median <"$TMP/again.times")") ms median."
ip netns del "$ns"
echo
echo "Binary size: bdctl-mss $(stat -c %s "$BIN") bytes, libbdctl $(stat -L -c %s "$BUILD/lib/libbdctl.so") bytes (unstripped)."
echo

# --- 2. path MTU ---------------------------------------------------------------------
path() {  # path MTU: client -- router -- server, router-server link at MTU
  for n in c r s; do ip netns add "$P$n"; NSS+=("$P$n"); ip -n "$P$n" link set lo up; done
  ip link add eth0 netns "${P}c" type veth peer name c0 netns "${P}r"
  ip link add s0 netns "${P}r" type veth peer name eth0 netns "${P}s"
  ip -n "${P}c" link set eth0 up; ip -n "${P}r" link set c0 up; ip -n "${P}r" link set s0 up; ip -n "${P}s" link set eth0 up
  ip -n "${P}r" link set s0 mtu "$1"; ip -n "${P}s" link set eth0 mtu "$1"
  ip -n "${P}c" addr add 10.0.1.2/24 dev eth0; ip -n "${P}c" route add default via 10.0.1.1
  ip -n "${P}r" addr add 10.0.1.1/24 dev c0; ip -n "${P}r" addr add 10.0.2.1/24 dev s0
  ip -n "${P}s" addr add 10.0.2.2/24 dev eth0; ip -n "${P}s" route add default via 10.0.2.1
  ip netns exec "${P}r" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "${P}c" ping -c1 -W2 10.0.2.2 >/dev/null
}
unpath() { for n in c r s; do ip netns del "$P$n"; done; }
blackhole() {
  ip netns exec "${P}r" nft add table inet bh
  ip netns exec "${P}r" nft add chain inet bh out '{ type filter hook output priority 0; }'
  ip netns exec "${P}r" nft add rule inet bh out icmp type destination-unreachable drop
}
# The loop a user types: payload sizes down from 1472 (1500-28) until one gets through.
ping_loop() {
  local s
  for s in $(seq 1472 -1 548); do
    ip netns exec "${P}c" ping -q -c1 -W1 -M do -s "$s" 10.0.2.2 >/dev/null 2>&1 && { echo $((s + 28)); return; }
  done
}
probe_once() { ip netns exec "${P}c" ip route flush cache; ip netns exec "${P}c" "$BIN" probe -4 --wait 1s 10.0.2.2 --json; }
bench_path() {  # bench_path LABEL MTU [blackhole]
  local t0 t1 a b out loop_mtu
  path "$2"; [ "${3:-}" = blackhole ] && blackhole
  ip netns exec "${P}c" ip route flush cache
  t0=$(now); out=$(probe_once); t1=$(now); a=$((t1 - t0))
  ip netns exec "${P}c" ip route flush cache
  t0=$(now); loop_mtu=$(ping_loop); t1=$(now); b=$((t1 - t0))
  local pm pr
  pm=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["path_mtu"])' <<<"$out")
  pr=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["probes"])' <<<"$out")
  local pings=$(( 1472 + 28 - loop_mtu + 1 ))
  printf '| %s | %s (%s probes) | %s | %s (%s pings) | %s | %s |\n' "$1" "$pm" "$pr" "$(ms $a)" "$loop_mtu" "$pings" "$(ms $b)" \
    "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.1fx", b/a}')"
  unpath
}
echo "## Path MTU to converge (client -- router -- server, one run each, 1 s wait per probe)"
echo
echo "| middle link | bdctl-mss probe finds | ms | ping -M do loop finds | ms | loop / probe |"
echo "|---|---|---|---|---|---|"
bench_path "1492, ICMP answered" 1492
bench_path "1400, ICMP answered" 1400
bench_path "1492, ICMP black hole" 1492 blackhole
