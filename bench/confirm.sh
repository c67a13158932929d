#!/usr/bin/env bash
# The cost of a safe change: `bdctl-route up --confirm` (record + apply + arm
# a holder) against a plain `up` of the same change, and the time from the
# deadline to the restored state. Run as root: sudo bench/confirm.sh [BUILD_BIN]
# Goals (issue "Safe changes"): under 20% added to up; restored within 1 s.
set -euo pipefail
BIN=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/test/bin}
N=${N:-60}
NS=bdbench$$
TMP=$(mktemp -d)
trap 'ip netns del $NS 2>/dev/null; rm -rf "$TMP"' EXIT
export BDCTL_STATE_DIR=$TMP/state BDCTL_SYSCTL_DIR=$TMP/sysctl.d BDCTL_LOCK_DIR=$TMP/lock \
       BDCTL_LOG_DIR=$TMP/log BDCTL_CONFIG=/dev/null
ip netns add $NS
ip -n $NS link add zt0 type veth peer name eth0
ip -n $NS link set zt0 up; ip -n $NS link set eth0 up
on() { ip netns exec $NS "$@"; }
# A real change each time: alternate masquerade on and off.
flag() { [ $(($1 % 2)) = 0 ] && echo --no-masquerade || echo ""; }
on "$BIN/bdctl-route" up --zt zt0 --lan eth0 --no-confirm --json >/dev/null
# Round-robin, one plain and one safe change per round, so that load from
# anything else on the machine falls on both alike; medians, not means.
plain=() safe=() k=1
for i in $(seq $N); do
  k=$((k + 2))   # each change differs from the one before: flag(k), then flag(k + 1)
  t=$(date +%s%N)
  on "$BIN/bdctl-route" up --zt zt0 --lan eth0 $(flag $k) --no-confirm --json >/dev/null
  plain+=($((($(date +%s%N) - t) / 1000)))
  t=$(date +%s%N)
  on "$BIN/bdctl-route" up --zt zt0 --lan eth0 $(flag $((k + 1))) --confirm=1m --json >/dev/null
  safe+=($((($(date +%s%N) - t) / 1000)))
  on "$BIN/bdctl-confirm" --json >/dev/null  # not timed
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
mp=$(median "${plain[@]}") msafe=$(median "${safe[@]}")
echo "up (plain):      $mp us per change (median of $N)"
echo "up --confirm:    $msafe us per change (record + apply + arm), +$(((msafe - mp) * 100 / mp))%"
# Deadline to restored state.
on "$BIN/bdctl-route" up --zt zt0 --lan eth0 --no-masquerade --confirm=1s --json >"$TMP/u.json"
deadline=$(python3 -c 'import json,sys,datetime; d=json.load(open(sys.argv[1]))["pending"]["deadline"]; print(int(datetime.datetime.fromisoformat(d.replace("Z","+00:00")).timestamp()*1000))' "$TMP/u.json")
while [ -e "$BDCTL_STATE_DIR/pending.json" ]; do sleep 0.01; done
echo "restored $(( $(date +%s%3N) - deadline )) ms after the deadline"
