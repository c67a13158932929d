#!/bin/bash
# Two bdctl-repeat runs facing each other (two Pis on the same LAN and the
# same ZeroTier network), then a LAN joined to ZeroTier by someone else's
# bridge: each copy is repeated once, the mark stops the rest, counters stay
# bounded, and status names the other repeater.
#   lan --+                          +-- remote
#         [lanseg: br0]---pi, pi2---[ztseg: br0]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repeat_common.sh"

ns lan; ns remote; ns pi; ns pi2; ns lanseg; ns ztseg
for seg in lanseg ztseg; do
  ip -n "$T_PREFIX$seg" link add br0 type bridge
  ip -n "$T_PREFIX$seg" link set br0 up
done
port() {  # port NS IF SEG PORTNAME ADDR
  link "$1" "$2" "$3" "$4"
  ip -n "$T_PREFIX$3" link set "$4" master br0
  ip -n "$T_PREFIX$1" addr add "$5" dev "$2"
}
port lan eth0 lanseg p-lan 192.168.1.10/24
port pi eth0 lanseg p-pi 192.168.1.201/24
port pi2 eth0 lanseg p-pi2 192.168.1.202/24
port remote zt0 ztseg p-remote 10.147.20.5/24
port pi zt0 ztseg z-pi 10.147.20.1/24
port pi2 zt0 ztseg z-pi2 10.147.20.2/24
# A limited broadcast needs a route out (the site router, absent here).
ip -n "${T_PREFIX}lan" route add default via 192.168.1.1
cat >"$T_TMP/bdctl.toml" <<'TOML'
[site]
lan_interface = "eth0"
zerotier_interface = "zt0"
[repeat.flexradio]
preset = "flexradio"
TOML
export BDCTL_CONFIG=$T_TMP/bdctl.toml

# Each Pi keeps its own lock and counters.
as() { local who=$1; shift; on "$who" env BDCTL_LOCK_DIR="$T_TMP/$who/lock" BDCTL_RUN_DIR="$T_TMP/$who/run" "$@"; }
counter() {  # counter PI DIRECTION KEY
  as "$1" bdctl-repeat status --json | python3 -c '
import json, sys
print(json.load(sys.stdin)["rules"][0]["directions"][sys.argv[1]][sys.argv[2]])' "$2" "$3"
}
listening() { as "$1" bdctl-repeat status --json >/dev/null; }
wait_listening() { local i; for i in $(seq 200); do listening "$1" && return 0; sleep 0.05; done; return 1; }

for who in pi pi2; do
  bg on "$who" env BDCTL_LOCK_DIR="$T_TMP/$who/lock" BDCTL_RUN_DIR="$T_TMP/$who/run" bdctl-repeat run
  check "$who: its repeater listens on both sides" wait_listening "$who"
done
listen remote 4992 smartsdr
listen lan 4992 lan_hears

on lan python3 "$SIM" radio 192.168.1.10
sleep 2
check_eq "two repeaters: the remote side hears the radio once from each, no more" 2 "$(lines smartsdr)"
check_eq "... and the LAN hears nothing back from ZeroTier (only the radio itself)" 1 "$(lines lan_hears)"
for who in pi pi2; do
  check_eq "$who: repeated the radio once" 1 "$(counter "$who" lan-to-zerotier repeated)"
  check_eq "$who: heard the other's copy on ZeroTier, marked, and dropped it" 1 "$(counter "$who" zerotier-to-lan other_marks)"
  check_eq "$who: repeated nothing back to the LAN" 0 "$(counter "$who" zerotier-to-lan repeated)"
done
check "status warns of the other repeater" sh -c "ip netns exec ${T_PREFIX}pi env BDCTL_LOCK_DIR=$T_TMP/pi/lock BDCTL_RUN_DIR=$T_TMP/pi/run \
  bdctl-repeat status --text | grep -q 'from another bdctl repeater heard on the zerotier side'"

as pi bdctl-check --only repeat --json >"$T_TMP/check.json"
check "bdctl-check repeat.loops: warning, naming the other repeater's copies" python3 -c '
import json, sys
c = {c["name"]: c for c in json.load(open(sys.argv[1]))["checks"]}["repeat.loops"]
assert c["status"] == "warning" and "another repeater" in c["summary"], c' "$T_TMP/check.json"

# Someone bridges the LAN into ZeroTier as well: a copy now comes back to the
# side it was sent from, and the original arrives on both sides.
link lanseg p-loop ztseg z-loop
ip -n "${T_PREFIX}lanseg" link set p-loop master br0
ip -n "${T_PREFIX}ztseg" link set z-loop master br0
: >"$T_TMP/smartsdr.log"
on lan python3 "$SIM" radio 192.168.1.10 --count 5 --every 0.2
sleep 2
total=$(lines smartsdr)
check "a loop through another bridge stays bounded: $total copies of 5 broadcasts at the remote side" test "$total" -ge 5 -a "$total" -le 30
before=$(( $(counter pi lan-to-zerotier repeated) + $(counter pi zerotier-to-lan repeated) ))
sleep 2
after=$(( $(counter pi lan-to-zerotier repeated) + $(counter pi zerotier-to-lan repeated) ))
check_eq "... and stops: no copy sent once the radio is quiet" "$before" "$after"
check "... each broadcast repeated at most once per side by each Pi" test "$before" -le 11

done_testing
