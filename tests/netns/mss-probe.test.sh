#!/usr/bin/env bash
# bdctl-mss probe across three namespaces: client -- router -- server, with the
# MTU of the router-server link lowered, so only the router can say so.
. "$(dirname "$0")/lib.sh"
mss_cleanup() { local n; for n in "${T_NAMESPACES[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null; done; t_cleanup; }
trap mss_cleanup EXIT

ns client; ns router; ns server
link client eth0 router c0
link router s0 server eth0
on client ip addr add 10.0.1.2/24 dev eth0
on client ip addr add fd01::2/64 dev eth0 nodad
on client ip route add default via 10.0.1.1
on client ip -6 route add default via fd01::1
on router ip addr add 10.0.1.1/24 dev c0
on router ip addr add fd01::1/64 dev c0 nodad
on router ip addr add 10.0.2.1/24 dev s0
on router ip addr add fd02::1/64 dev s0 nodad
on server ip addr add 10.0.2.2/24 dev eth0
on server ip addr add fd02::2/64 dev eth0 nodad
on server ip route add default via 10.0.2.1
on server ip -6 route add default via fd02::1
on router sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# Let neighbour discovery settle on the fresh links: a probe lost to it would
# (rightly) count as a failed size.
on client ping -c1 -W3 10.0.2.2 >/dev/null
on client ping -6 -c1 -W3 fd02::2 >/dev/null
# A name for the server, resolved from the client's own hosts file (no DNS).
printf '10.0.2.2 server.test\nfd02::2 server.test\n' >"$T_TMP/hosts"

P() { on client bdctl-mss probe "$@"; }
field() {  # field FAMILY KEY < json
  python3 -c 'import json,sys; d=json.load(sys.stdin); r=[r for r in d["results"] if r["family"]==sys.argv[1]][0]; print(r[sys.argv[2]])' "$1" "$2"
}
set_mtu() { on router ip link set s0 mtu "$1"; on server ip link set eth0 mtu "$1"; }
# Each run starts without the client's cached path MTU from the last one.
flush_pmtu() { on client ip route flush cache; on client ip -6 route flush cache; }

# --- bad input ----------------------------------------------------------------------
check_exit "a HOST that does not resolve exits 2" 2 P "no such host"
P "no such host" 2>"$T_TMP/err"
check_eq "the error names the host" "1" "$(grep -c "no such host" "$T_TMP/err")"
check_exit "--max-probes 0 exits 2" 2 P 10.0.2.2 --max-probes 0
check_exit "--wait nonsense exits 2" 2 P 10.0.2.2 --wait soon
check_exit "a missing HOST exits 2" 2 P

# --- a clean 1500 path --------------------------------------------------------------
out=$(P 10.0.2.2 --json)
check_eq "1500 path: IPv4 path MTU 1500" "1500" "$(field ipv4 path_mtu <<<"$out")"
check_eq "1500 path: IPv4 MSS 1460" "1460" "$(field ipv4 mss <<<"$out")"
check_eq "1500 path: one probe suffices" "1" "$(field ipv4 probes <<<"$out")"
check_eq "raw ICMP socket when ping sockets are not allowed" "icmp-raw" "$(field ipv4 method <<<"$out")"

# --- a 1492 link in the middle: the router's "fragmentation needed" is honoured ------
set_mtu 1492
flush_pmtu
out=$(P 10.0.2.2 --json)
check_eq "1492 link: IPv4 path MTU 1492" "1492" "$(field ipv4 path_mtu <<<"$out")"
check_eq "1492 link: IPv4 MSS 1452" "1452" "$(field ipv4 mss <<<"$out")"
check_eq "1492 link: converged" "True" "$(field ipv4 converged <<<"$out")"
check_eq "1492 link: the router's ICMP said so (1 too-big answer)" "1" "$(field ipv4 icmp_too_big <<<"$out")"
check_eq "1492 link: two probes (1500, then 1492)" "2" "$(field ipv4 probes <<<"$out")"
out=$(P fd02::2 --json)
check_eq "1492 link: IPv6 path MTU 1492" "1492" "$(field ipv6 path_mtu <<<"$out")"
check_eq "1492 link: IPv6 MSS 1432" "1432" "$(field ipv6 mss <<<"$out")"
flush_pmtu
out=$(on client unshare -m sh -c "mount --bind $T_TMP/hosts /etc/hosts && exec bdctl-mss probe server.test --json")
check_eq "a name resolving to both families: IPv4 1492" "1492" "$(field ipv4 path_mtu <<<"$out")"
check_eq "a name resolving to both families: IPv6 1492" "1492" "$(field ipv6 path_mtu <<<"$out")"
check_eq "a name resolving to both families: IPv6 MSS 1432" "1432" "$(field ipv6 mss <<<"$out")"

# --- a 1400 link ------------------------------------------------------------------
set_mtu 1400
flush_pmtu
out=$(P 10.0.2.2 --json)
check_eq "1400 link: IPv4 path MTU 1400" "1400" "$(field ipv4 path_mtu <<<"$out")"
check_eq "1400 link: IPv4 MSS 1360" "1360" "$(field ipv4 mss <<<"$out")"
out=$(P fd02::2 --json)
check_eq "1400 link: IPv6 path MTU 1400" "1400" "$(field ipv6 path_mtu <<<"$out")"
check_eq "1400 link: IPv6 MSS 1340" "1340" "$(field ipv6 mss <<<"$out")"

# --- an unprivileged ping socket gives the same answer --------------------------------
on client sysctl -qw net.ipv4.ping_group_range="0 2147483647"
flush_pmtu
out=$(P 10.0.2.2 --json)
check_eq "ping socket is used when allowed" "icmp-dgram" "$(field ipv4 method <<<"$out")"
check_eq "ping socket: IPv4 path MTU 1400" "1400" "$(field ipv4 path_mtu <<<"$out")"
out=$(P fd02::2 --json)
check_eq "ping socket: IPv6 path MTU 1400" "1400" "$(field ipv6 path_mtu <<<"$out")"
on client sysctl -qw net.ipv4.ping_group_range="1 0"

# --- an ICMP black hole: the router sends no "fragmentation needed" ---------------------
set_mtu 1492
on router nft add table inet blackhole
on router nft add chain inet blackhole out '{ type filter hook output priority 0; }'
on router nft add rule inet blackhole out icmp type destination-unreachable drop
on router nft add rule inet blackhole out icmpv6 type packet-too-big drop
flush_pmtu
out=$(P 10.0.2.2 --json --wait 300ms)
check_eq "black hole: binary search still finds 1492" "1492" "$(field ipv4 path_mtu <<<"$out")"
check_eq "black hole: converged" "True" "$(field ipv4 converged <<<"$out")"
check_eq "black hole: no too-big answers" "0" "$(field ipv4 icmp_too_big <<<"$out")"
probes=$(field ipv4 probes <<<"$out")
check "black hole: within the default bound of 20 probes ($probes)" test "$probes" -le 20
out=$(P fd02::2 --json --wait 300ms)
check_eq "black hole: IPv6 binary search finds 1492" "1492" "$(field ipv6 path_mtu <<<"$out")"
out=$(P 10.0.2.2 --json --wait 300ms --max-probes 4)
check_eq "black hole, 4 probes: not converged" "False" "$(field ipv4 converged <<<"$out")"
check_eq "black hole, 4 probes: exactly 4 sent" "4" "$(field ipv4 probes <<<"$out")"
lower=$(field ipv4 path_mtu <<<"$out")
check "black hole, 4 probes: a safe lower bound ($lower <= 1492)" test "$lower" -le 1492 -a "$lower" -ge 576
on router nft delete table inet blackhole

# --- a host that stays silent: bounded by --timeout -----------------------------------
on server nft add table inet silent
on server nft add chain inet silent in '{ type filter hook input priority 0; }'
on server nft add rule inet silent in icmp type echo-request drop
start=$(date +%s%N)
check_exit "a host that does not answer: exit 1" 1 P 10.0.2.2 -4 --wait 1s --timeout 1500ms
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check "--timeout 1500ms bounds the run (${elapsed} ms)" test "$elapsed" -ge 1400 -a "$elapsed" -lt 2500
P 10.0.2.2 --wait 200ms --json >"$T_TMP/silent.json"
check_eq "no path MTU is reported" "None" "$(field ipv4 path_mtu <"$T_TMP/silent.json")"
check_eq "the error says why" "10.0.2.2: no echo reply within" "$(field ipv4 error <"$T_TMP/silent.json" | grep -o "^.*no echo reply within")"

# --- an unreachable network: the ICMP error is reported ---------------------------
on client ip route del default
on client ip route add unreachable 10.0.2.0/24
check_exit "no route: exit 1" 1 P 10.0.2.2
P 10.0.2.2 --json >"$T_TMP/noroute.json"
check "the error is reported" test "$(field ipv4 error <"$T_TMP/noroute.json")" != None

done_testing
