#!/usr/bin/env bash
# The same cases as bench/route.sh, counted in user-space instructions with
# callgrind instead of timed. Wall time on a shared VM moves by more than the
# differences being measured (nft -f's median went from 6.6 to 10.6 ms between
# runs of one afternoon); an instruction count is the same on every run, and
# on an in-order CPU like the Pi 3's Cortex-A53 it tracks start-up time.
# Kernel work (the nftables commit itself) is not counted: it is the same
# batch for bdctl-route and nft -f.
# Usage: bench/route-instructions.sh [BUILD_BIN_DIR]   (root)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/bench/bin}
command -v valgrind >/dev/null || { echo "bench: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[ -x "$bin/bdctl-route" ] || { echo "bench: no $bin/bdctl-route (build it, or run bench/route.sh once)" >&2; exit 1; }
. bench/route-common.sh

count() {  # count LABEL KEEP_FILES COMMAND...: instructions of the command and its children
  local label=$1 keep=$2 total
  shift 2
  export BDCTL_STATE_DIR=$tmp/state.$label BDCTL_SYSCTL_DIR=$tmp/sysctl.$label
  [ "$keep" = 1 ] || rm -rf "$BDCTL_STATE_DIR" "$BDCTL_SYSCTL_DIR"
  fresh
  rm -f "$tmp"/cg.*
  ip netns exec "$ns" valgrind -q --tool=callgrind --trace-children=yes --callgrind-out-file="$tmp/cg.%p" "$@" \
    >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
  total=$(cat "$tmp"/cg.* | awk '/^totals:/ {s += $2} END {print s}')
  printf '%-44s %12d\n' "$label" "$total"
}

printf '%-44s %12s\n' "command (fresh netns, user-space instructions)" "instructions"
up=(up --zt zt0 --lan eth0 --json)
count "bdctl-route up, first run" 0 "$bin/bdctl-route" "${up[@]}"
count "bdctl-route up, re-apply at boot" 1 "$bin/bdctl-route" "${up[@]}"
count "nft -f (same ruleset)" 0 nft -f "$tmp/ruleset.nft"
count "recipe: sysctl + 3x iptables-nft" 0 bash "$tmp/recipe.sh"
count "floor: C program doing nothing" 0 "$tmp/floor-c"
count "floor: C++ program, std::string only" 0 "$tmp/floor-cxx"
