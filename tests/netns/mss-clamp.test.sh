#!/usr/bin/env bash
# bdctl-mss against the real kernel: a client, a router running bdctl-mss and
# a server, each in a throwaway namespace. The MSS is read from the SYN the
# server receives and the SYN-ACK the client receives (AF_PACKET capture).
#   client eth0 10.0.1.2 fd01::2 --c0-- router --s0-- server eth0 10.0.2.2 fd02::2
. "$(dirname "$0")/lib.sh"
# lib.sh's cleanup kills the `ip netns exec` wrapper but not the server it
# started; end every process still inside our namespaces first.
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
on router ip link add other0 type veth peer name other1

M() { on router bdctl-mss "$@"; }
ruleset() { on router nft list ruleset; }
json_get() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

# sniff NS IFACE PORT syn|synack OUT: write the MSS option of the first
# matching incoming handshake packet to OUT ("none" if it has no MSS option).
sniff() {
  on "$1" python3 -c '
import socket, struct, sys, time
iface, port, want, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((iface, 0)); s.settimeout(0.2)
open(out + ".ready", "w").close()
end = time.time() + 5
while time.time() < end:
    try: pkt, addr = s.recvfrom(65535)
    except socket.timeout: continue
    if addr[2] == socket.PACKET_OUTGOING: continue
    et = struct.unpack("!H", pkt[12:14])[0]
    if et == 0x0800: proto, l4 = pkt[23], 14 + (pkt[14] & 15) * 4
    elif et == 0x86dd: proto, l4 = pkt[20], 54
    else: continue
    if proto != 6: continue
    sport, dport = struct.unpack("!HH", pkt[l4:l4 + 4])
    flags, doff = pkt[l4 + 13], (pkt[l4 + 12] >> 4) * 4
    if want == "syn" and not (flags & 0x12 == 0x02 and dport == port): continue
    if want == "synack" and not (flags & 0x12 == 0x12 and sport == port): continue
    opts, i, mss = pkt[l4 + 20:l4 + doff], 0, "none"
    while i < len(opts) and opts[i] != 0:
        if opts[i] == 1: i += 1; continue
        if opts[i] == 2: mss = struct.unpack("!H", opts[i + 2:i + 4])[0]
        i += max(opts[i + 1], 2)
    open(out, "w").write("%s\n" % mss); break
' "$2" "$3" "$4" "$5"
}

# handshake ADDR [CLIENT_MSS]: connect from the client to the server's port
# 8080 and print "<MSS in the SYN at the server> <MSS in the SYN-ACK at the client>".
handshake() {
  rm -f "$T_TMP"/syn* "$T_TMP"/synack*
  sniff server eth0 8080 syn "$T_TMP/syn" & local p1=$!
  sniff client eth0 8080 synack "$T_TMP/synack" & local p2=$!
  for _ in $(seq 50); do [ -e "$T_TMP/syn.ready" ] && [ -e "$T_TMP/synack.ready" ] && break; sleep 0.05; done
  on client python3 -c '
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
if sys.argv[2] != "0": s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, int(sys.argv[2]))
s.settimeout(2); s.connect((sys.argv[1], 8080)); s.recv(16)
' "$1" "${2:-0}" || echo "connect to $1 failed" >&2
  wait $p1 $p2
  echo "$(cat "$T_TMP/syn" 2>/dev/null || echo lost) $(cat "$T_TMP/synack" 2>/dev/null || echo lost)"
}

tcp_listen server 8080

# --- without a clamp: the hosts' own MSS, so the checks below can fail -----------
check_eq "no clamp: IPv4 handshake carries 1460 both ways" "1460 1460" "$(handshake 10.0.2.2)"
check_eq "no clamp: IPv6 handshake carries 1440 both ways" "1440 1440" "$(handshake fd02::2)"

# --- bad input exits 2 and changes nothing ---------------------------------------
check_exit "--mss 535 exits 2" 2 M set --mss 535
check_exit "--mss 65496 exits 2" 2 M set --mss 65496
check_exit "--mss abc exits 2" 2 M set --mss abc
check_exit "--mtu 575 exits 2" 2 M set --mtu 575
check_exit "--mtu 1000 exits 2 (below the IPv6 minimum)" 2 M set --mtu 1000
check_exit "unknown interface exits 2" 2 M set --mss 1452 --iface eth9
check_exit "no mode exits 2" 2 M set
check_exit "two modes exit 2" 2 M set --mss 1452 --pmtu
M set --mss 100 2>"$T_TMP/err"
check_eq "the error is one line naming the value" "bdctl-mss: --mss 100: out of range 536..65495" "$(cat "$T_TMP/err")"
M set --mss 1452 --iface eth9 2>"$T_TMP/err"
check_eq "the interface error names it" "bdctl-mss: --iface eth9: unknown interface" "$(cat "$T_TMP/err")"
check_eq "bad input leaves no ruleset" "" "$(ruleset)"
check_not "bad input leaves no state file" test -e "$BDCTL_STATE_DIR/mss.json"

# --- --check validates in the kernel and changes nothing ----------------------------
check "set --check succeeds" M set --mss 1452 --check
check_eq "set --check leaves no ruleset" "" "$(ruleset)"

# --- --mss 1452 ------------------------------------------------------------------
check "set --mss 1452" M set --mss 1452 --json
check_eq "--mss 1452: SYN at the server and SYN-ACK at the client carry 1452" "1452 1452" "$(handshake 10.0.2.2)"
check_eq "--mss 1452 leaves IPv6's own 1440 (already smaller) alone" "1440 1440" "$(handshake fd02::2)"
check_eq "an MSS already smaller (1200) passes unchanged" "1200 1452" "$(handshake 10.0.2.2 1200)"
check_eq "an MSS equal to the clamp passes unchanged" "1452 1452" "$(handshake 10.0.2.2 1452)"

first=$(ruleset)
out=$(M set --mss 1452 --json)
check_eq "set twice leaves the ruleset identical" "$first" "$(ruleset)"
check_eq "the second set reports no change" "False" "$(json_get '["changed"]' <<<"$out")"
check_eq "the second set sends nothing" "0" "$(json_get '["operations"]' <<<"$out")"
check "the chain is a mangle-priority forward chain with policy accept" \
  grep -q "type filter hook forward priority mangle; policy accept;" <<<"$first"

# Expressions: what bdctl-mss installs equals what nft builds from `show`'s text.
M show --mss 1452 --text >"$T_TMP/show.nft"
ours=$(on router nft --debug=netlink list chain inet bdctl mss_forward 2>&1 | grep '^\s*\[')
on router nft delete table inet bdctl
on router nft -f "$T_TMP/show.nft"
theirs=$(on router nft --debug=netlink list chain inet bdctl mss_forward 2>&1 | grep '^\s*\[')
check "expression listing is not empty" test -n "$ours"
check_eq "nft builds the same expressions from show's text" "$theirs" "$ours"
check "status after nft -f of the same text: no drift" M status --mss 1452
out=$(M set --mss 1452 --json)
check_eq "set over nft's identical chain changes nothing" "False" "$(json_get '["changed"]' <<<"$out")"

# --- status --------------------------------------------------------------------
check "status: no drift" M status
on router nft add rule inet bdctl mss_forward tcp flags syn / syn,rst tcp option maxseg size set 1300
check_exit "status finds a rule added by hand (exit 1)" 1 M status
check_eq "status reports drift in JSON" "True" "$(M status --json | json_get '["drift"]')"
check "set repairs the drift" M set --mss 1452
check_eq "repaired ruleset equals the original" "$first" "$(ruleset)"
check_exit "status against other options: drift (exit 1)" 1 M status --mss 1400

# --- --mtu 1492 / --pppoe ----------------------------------------------------------
check "set --mtu 1492" M set --mtu 1492
check_eq "--mtu 1492: IPv4 MSS 1452 both ways" "1452 1452" "$(handshake 10.0.2.2)"
check_eq "--mtu 1492: IPv6 MSS 1432 both ways" "1432 1432" "$(handshake fd02::2)"
mtu_rs=$(ruleset)
check "set --pppoe" M set --pppoe
check_eq "--pppoe installs the same ruleset as --mtu 1492" "$mtu_rs" "$(ruleset)"

# --- --iface ------------------------------------------------------------------------
check "set --mss 1400 --iface s0" M set --mss 1400 --iface s0
check_eq "--iface s0 clamps SYN (out via s0) and SYN-ACK (in via s0)" "1400 1400" "$(handshake 10.0.2.2)"
check_eq "--iface s0 over IPv6 too" "1400 1400" "$(handshake fd02::2)"
check "set --mss 1400 --iface other0" M set --mss 1400 --iface other0
check_eq "--iface of another interface leaves the handshake alone" "1460 1460" "$(handshake 10.0.2.2)"
check "set --mss 1400 --iface 's*' (wildcard)" M set --mss 1400 --iface 's*'
check_eq "a wildcard interface matches s0" "1400 1400" "$(handshake 10.0.2.2)"

# --- --pmtu over a 1492-MTU link ----------------------------------------------------
on router ip link set s0 mtu 1492
on server ip link set eth0 mtu 1492
check "set --pmtu" M set --pmtu
check_eq "--pmtu over a 1492 link: IPv4 MSS 1452 both ways" "1452 1452" "$(handshake 10.0.2.2)"
check_eq "--pmtu over a 1492 link: IPv6 MSS 1432 both ways" "1432 1432" "$(handshake fd02::2)"
check_eq "--pmtu leaves a smaller MSS alone" "1200 1452" "$(handshake 10.0.2.2 1200)"
on router ip link set s0 mtu 1500
on server ip link set eth0 mtu 1500
check_eq "--pmtu over 1500 links: nothing to lower" "1460 1460" "$(handshake 10.0.2.2)"

# --- --local: connections the router itself opens --------------------------------
check "set --mss 1300 --local" M set --mss 1300 --local
check "--local adds the output chain" on router nft list chain inet bdctl mss_output
rm -f "$T_TMP"/syn*
sniff server eth0 8080 syn "$T_TMP/syn" & p=$!
for _ in $(seq 50); do [ -e "$T_TMP/syn.ready" ] && break; sleep 0.05; done
on router python3 -c 'import socket; s=socket.create_connection(("10.0.2.2", 8080), timeout=2); s.recv(16)'
wait $p
check_eq "--local: the router's own SYN carries 1300" "1300" "$(cat "$T_TMP/syn" 2>/dev/null)"
check "set without --local" M set --mss 1300
check_not "the output chain is gone" on router nft list chain inet bdctl mss_output

# --- clear -------------------------------------------------------------------------
check "clear" M clear
check_eq "clear removes the clamp and the then-empty table" "" "$(ruleset)"
check_eq "after clear: the hosts' own MSS again" "1460 1460" "$(handshake 10.0.2.2)"
out=$(M clear --json)
check_eq "clear twice reports no change" "False" "$(json_get '["changed"]' <<<"$out")"
check "status after clear: nothing expected, nothing present" M status

done_testing
