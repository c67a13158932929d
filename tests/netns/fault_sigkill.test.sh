#!/usr/bin/env bash
# Fault injection: `bdctl-route up` killed with SIGKILL at random points, many
# times. After each kill bdctl's table is exactly the old ruleset or exactly
# the new one (one netlink batch: never a mix), the ruleset lock is free, and
# the next complete run converges.
. "$(dirname "$0")/lib.sh"
RUNS=${BDCTL_SIGKILL_RUNS:-60}

ns pi
on pi ip link add zt0 type veth peer name ztpeer
on pi ip link add eth0 type veth peer name ethpeer
for i in zt0 ztpeer eth0 ethpeer; do on pi ip link set "$i" up; done
on pi sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
OLD=(--zt zt0 --lan eth0 --family ipv4)
NEW=(--zt zt0 --lan eth0 --family both --allow-lan-initiated --no-masquerade)
table() { on pi nft list table inet bdctl 2>/dev/null; }

on pi bdctl-route up "${NEW[@]}" >/dev/null || { fail "new options apply"; done_testing; exit 1; }
new_rs=$(table)
on pi bdctl-route up "${OLD[@]}" >/dev/null || { fail "old options apply"; done_testing; exit 1; }
old_rs=$(table)
check_not "old and new rulesets differ (the test can tell them apart)" test "$old_rs" = "$new_rs"

# How long a whole run takes here (sanitizer builds are slower): kills land
# anywhere from exec to well past the commit.
t0=$(date +%s%N)
for _ in 1 2 3; do on pi bdctl-route up "${NEW[@]}" >/dev/null; on pi bdctl-route up "${OLD[@]}" >/dev/null; done
span_us=$(( ($(date +%s%N) - t0) / 6000 ))
echo "# one run takes about $((span_us / 1000)) ms; $RUNS kills"

n_old=0 n_new=0 n_mixed=0 n_stuck=0 n_killed=0
for i in $(seq "$RUNS"); do
  on pi bdctl-route up "${OLD[@]}" >/dev/null 2>&1
  [ "$(table)" = "$old_rs" ] || { n_stuck=$((n_stuck + 1)); continue; }
  # Every other kill within the first quarter of a run, where it starts up,
  # reads the table and builds the batch; the rest anywhere in it.
  range=$(( i % 2 ? span_us : span_us / 4 ))
  delay_us=$(( (RANDOM * 32768 + RANDOM) % (range + 1) ))
  ip netns exec "${T_PREFIX}pi" bdctl-route up "${NEW[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '0.%06d' "$delay_us")"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ $? = 137 ] && n_killed=$((n_killed + 1))
  now=$(table)
  if [ "$now" = "$old_rs" ]; then n_old=$((n_old + 1))
  elif [ "$now" = "$new_rs" ]; then n_new=$((n_new + 1))
  else n_mixed=$((n_mixed + 1)); echo "# run $i (kill after ${delay_us}us) left:"; echo "$now" | sed 's/^/#   /'
  fi
done
echo "# $n_killed of $RUNS runs died by SIGKILL before exiting; table after: $n_old old, $n_new new, $n_mixed mixed"
check_eq "every killed run left exactly the old or the new ruleset" 0 "$n_mixed"
check_eq "every restore to the old options succeeded (no stale lock)" 0 "$n_stuck"
check "some kills landed before the commit (old ruleset seen)" test "$n_old" -gt 0
check "some runs were killed after the commit, before exiting" test "$n_killed" -gt "$n_old"
# A complete run converges from wherever the kill left things.
check "a complete run after the kills succeeds" on pi bdctl-route up "${NEW[@]}"
check_eq "and leaves the new ruleset" "$new_rs" "$(table)"
check "status agrees" on pi bdctl-route status "${NEW[@]}"
check "down after the kills" on pi bdctl-route down
check_eq "forwarding back to what bdctl first found (off)" "0 0" \
  "$(on pi sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding | xargs)"

done_testing
