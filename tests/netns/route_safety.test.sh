#!/usr/bin/env bash
# bdctl-route never touches other tables, fails atomically, serialises
# concurrent runs, and finds its interfaces by itself.
. "$(dirname "$0")/lib.sh"

site
R() { on pi bdctl-route "$@"; }
ruleset() { on pi nft list ruleset; }

# --- foreign tables are byte-identical after up and down -----------------------
on pi nft -f - <<'NFT'
table ip filter {
	chain FORWARD {
		type filter hook forward priority filter; policy accept;
		ip saddr 203.0.113.0/24 counter drop
	}
}
table inet docker_like {
	chain forward {
		type filter hook forward priority filter + 10; policy drop;
		ct state established,related accept
	}
}
NFT
foreign_before=$(on pi nft list table ip filter; on pi nft list table inet docker_like)
check "up with foreign tables present" R up --zt zt0 --lan eth0
check_eq "foreign tables unchanged after up" "$foreign_before" \
  "$(on pi nft list table ip filter; on pi nft list table inet docker_like)"
R status --json >"$T_TMP/st.json"
check "status warns about the foreign drop policy on the forward hook" \
  grep -q 'inet docker_like forward (hook forward, priority 10) has policy drop' "$T_TMP/st.json"
tcp_listen lan 3389
check_not "and, as status warned, that drop policy does defeat forwarding" tcp_connect remote 192.168.1.10 3389
check "down with foreign tables present" R down
check_eq "foreign tables unchanged after down" "$foreign_before" \
  "$(on pi nft list table ip filter; on pi nft list table inet docker_like)"
on pi nft delete table inet docker_like

# --- a failing apply changes nothing -------------------------------------------
# A hand-made chain in bdctl's table jumps to route_forward, so the kernel
# refuses to delete it: the transaction fails midway and must leave nothing.
on pi nft -f - <<'NFT'
table inet bdctl {
	chain route_forward {
	}
	chain mine {
		jump route_forward
	}
}
NFT
before=$(ruleset)
check_exit "up fails (exit 1) when the kernel rejects the transaction" 1 R up --zt zt0 --lan eth0
R up --zt zt0 --lan eth0 2>"$T_TMP/err"
check "the error names the operation the kernel refused" \
  grep -q 'delete chain inet bdctl route_forward: Device or resource busy' "$T_TMP/err"
check_eq "the ruleset is exactly as before" "$before" "$(ruleset)"
check_eq "forwarding was not switched on" "0" "$(on pi cat /proc/sys/net/ipv4/ip_forward)"
on pi nft delete table inet bdctl

# --- concurrent runs --------------------------------------------------------------
R up --zt zt0 --lan eth0 >/dev/null
single=$(ruleset)
R down >/dev/null
pids=()
for i in 1 2 3 4; do R up --zt zt0 --lan eth0 >"$T_TMP/c$i" 2>&1 & pids+=($!); done
wait "${pids[@]}"
check_eq "four concurrent ups end in the one correct ruleset" "$single" "$(ruleset)"
check "and status agrees" R status
R down >/dev/null

# --- discovery ------------------------------------------------------------------
R up --json >"$T_TMP/d1.json"
check_eq "without flags: the only zt* link, and the default route's interface" "zt0 only zt* link eth0 default route" \
  "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["zt_interface"], d["zt_source"], d["lan_interface"], d["lan_source"])' "$T_TMP/d1.json")"
R down >/dev/null
R up --lan-subnet 192.168.1.0/24 --json >"$T_TMP/d2.json"
check_eq "--lan-subnet finds the interface routing it" "eth0 route to 192.168.1.0/24" \
  "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["lan_interface"], d["lan_source"])' "$T_TMP/d2.json")"
R down >/dev/null
check_exit "a ZeroTier interface that does not exist yet is refused" 2 R up --zt ztabsent --lan eth0
check "unless --allow-missing (boot before zerotier-one)" R up --zt ztabsent --lan eth0 --allow-missing
check "a wildcard --zt 'zt*' is accepted" R up --zt 'zt*' --lan eth0
tcp_listen lan 22
check "and traffic flows through the wildcard rules" tcp_connect remote 192.168.1.10 22
R down >/dev/null

# --- discovery through the ZeroTier service's local API -------------------------
# The emulator serves the captured 1.14.1 answers: one network joined, whose
# interface (portDeviceName) is zt327pdwre.
on pi ip link add zt327pdwre type veth peer name ztpeer
on pi ip link set zt327pdwre up
zthome=$T_TMP/zt
mkdir -p "$zthome"
echo ok-route >"$zthome/control"
bg on pi python3 "$BDCTL_SRC/tests/sim/zerotier/ztemu.py" --home "$zthome" --control "$zthome/control"
for _ in $(seq 50); do [ -s "$zthome/zerotier-one.port" ] && break; sleep 0.1; done
R up --zt-home "$zthome" --lan eth0 --json >"$T_TMP/z1.json"
check_eq "the ZeroTier API names the interface" "zt327pdwre zerotier api" \
  "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["zt_interface"], d["zt_source"])' "$T_TMP/z1.json")"
R down >/dev/null
echo two-networks >"$zthome/control"
check_exit "two joined networks and no --network: exit 2" 2 R up --zt-home "$zthome" --lan eth0
check_exit "a malformed --network is refused before any request" 2 R up --zt-home "$zthome" --network xyz --lan eth0
kill "${T_PIDS[-1]}"; sleep 0.2
check_exit "service down and several zt* links: exit 2, asks for --zt" 2 R up --zt-home "$zthome" --lan eth0
R up --zt-home "$zthome" --lan eth0 2>"$T_TMP/err"
check "the message lists the candidates" grep -q 'several ZeroTier interfaces (zt0, zt327pdwre, ztpeer)' "$T_TMP/err"

done_testing
