#!/usr/bin/env bash
# bdctl-route against the real kernel: a remote operator on the ZeroTier side,
# the Pi, and a LAN host, each in a throwaway network namespace.
. "$(dirname "$0")/lib.sh"

site
R() { on pi bdctl-route "$@"; }
ruleset() { on pi nft list ruleset; }
fwd() { on pi cat /proc/sys/net/ipv4/ip_forward; }

tcp_listen lan 3389
tcp_listen remote 2222

# --- before up ---------------------------------------------------------------
check_not "before up: the operator cannot reach the LAN host" on remote ping -c1 -W1 192.168.1.10

# --- bad input changes nothing ---------------------------------------------
check_exit "unknown interface exits 2" 2 R up --zt zt0 --lan eth9
check_exit "malformed CIDR exits 2" 2 R up --zt zt0 --lan-subnet 192.168.1.0/33
check_exit "interface name too long exits 2" 2 R up --zt zt0 --lan averyveryverylongname
R up --zt zt0 --lan eth9 2>"$T_TMP/err"
check_eq "the error is one line naming the value" "1" "$(grep -c eth9 "$T_TMP/err")"
check_eq "bad input leaves no ruleset" "" "$(ruleset)"
check_eq "bad input leaves forwarding off" "0" "$(fwd)"

# --- dry run ---------------------------------------------------------------
check "up --dry-run validates against the kernel" R up --zt zt0 --lan eth0 --dry-run
check_eq "dry run leaves no ruleset" "" "$(ruleset)"
check_eq "dry run leaves forwarding off" "0" "$(fwd)"

# --- up ----------------------------------------------------------------------
check "up succeeds" R up --zt zt0 --lan eth0 --json
check_eq "forwarding is on" "1" "$(fwd)"
check_eq "forwarding is persisted in bdctl's drop-in" "net.ipv4.ip_forward = 1" \
  "$(grep ip_forward "$BDCTL_SYSCTL_DIR/90-bdctl-route.conf")"
check "after up: ping crosses the Pi" on remote ping -c1 -W2 192.168.1.10
check "after up: IPv6 ping crosses the Pi" on remote ping -6 -c1 -W2 fd00:1::10
check "after up: TCP (RDP port) reaches the LAN host" tcp_connect remote 192.168.1.10 3389
check_eq "the LAN host sees the Pi's LAN address (masquerade)" "192.168.1.201" "$(last_peer lan 3389)"
check "after up: IPv6 TCP reaches the LAN host" tcp_connect remote fd00:1::10 3389
check_eq "IPv6 is masqueraded too" "fd00:1::201" "$(last_peer lan 3389)"

# The LAN host knows a way to the ZeroTier subnet, yet may not open connections into it.
on lan ip route add 10.147.20.0/24 via 192.168.1.201
check_not "the LAN host cannot open a connection to the ZeroTier side" tcp_connect lan 10.147.20.5 2222

first=$(ruleset)
# A re-apply rewrites neither the state file nor the drop-in (no fsync on the SD card).
touch -d '2001-01-01' "$BDCTL_STATE_DIR/route.json" "$BDCTL_SYSCTL_DIR/90-bdctl-route.conf"
out=$(R up --zt zt0 --lan eth0 --json)
check_eq "up twice leaves the ruleset identical" "$first" "$(ruleset)"
check_eq "the second up reports no change" "false" \
  "$(python3 -c 'import json,sys; print(str(json.load(sys.stdin)["changed"]).lower())' <<<"$out")"
check_eq "the second up leaves the state file and the drop-in untouched" "2001 2001" \
  "$(date -r "$BDCTL_STATE_DIR/route.json" +%Y) $(date -r "$BDCTL_SYSCTL_DIR/90-bdctl-route.conf" +%Y)"

# --- status ------------------------------------------------------------------
check "status is ok after up" R status
handle=$(on pi nft -a list chain inet bdctl route_forward | awk '/ct state established/ {print $NF}')
on pi nft delete rule inet bdctl route_forward handle "$handle"
check_exit "status finds a rule deleted by hand (exit 1)" 1 R status --json
R status --json >"$T_TMP/status.json"
check_eq "status names the missing rule" 'iifname "eth0" oifname "zt0" ct state established,related accept' \
  "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([r for r in d["rules"] if r["chain"]=="route_forward"][0]["missing"][0])' "$T_TMP/status.json")"
check "up repairs the drift" R up --zt zt0 --lan eth0
check_eq "repaired ruleset equals the original" "$first" "$(ruleset)"

# --- allow-lan-initiated -------------------------------------------------------
check "up --allow-lan-initiated" R up --zt zt0 --lan eth0 --allow-lan-initiated
check "now the LAN host may open connections to the ZeroTier side" tcp_connect lan 10.147.20.5 2222

# --- no-masquerade -------------------------------------------------------------
R up --zt zt0 --lan eth0 --no-masquerade --json >"$T_TMP/nomasq.json"
check_eq "--no-masquerade prints the route the site router needs" "10.147.20.0/24 via 192.168.1.201" \
  "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["router_routes"][0]; print(r["destination"], "via", r["gateway"])' "$T_TMP/nomasq.json")"
check_not "--no-masquerade removes the NAT chain" on pi nft list chain inet bdctl route_postrouting
check "with the router's route, traffic flows without NAT" tcp_connect remote 192.168.1.10 3389
check_eq "and the LAN host sees the operator's own address" "10.147.20.5" "$(last_peer lan 3389)"

# --- down restores what it found -----------------------------------------------
check "down succeeds" R down
check_eq "down removes bdctl's table" "" "$(ruleset)"
check_eq "down restores ip_forward to 0, as bdctl found it" "0" "$(fwd)"
check_not "down removes the drop-in" test -e "$BDCTL_SYSCTL_DIR/90-bdctl-route.conf"
check "down twice is harmless" R down

# Forwarding that was already on before up stays on after down.
on pi sysctl -qw net.ipv4.ip_forward=1
R up --zt zt0 --lan eth0 >/dev/null && R down >/dev/null
check_eq "down leaves forwarding on when bdctl did not turn it on" "1" "$(fwd)"

done_testing
