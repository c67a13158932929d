#!/usr/bin/env bash
# bdctl-route up, side by side with what a user would otherwise run, each in a
# fresh network namespace: `nft -f` of the same ruleset, and the ZeroTier
# guide's recipe (sysctl + three iptables-nft commands).
# Usage: bench/route.sh [BUILD_BIN_DIR] [RUNS]   (root; default build/bench/bin, 30)
# On a busy machine run it as `chrt -f 50 bench/route.sh` so other work does not
# preempt the runs (all cases alike either way: they run round-robin).
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
. bench/route-common.sh

# The cases run round-robin, each in a fresh namespace, so that load from
# anything else on the machine falls on all of them alike. Each case has its
# own state and drop-in directories; "re-apply" keeps them between its runs:
# bdctl-route up as at boot (rules gone with the old namespace, files in place).
names=(); keeps=(); cmds=()
add() { names+=("$1"); keeps+=("$2"); shift 2; cmds+=("$(printf '%q ' "$@")"); }
add "bdctl-route up, first run" 0 "$bin/bdctl-route" up --zt zt0 --lan eth0 --json
add "bdctl-route up, re-apply at boot" 1 "$bin/bdctl-route" up --zt zt0 --lan eth0 --json
add "bdctl-route up --no-persist" 0 "$bin/bdctl-route" up --zt zt0 --lan eth0 --no-persist --json
add "bdctl-route up --dry-run (rules only)" 0 "$bin/bdctl-route" up --zt zt0 --lan eth0 --dry-run --json
add "nft -f (same ruleset, rules only)" 0 nft -f "$tmp/ruleset.nft"
add "recipe: sysctl + 3x iptables-nft" 0 bash "$tmp/recipe.sh"
add "baseline: ip netns exec true" 0 true
add "floor: C program doing nothing" 0 "$tmp/floor-c"
add "floor: C++ program, std::string only" 0 "$tmp/floor-cxx"
n=${#names[@]}

run_case() {  # run_case INDEX: one timed run in a fresh namespace
  local c=$1 t0 t1
  export BDCTL_STATE_DIR=$tmp/state.$c BDCTL_SYSCTL_DIR=$tmp/sysctl.$c
  fresh
  [ "${keeps[$c]}" = 1 ] || rm -rf "$BDCTL_STATE_DIR" "$BDCTL_SYSCTL_DIR"
  t0=$(date +%s%N)
  eval "/usr/bin/time -f %M -o $tmp/rss ip netns exec $ns ${cmds[$c]}" >/dev/null
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000)) >>"$tmp/wall.$c"
  tail -n1 "$tmp/rss" >>"$tmp/rss.$c"
}

for ((c = 0; c < n; c++)); do [ "${keeps[$c]}" = 1 ] && { run_case "$c"; rm -f "$tmp/wall.$c" "$tmp/rss.$c"; }; done
for ((i = 0; i < runs; i++)); do
  for ((k = 0; k < n; k++)); do run_case $(((i + k) % n)); done
done

printf '%-40s %11s %11s %11s\n' "command ($runs runs each, round-robin, fresh netns)" "median" "max" "peak RSS"
for ((c = 0; c < n; c++)); do
  sorted=($(sort -n "$tmp/wall.$c"))
  med[$c]=${sorted[$((runs / 2))]}
  printf '%-40s %8.2f ms %8.2f ms %8d KB\n' "${names[$c]}" "$(echo "${med[$c]}/1000" | bc -l)" \
    "$(echo "${sorted[$((runs - 1))]}/1000" | bc -l)" "$(sort -n "$tmp/rss.$c" | tail -n1)"
done
cases=(0 1)
[ "$n" -gt 9 ] && cases+=(9 10)
for c in "${cases[@]}"; do
  printf 'ratios (median), %s: nft -f / bdctl-route = %.2f, recipe / bdctl-route = %.2f\n' "${names[$c]#bdctl-route up, }" \
    "$(echo "${med[4]}/${med[$c]}" | bc -l)" "$(echo "${med[5]}/${med[$c]}" | bc -l)"
done
# Without the baseline (ip netns exec, the same for all): the commands' own time.
b=${med[6]}
for c in "${cases[@]}"; do
  printf 'net of the baseline, %s: bdctl-route %.2f ms, nft -f %.2f ms, recipe %.2f ms; nft -f / bdctl-route = %.2f, recipe / bdctl-route = %.2f\n' \
    "${names[$c]#bdctl-route up, }" "$(echo "(${med[$c]}-$b)/1000" | bc -l)" "$(echo "(${med[4]}-$b)/1000" | bc -l)" \
    "$(echo "(${med[5]}-$b)/1000" | bc -l)" "$(echo "(${med[4]}-$b)/(${med[$c]}-$b)" | bc -l)" \
    "$(echo "(${med[5]}-$b)/(${med[$c]}-$b)" | bc -l)"
done
printf 'loading libstdc++ (C++ floor - C floor): %.2f ms\n' "$(echo "(${med[8]}-${med[7]})/1000" | bc -l)"
echo "note: every figure above the last three lines includes 'ip netns exec' (the baseline row)"
