#!/bin/bash
# bdctl-check's ZeroTier checks against the API emulator driven through its
# states, inside a throwaway site: exit codes per state, explanations, the
# route to add, timeouts, and the token never printed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
site
zt_iface
zt_start ok-route

runcheck --only zerotier
check_eq "ok-route: service ok" ok "$(cstatus $T_TMP/r.json zerotier.service)"
check_eq "ok-route: network ok" ok "$(cstatus $T_TMP/r.json zerotier.network)"
check_eq "ok-route: LAN route ok" ok "$(cstatus $T_TMP/r.json zerotier.route)"
check_eq "ok-route: exit 0" 0 "$RC"
check "ok-route: network summary names the interface and address" \
  grep -q 'OK on zt327pdwre 10.147.20.54/24' <(csummary $T_TMP/r.json zerotier.network)

zt_state ok-noroute
runcheck --only zerotier.route
check_eq "ok-noroute: route critical, exit 2" "critical 2" "$(cstatus $T_TMP/r.json zerotier.route) $RC"
check "ok-noroute: prints the route to add (LAN one bit wider, via this node)" \
  grep -q 'destination 192.168.0.0/23 via 10.147.20.54' <(csummary $T_TMP/r.json zerotier.route)
LANSUB=192.168.77.0/24 runcheck --only zerotier.route
check "a route to the LAN via another node is noticed" \
  grep -q 'managed route 192.168.77.0/24 points at 10.147.20.10, not this node (10.147.20.54)' <(csummary $T_TMP/r.json zerotier.route)

zt_state ok-noroute-v6
runcheck --only zerotier.route
check "IPv6 assigned too: the IPv4 route goes via the IPv4 address" \
  grep -q 'destination 192.168.0.0/23 via 10.147.20.54' <(csummary $T_TMP/r.json zerotier.route)
check_not "... never via the IPv6 one" grep -q 'via fddc' <(csummary $T_TMP/r.json zerotier.route)
LANSUB=fd00:1::/64 runcheck --only zerotier.route
check "an IPv6 LAN: the route goes via the IPv6 address" \
  grep -q 'destination fd00:1::/63 via fddc:6f0c:a8a3:4f18:1199:937c:b4b1:2ad5' <(csummary $T_TMP/r.json zerotier.route)

zt_state ok-hostbits
runcheck --only zerotier.route
check_eq "host bits: critical" critical "$(cstatus $T_TMP/r.json zerotier.route)"
check "host bits: flagged with the fix" grep -q 'host bits set.*use 192.168.0.0/23' <(csummary $T_TMP/r.json zerotier.route)

zt_state access-denied
runcheck --only zerotier.network
check_eq "ACCESS_DENIED: critical" critical "$(cstatus $T_TMP/r.json zerotier.network)"
check "ACCESS_DENIED: explained" grep -q 'ACCESS_DENIED: not authorised.*Central' <(csummary $T_TMP/r.json zerotier.network)

zt_state requesting
runcheck --only zerotier.route
check_eq "REQUESTING_CONFIGURATION: the managed route is unknown, not missing" unknown \
  "$(cstatus $T_TMP/r.json zerotier.route)"
check "... pointing at zerotier.network" grep -q 'see zerotier.network' <(csummary $T_TMP/r.json zerotier.route)
check_not "... and no route advice with a placeholder" grep -q 'THIS_NODE' $T_TMP/r.json
runcheck --only zerotier.network
check_eq "REQUESTING_CONFIGURATION: critical" critical "$(cstatus $T_TMP/r.json zerotier.network)"
check "REQUESTING_CONFIGURATION: explained, missing interface named" \
  grep -q 'REQUESTING_CONFIGURATION: waiting.*interface ztyqb6mebi does not exist' <(csummary $T_TMP/r.json zerotier.network)

zt_state offline
runcheck --only zerotier.service,zerotier.peers
check_eq "offline: service critical, exit 2" "critical 2" "$(cstatus $T_TMP/r.json zerotier.service) $RC"
check "offline: says OFFLINE" grep -q '^OFFLINE' <(csummary $T_TMP/r.json zerotier.service)
check_eq "offline: no root reachable" critical "$(cstatus $T_TMP/r.json zerotier.peers)"

zt_state tunneled
runcheck --only zerotier.service
check_eq "tunneled: warning, exit 1" "warning 1" "$(cstatus $T_TMP/r.json zerotier.service) $RC"

zt_state ok-route
runcheck --only zerotier.peers,uplink.zerotier
check_eq "online: the moon is reachable" ok "$(cstatus $T_TMP/r.json zerotier.peers)"

zt_state no-network
runcheck --only zerotier.network
check_eq "no network joined: critical" critical "$(cstatus $T_TMP/r.json zerotier.network)"

zt_state wrong-token
runcheck --only zerotier
check_eq "wrong token: unknown, exit 3" "unknown 3" "$(cstatus $T_TMP/r.json zerotier.service) $RC"
check "wrong token: says rejected (401)" grep -q 'rejected the auth token.*401' <(csummary $T_TMP/r.json zerotier.service)
check_not "the token appears nowhere in the output" grep -qF "$(cat $ZH/authtoken.secret)" $T_TMP/r.json $T_TMP/r.err
pi_run bdctl-check --text --zt-home "$ZH" --only zerotier >"$T_TMP/r.txt" 2>&1
check_not "nor in the text output" grep -qF "$(cat $ZH/authtoken.secret)" $T_TMP/r.txt

zt_state slow
start=$(date +%s%N)
runcheck --only zerotier --timeout 500ms
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check_eq "slow service: critical timeout" critical "$(cstatus $T_TMP/r.json zerotier.service)"
check "slow service: says it did not answer within 500ms" grep -q 'within 500ms' <(csummary $T_TMP/r.json zerotier.service)
check "slow service: the run costs about one timeout ($ms ms)" test "$ms" -lt 1500

zt_state ok-route
runcheck --only zerotier.service --zt-port 1
check_eq "not running: critical" critical "$(cstatus $T_TMP/r.json zerotier.service)"
check "not running: connection refused on 127.0.0.1:1" grep -q 'connection refused on 127.0.0.1:1 ' <(csummary $T_TMP/r.json zerotier.service)

chmod 000 "$ZH/authtoken.secret"
pi_run env HOME="$T_TMP/nohome" bdctl-check --json --zt-home "$ZH" --zt-token-file "$T_TMP/none" --only zerotier.service >"$T_TMP/r.json"
check_eq "token unreadable: unknown" unknown "$(cstatus $T_TMP/r.json zerotier.service)"
check "token unreadable: advice" grep -q 'cannot read the ZeroTier auth token' <(csummary $T_TMP/r.json zerotier.service)

check_exit "bad --network is a usage error (3)" 3 pi_run bdctl-check --network 1234
check "bad --network names the value" grep -q "'1234'" "$T_TMP/err"
done_testing
