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
# A drop policy that does not let the backdoor through is a failure, not a
# warning: the rules are installed, but the operator cannot get in.
check_exit "up with a foreign chain that drops the traffic: exit 1" 1 R up --zt zt0 --lan eth0 --json
R up --zt zt0 --lan eth0 --json >"$T_TMP/up.json"
check_eq "foreign tables unchanged after up" "$foreign_before" \
  "$(on pi nft list table ip filter; on pi nft list table inet docker_like)"
check_eq "up's JSON: not ok, the chain named" "false inet docker_like forward true" \
  "$(jq -r '[.ok, .blockers[0].chain, .blockers[0].certain] | join(" ")' "$T_TMP/up.json")"
check_exit "status: exit 1 while the chain drops the traffic" 1 R status --json
R status --json >"$T_TMP/st.json"
check_eq "status: not ok, the same chain" "false inet docker_like forward" \
  "$(jq -r '[.ok, .blockers[0].chain] | join(" ")' "$T_TMP/st.json")"
R status --text >"$T_TMP/st.txt"
check "status text says FAIL and names the chain and policy" \
  grep -q 'chain inet docker_like forward (hook forward, priority 10, policy drop) drops' "$T_TMP/st.txt"
tcp_listen lan 3389
check_not "and, as status says, that drop policy does defeat forwarding" tcp_connect remote 192.168.1.10 3389
# The fix printed is exact: run it as given, and the backdoor works.
fix=$(jq -r '.blockers[0].fix' "$T_TMP/st.json")
check_eq "the fix is two nft rules" \
  'nft insert rule inet docker_like forward iifname "zt0" oifname "eth0" accept; nft insert rule inet docker_like forward iifname "eth0" oifname "zt0" ct state established,related accept' \
  "$fix"
on pi bash -c "$fix"
check "after the printed fix: status exits 0" R status --json
check "after the printed fix: up exits 0" R up --zt zt0 --lan eth0
check "after the printed fix: the operator reaches the LAN" tcp_connect remote 192.168.1.10 3389
check "down with foreign tables present" R down
on pi nft delete table inet docker_like
check_eq "the other foreign table unchanged after down" "$(echo "$foreign_before" | sed -n '/^table ip filter/,/^}/p')" \
  "$(on pi nft list table ip filter)"

# Docker itself, through iptables-nft: FORWARD policy DROP, DOCKER-USER first.
on pi nft delete table ip filter
on pi iptables-nft -P FORWARD DROP
on pi iptables-nft -N DOCKER-USER
on pi iptables-nft -A FORWARD -j DOCKER-USER
on pi iptables-nft -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
on pi iptables-nft -A DOCKER-USER -j RETURN
check_exit "Docker's FORWARD DROP: up exits 1" 1 R up --zt zt0 --lan eth0
R status --json >"$T_TMP/st.json"
fix=$(jq -r '.blockers[0].fix' "$T_TMP/st.json")
check_eq "the fix goes into DOCKER-USER, as Docker asks" \
  'iptables -I DOCKER-USER -i zt0 -o eth0 -j ACCEPT; iptables -I DOCKER-USER -i eth0 -o zt0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' \
  "$fix"
on pi bash -c "${fix//iptables /iptables-nft }"
check "after the printed fix: status exits 0" R status
check "after the printed fix: the operator reaches the LAN through Docker's chains" tcp_connect remote 192.168.1.10 3389
R down >/dev/null
on pi nft delete table ip filter

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
# The service still names zt327pdwre, but the link is gone (the network left,
# the interface recreated under another name): no rules for a ghost.
on pi ip link del zt327pdwre
before=$(on pi nft list ruleset)
check_exit "the service names a link that does not exist: exit 2" 2 R up --zt-home "$zthome" --lan eth0
check "... named" grep -q "the ZeroTier service names interface 'zt327pdwre'.*no such link exists" "$T_TMP/err"
check_eq "... and nothing was installed" "$before" "$(on pi nft list ruleset)"
check "with --allow-missing (the boot unit) the rules go in for it" R up --zt-home "$zthome" --lan eth0 --allow-missing
R down >/dev/null
on pi ip link add zt327pdwre type veth peer name ztpeer
on pi ip link set zt327pdwre up
echo two-networks >"$zthome/control"
check_exit "two joined networks and no --network: exit 2" 2 R up --zt-home "$zthome" --lan eth0
check_exit "a malformed --network is refused before any request" 2 R up --zt-home "$zthome" --network xyz --lan eth0
kill "${T_PIDS[-1]}"; sleep 0.2
check_exit "service down and several zt* links: exit 2, asks for --zt" 2 R up --zt-home "$zthome" --lan eth0
R up --zt-home "$zthome" --lan eth0 2>"$T_TMP/err"
check "the message lists the candidates" grep -q 'several ZeroTier interfaces (zt0, zt327pdwre, ztpeer)' "$T_TMP/err"

done_testing
