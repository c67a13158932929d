#!/usr/bin/env bash
# bdctl-route up, side by side with what a user would otherwise run, each in a
# fresh network namespace: `nft -f` of the same ruleset, and the ZeroTier
# guide's recipe (sysctl + three iptables-nft commands).
# Usage: bench/route.sh [BUILD_BIN_DIR] [RUNS]   (root; default build/bench/bin, 30)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/bench/bin}
runs=${2:-30}
if [ ! -x "$bin/bdctl-route" ]; then
  scripts/install-deps
  cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/bench -j"$(nproc)" --target bdctl-route >/dev/null
  bin=build/bench/bin
fi
command -v iptables-nft >/dev/null || { echo "bench: needs iptables (apt-get install iptables)" >&2; exit 1; }

tmp=$(mktemp -d)
ns=bdbench$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
export BDCTL_STATE_DIR=$tmp/state BDCTL_SYSCTL_DIR=$tmp/sysctl.d BDCTL_LOCK_DIR=$tmp/lock BDCTL_CONFIG=$tmp/none

fresh() {
  ip netns del "$ns" 2>/dev/null || true
  ip netns add "$ns"
  ip -n "$ns" link add zt0 type veth peer name eth0
  ip -n "$ns" link set zt0 up; ip -n "$ns" link set eth0 up
}

"$bin/bdctl-route" show --zt zt0 --lan eth0 --allow-missing --text | grep -v '^#' >"$tmp/ruleset.nft"
cat >"$tmp/recipe.sh" <<'SH'
sysctl -qw net.ipv4.ip_forward=1
iptables-nft -t nat -A POSTROUTING -o eth0 -j MASQUERADE
iptables-nft -A FORWARD -i eth0 -o zt0 -m state --state RELATED,ESTABLISHED -j ACCEPT
iptables-nft -A FORWARD -i zt0 -o eth0 -j ACCEPT
SH

# measure NAME CMD...: median and max wall time (ms) and peak RSS (KB) over $runs fresh namespaces.
# KEEP=1 keeps bdctl's state file and sysctl.d drop-in between runs: a
# re-apply as at boot (rules gone with the old namespace, the files in place).
measure() {
  local name=$1; shift
  local i t0 t1 walls=() rss=0 r
  for ((i = 0; i < runs; i++)); do
    fresh
    [ "${KEEP:-0}" = 1 ] || rm -rf "$tmp/state" "$tmp/sysctl.d"
    t0=$(date +%s%N)
    /usr/bin/time -f %M -o "$tmp/rss" ip netns exec "$ns" "$@" >/dev/null
    t1=$(date +%s%N)
    walls+=($(( (t1 - t0) / 1000 )))
    r=$(tail -n1 "$tmp/rss"); [ "$r" -gt "$rss" ] && rss=$r
  done
  local sorted=($(printf '%s\n' "${walls[@]}" | sort -n))
  local med=${sorted[$((runs / 2))]}
  printf '%-34s %8.2f ms %8.2f ms %8d KB\n' "$name" "$(echo "$med/1000" | bc -l)" \
    "$(echo "${sorted[$((runs - 1))]}/1000" | bc -l)" "$rss"
  echo "$med" >"$tmp/med.$name"
}

printf '%-34s %11s %11s %11s\n' "command ($runs runs, fresh netns each)" "median" "max" "peak RSS"
measure "bdctl-route up (rules+sysctl+persist)" "$bin/bdctl-route" up --zt zt0 --lan eth0 --json
KEEP=1 measure "bdctl-route up, re-apply at boot" "$bin/bdctl-route" up --zt zt0 --lan eth0 --json
measure "bdctl-route up --no-persist" "$bin/bdctl-route" up --zt zt0 --lan eth0 --no-persist --json
measure "bdctl-route up --dry-run (rules only)" "$bin/bdctl-route" up --zt zt0 --lan eth0 --dry-run --json
measure "nft -f (same ruleset, rules only)" nft -f "$tmp/ruleset.nft"
measure "recipe: sysctl + 3x iptables-nft" bash "$tmp/recipe.sh"
b=$(cat "$tmp/med.bdctl-route up (rules+sysctl+persist)"); n=$(cat "$tmp/med.nft"*); r=$(cat "$tmp/med.recipe"*)
printf 'ratios (median): nft -f / bdctl-route = %.2f, recipe / bdctl-route = %.2f\n' \
  "$(echo "$n/$b" | bc -l)" "$(echo "$r/$b" | bc -l)"
k=$(cat "$tmp/med.bdctl-route up, re-apply at boot")
printf 'ratios (median), re-apply: nft -f / bdctl-route = %.2f, recipe / bdctl-route = %.2f\n' \
  "$(echo "$n/$k" | bc -l)" "$(echo "$r/$k" | bc -l)"
echo "note: every figure includes 'ip netns exec' (the same for all three)"
