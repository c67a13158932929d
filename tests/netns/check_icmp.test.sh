#!/bin/bash
# bdctl-check ICMP echo targets on the simulated site: a host that answers
# (IPv4, IPv6), one whose echo requests nft drops (critical within its
# timeout), one that rejects them (unreachable at once), a mixed TCP+ICMP run
# that costs one timeout, the config file's icmp: targets, and the
# unprivileged ping socket versus the raw socket.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
site
# Extra LAN addresses: .11 drops echo requests (and TCP), .12 rejects them.
ip -n "${T_PREFIX}lan" addr add 192.168.1.11/24 dev eth0
ip -n "${T_PREFIX}lan" addr add 192.168.1.12/24 dev eth0
ip -n "${T_PREFIX}lan" addr add fd00:1::11/64 dev eth0 nodad
ip -n "${T_PREFIX}lan" addr add fd00:1::12/64 dev eth0 nodad
on lan nft -f - <<'NFT'
table inet blackhole {
  chain in {
    type filter hook input priority 0; policy accept;
    ip daddr 192.168.1.11 drop
    ip6 daddr fd00:1::11 icmpv6 type echo-request drop
    ip daddr 192.168.1.12 icmp type echo-request reject with icmp type host-unreachable
    ip6 daddr fd00:1::12 icmpv6 type echo-request reject with icmpv6 type addr-unreachable
  }
}
NFT
tcp_listen lan 3389
field() {  # field FILE CHECK KEY: a details value
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["checks"] if c["name"] == sys.argv[2]][0]
v = c["details"].get(sys.argv[3], "absent")
print("null" if v is None else v)' "$1" "$2" "$3"
}
elapsed() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# A host that answers, over IPv4 and IPv6.
runcheck --only lan --timeout 1s --target up=icmp:192.168.1.10 --target up6=icmp:fd00:1::10 --target up6b='icmp:[fd00:1::10]'
check_eq "reachable host: ok" ok "$(cstatus $T_TMP/r.json lan.up)"
check_eq "reachable host: result reply" reply "$(field $T_TMP/r.json lan.up result)"
check_eq "reachable host: probe icmp" icmp "$(field $T_TMP/r.json lan.up probe)"
check "reachable host: rtt_ms is a number" python3 -c 'import sys; float(sys.argv[1])' "$(field $T_TMP/r.json lan.up rtt_ms)"
check "reachable host: summary gives the rtt" grep -q '192.168.1.10 answers ICMP echo in [0-9.]* ms' <(csummary $T_TMP/r.json lan.up)
check_eq "root without ping_group_range: raw socket" icmp-raw "$(field $T_TMP/r.json lan.up method)"
check_eq "IPv6 target: ok" ok "$(cstatus $T_TMP/r.json lan.up6)"
check_eq "IPv6 target: address" fd00:1::10 "$(field $T_TMP/r.json lan.up6 address)"
check_eq "IPv6 target in brackets: ok" ok "$(cstatus $T_TMP/r.json lan.up6b)"
check_eq "all answer: exit 0" 0 "$RC"

# Echo requests dropped: critical, within its timeout (three requests sent), not more.
start=$(date +%s%N)
runcheck --only lan --timeout 1s --target dropped=icmp:192.168.1.11 --target dropped6=icmp:fd00:1::11
ms=$(elapsed $start)
check_eq "ICMP dropped: critical" critical "$(cstatus $T_TMP/r.json lan.dropped)"
check_eq "ICMP dropped: timeout" timeout "$(field $T_TMP/r.json lan.dropped result)"
check "ICMP dropped: no echo reply within 1s" grep -q 'no echo reply within 1s (3 request(s) sent)' <(csummary $T_TMP/r.json lan.dropped)
check_eq "ICMP dropped: rtt_ms null" null "$(field $T_TMP/r.json lan.dropped rtt_ms)"
check_eq "ICMPv6 dropped: critical" critical "$(cstatus $T_TMP/r.json lan.dropped6)"
check "ICMP dropped: the run took one timeout ($ms ms)" test "$ms" -ge 950 -a "$ms" -lt 1800
check_eq "ICMP dropped: exit 2" 2 "$RC"

# Echo requests rejected with an ICMP error: critical at once, the error named.
start=$(date +%s%N)
runcheck --only lan --timeout 3s --target rej=icmp:192.168.1.12 --target rej6=icmp:fd00:1::12
ms=$(elapsed $start)
check_eq "ICMP rejected: unreachable" unreachable "$(field $T_TMP/r.json lan.rej result)"
check "ICMP rejected: names the error and who sent it" grep -q 'No route to host, ICMP type 3 code 1 from 192.168.1.12' <(csummary $T_TMP/r.json lan.rej)
check_eq "ICMPv6 rejected: unreachable" unreachable "$(field $T_TMP/r.json lan.rej6 result)"
check "ICMPv6 rejected: names who sent it" grep -q 'from fd00:1::12' <(csummary $T_TMP/r.json lan.rej6)
check "ICMP rejected: no wait for the 3s timeout ($ms ms)" test "$ms" -lt 1500

# TCP and ICMP at once, both with blackholed targets: one timeout, not two.
start=$(date +%s%N)
runcheck --only lan --timeout 1s --target nuc=192.168.1.10:3389 --target tcpdrop=192.168.1.11:80 \
  --target up=icmp:192.168.1.10 --target dropped=icmp:192.168.1.11 --target up6=icmp:fd00:1::10
ms=$(elapsed $start)
check_eq "mixed: TCP target ok" ok "$(cstatus $T_TMP/r.json lan.nuc)"
check_eq "mixed: TCP target probe tcp" tcp "$(field $T_TMP/r.json lan.nuc probe)"
check_eq "mixed: blackholed TCP critical" critical "$(cstatus $T_TMP/r.json lan.tcpdrop)"
check_eq "mixed: ICMP target ok" ok "$(cstatus $T_TMP/r.json lan.up)"
check_eq "mixed: IPv6 ICMP target ok" ok "$(cstatus $T_TMP/r.json lan.up6)"
check_eq "mixed: dropped ICMP critical" critical "$(cstatus $T_TMP/r.json lan.dropped)"
check "mixed: one timeout for both kinds ($ms ms)" test "$ms" -lt 1800

# The config file's [check.targets] take icmp: too; a bad one names file, line and key.
cat >"$T_TMP/bdctl.toml" <<'TOML'
[check.targets]
lanhost = "icmp:192.168.1.10"
lanhost6 = "icmp:fd00:1::10"
nuc = "192.168.1.10:3389"
TOML
runcheck --config "$T_TMP/bdctl.toml" --only lan
check_eq "config icmp target ok" ok "$(cstatus $T_TMP/r.json lan.lanhost)"
check_eq "config icmp6 target ok" ok "$(cstatus $T_TMP/r.json lan.lanhost6)"
check_eq "config tcp target ok" ok "$(cstatus $T_TMP/r.json lan.nuc)"
check_eq "--list names them" "lan.lanhost lan.lanhost6 lan.nuc" \
  "$(pi_run bdctl-check --config "$T_TMP/bdctl.toml" --list --only lan | xargs)"
echo 'bad = "icmp:192.168.1.10:80"' >>"$T_TMP/bdctl.toml"
check_exit "icmp target with a port: exit 3" 3 pi_run bdctl-check --config "$T_TMP/bdctl.toml" --only lan
check "names file, line and key" grep -q "$T_TMP/bdctl.toml:5.*check.targets.bad.*takes no port" "$T_TMP/err"
check_exit "--target icmp: with a port: exit 3" 3 pi_run bdctl-check --target x=icmp:192.168.1.10:80

# Without CAP_NET_RAW: the ping socket when net.ipv4.ping_group_range allows
# our group, else unknown (3) with the reason; never a false critical.
nocap() { pi_run setpriv --bounding-set -net_raw --inh-caps -net_raw "$@"; }
pi_run sysctl -qw net.ipv4.ping_group_range="0 0"
nocap bdctl-check --json --only lan --timeout 1s --target up=icmp:192.168.1.10 --target up6=icmp:fd00:1::10 \
  --target dropped=icmp:192.168.1.11 --target rej=icmp:192.168.1.12 --target rej6=icmp:fd00:1::12 >"$T_TMP/r.json"
check_eq "ping socket: ok" ok "$(cstatus $T_TMP/r.json lan.up)"
check_eq "ping socket: method icmp-dgram" icmp-dgram "$(field $T_TMP/r.json lan.up method)"
check_eq "ping socket IPv6: ok" ok "$(cstatus $T_TMP/r.json lan.up6)"
check_eq "ping socket IPv6: method icmp-dgram" icmp-dgram "$(field $T_TMP/r.json lan.up6 method)"
check_eq "ping socket: dropped still critical" critical "$(cstatus $T_TMP/r.json lan.dropped)"
check_eq "ping socket: rejected is unreachable" unreachable "$(field $T_TMP/r.json lan.rej result)"
check_eq "ping socket IPv6: rejected is unreachable" unreachable "$(field $T_TMP/r.json lan.rej6 result)"
pi_run sysctl -qw net.ipv4.ping_group_range="1 0"
nocap bdctl-check --json --only lan --timeout 1s --target up=icmp:192.168.1.10 >"$T_TMP/r.json"; rc=$?
check_eq "no ICMP socket allowed: unknown" unknown "$(cstatus $T_TMP/r.json lan.up)"
check_eq "no ICMP socket allowed: exit 3" 3 "$rc"
check "no ICMP socket allowed: says why" grep -q 'ping_group_range "1 0".*needs root or CAP_NET_RAW' <(csummary $T_TMP/r.json lan.up)
done_testing
