#!/usr/bin/env bash
# Two tools applying at once: `bdctl-route up` and `bdctl-mss set` share bdctl's
# table. Started together, again and again with changing options, both must
# succeed and the table must end with exactly what each asked for.
. "$(dirname "$0")/lib.sh"
ROUNDS=${BDCTL_CONCURRENT_ROUNDS:-15}

ns pi
on pi ip link add zt0 type veth peer name ztpeer
on pi ip link add eth0 type veth peer name ethpeer
for i in zt0 ztpeer eth0 ethpeer; do on pi ip link set "$i" up; done
on pi sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
route_opts=("--zt zt0 --lan eth0" "--zt zt0 --lan eth0 --family ipv4 --no-masquerade" "--zt zt* --lan eth0 --allow-lan-initiated")
mss_opts=("--mss 1300" "--pmtu --iface zt0 --local" "--mtu 1400 --family ipv4")

# What each tool alone would leave in its own chains, per option set.
chains_of() { on pi nft list table inet bdctl | awk -v p="$1" '$1 == "chain" { keep = index($2, p) == 1 } keep && $0 != "}"'; }
declare -A want_route want_mss
for k in 0 1 2; do
  on pi bdctl-route up ${route_opts[$k]} >/dev/null && want_route[$k]=$(chains_of route_)
  on pi bdctl-mss set ${mss_opts[$k]} >/dev/null && want_mss[$k]=$(chains_of mss_)
done
on pi bdctl-route down >/dev/null; on pi bdctl-mss clear >/dev/null

bad_exit=0 bad_route=0 bad_mss=0 bad_status=0
for i in $(seq "$ROUNDS"); do
  r=$((i % 3)) m=$(((i / 3) % 3))
  ip netns exec "${T_PREFIX}pi" bdctl-route up ${route_opts[$r]} >"$T_TMP/r.out" 2>"$T_TMP/r.err" & rp=$!
  ip netns exec "${T_PREFIX}pi" bdctl-mss set ${mss_opts[$m]} >"$T_TMP/m.out" 2>"$T_TMP/m.err" & mp=$!
  wait "$rp"; rc=$?; wait "$mp"; mc=$?
  if [ "$rc" != 0 ] || [ "$mc" != 0 ]; then
    bad_exit=$((bad_exit + 1)); echo "# round $i: route exit $rc, mss exit $mc"; cat "$T_TMP/r.err" "$T_TMP/m.err" | sed 's/^/#   /'
  fi
  [ "$(chains_of route_)" = "${want_route[$r]}" ] || { bad_route=$((bad_route + 1)); echo "# round $i: route chains differ"; }
  [ "$(chains_of mss_)" = "${want_mss[$m]}" ] || { bad_mss=$((bad_mss + 1)); echo "# round $i: mss chains differ"; }
  on pi bdctl-route status ${route_opts[$r]} >/dev/null 2>&1 && on pi bdctl-mss status >/dev/null 2>&1 ||
    { bad_status=$((bad_status + 1)); echo "# round $i: a status reports drift"; }
done
check_eq "every concurrent pair of runs succeeded" 0 "$bad_exit"
check_eq "bdctl-route's chains always exactly as it asked" 0 "$bad_route"
check_eq "bdctl-mss's chains always exactly as it asked" 0 "$bad_mss"
check_eq "both status commands always report no drift" 0 "$bad_status"

# Removing concurrently: each takes only its own chains, the table goes when empty.
ip netns exec "${T_PREFIX}pi" bdctl-route down >/dev/null & rp=$!
ip netns exec "${T_PREFIX}pi" bdctl-mss clear >/dev/null & mp=$!
wait "$rp"; rc=$?; wait "$mp"; mc=$?
check_eq "concurrent down and clear both succeed" "0 0" "$rc $mc"
check_not "nothing of bdctl left in the kernel" on pi nft list table inet bdctl

done_testing
