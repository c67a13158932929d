#!/usr/bin/env bash
# bdctl-bridge: the LAN and a ZeroTier network on one segment, filtered, and
# the routed layout back exactly; an up that cuts the operator off is rolled
# back unless confirmed.
#   remote ztr 192.168.1.50 --(stands in for ZeroTier)-- zt327pdwre pi eth0 192.168.1.201 -- eth0 lan
#   lan: 192.168.1.10 (a device) and 192.168.1.1 (the site router), the LAN's DHCP server
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repeat_common.sh"
LANSIM="$BDCTL_SRC/tests/sim/lan/lan.py"
ZH="$T_TMP/zt"

ns remote; ns pi; ns lan
ip link add zt327pdwre netns "${T_PREFIX}pi" type veth peer name ztr netns "${T_PREFIX}remote"
on pi ip link set zt327pdwre up
on remote ip link set ztr up
link pi eth0 lan eth0
on pi ip addr add 192.168.1.201/24 dev eth0
on pi ip addr add fd00:1::201/64 dev eth0 nodad
on pi ip route add default via 192.168.1.1
on pi ip route add 10.9.0.0/16 via 192.168.1.1 metric 50
on pi ip route add 10.8.0.0/16 via 192.168.1.1 table 100
# As NetworkManager adds them: noprefixroute, and the subnet route its own, proto kernel metric 100.
on pi ip addr add 10.77.0.201/24 dev eth0 noprefixroute
on pi ip route add 10.77.0.0/24 dev eth0 proto kernel scope link src 10.77.0.201 metric 100
on pi ip route add 10.78.0.0/16 via 10.77.0.1 metric 100
on pi ip rule add from 192.168.1.201 lookup 100 priority 1000
on lan ip addr add 192.168.1.10/24 dev eth0
on lan ip addr add 192.168.1.1/24 dev eth0
on remote ip addr add 192.168.1.50/24 dev ztr

mkdir -p "$ZH"
echo bridge-ok >"$ZH/control"
bg on pi python3 "$BDCTL_SRC/tests/sim/zerotier/ztemu.py" --home "$ZH" --control "$ZH/control"
for _ in $(seq 50); do [ -s "$ZH/zerotier-one.port" ] && break; sleep 0.1; done
B() { on pi bdctl-bridge "$@"; }
UP() { B up --zt-home "$ZH" --lan eth0 "$@"; }
layout() {
  # After duplicate address detection: a tentative address is not yet the layout.
  for _ in $(seq 50); do on pi ip -6 addr | grep -q tentative || break; sleep 0.1; done
  on pi ip -br link | sed 's/@if[0-9]*//'
  on pi ip -d -o link show | grep -o 'master [^ ]*' || true
  on pi ip addr; on pi ip route show table all; on pi ip -6 route show table all; on pi ip rule; on pi ip -6 rule
}
routed_before=$(layout)

# --- preconditions: checked and explained before anything changes -------------
echo bridge-denied >"$ZH/control"
check_exit "a member Central has not let bridge: refused, exit 1" 1 UP --no-confirm
UP --no-confirm --json >"$T_TMP/refused.json"
check_eq "the refusal names the precondition and what to tick in Central" \
  'false zerotier.bridging fail true' \
  "$(jq -r '[.ok, (.preconditions[] | select(.status=="fail") | .name, .status), (.preconditions[] | select(.status=="fail") | .fix | test("Allow Ethernet Bridging"))] | join(" ")' "$T_TMP/refused.json")"
echo ok-noroute >"$ZH/control"
UP --no-confirm --json >"$T_TMP/refused.json"
check_eq "managed addresses on: refused, with the zerotier-cli line" \
  'zerotier-cli set c020b51e9e44c4ba allowManaged=0' \
  "$(jq -r '.preconditions[] | select(.name=="zerotier.managed") | .fix' "$T_TMP/refused.json")"
check_eq "a refusal changed nothing" "$routed_before" "$(layout)"
echo bridge-ok >"$ZH/control"
B show --zt-home "$ZH" --lan eth0 --json >"$T_TMP/show.json"
check_eq "show: the ZeroTier port from the service, the plan, and the filters" \
  'zt327pdwre zerotier api true true' \
  "$(jq -r '[.bridge.zerotier.value, .bridge.zerotier.source, (.plan | length > 0), (.ruleset | test("udp dport 67-68 drop"))] | join(" ")' "$T_TMP/show.json")"
check_eq "show changed nothing" "$routed_before" "$(layout)"

# --- before up: the backdoor carries no broadcast ------------------------------
listen remote 4992 before
on lan python3 "$SIM" send 4992 255.255.255.255 hello --dev eth0
sleep 0.5
check_eq "before up: a LAN broadcast on 4992 does not reach the remote side" 0 "$(lines before)"

# --- up --------------------------------------------------------------------------
cat >"$T_TMP/b.toml" <<'EOF'
[bridge]
broadcast_limit = "20/second"
mss = 1360
EOF
check "up (confirm on by default)" UP -c "$T_TMP/b.toml" --json
cp "$T_TMP/out" "$T_TMP/up.json"
check_eq "up's document: ok, changed, pending" "true true true" \
  "$(jq -r '[.ok, .changed, (.pending != null)] | join(" ")' "$T_TMP/up.json")"
check_eq "up warns of the MTU 2800 against 1500, with what to set" 'warn' \
  "$(jq -r '.preconditions[] | select(.name=="zerotier.mtu") | .status' "$T_TMP/up.json")"
check "confirmed by hand" on pi bdctl confirm --any-path
check_eq "the Pi keeps its address, on the bridge" "192.168.1.201/24" \
  "$(on pi ip -4 -o addr show dev br-bdctl | awk '{print $4}' | grep 192.168)"
check_eq "and its default route, on the bridge" "default via 192.168.1.1 dev br-bdctl" "$(on pi ip route show default | sed 's/ *$//')"
check_eq "and its other routes, in every table" "10.9.0.0/16 via 192.168.1.1 dev br-bdctl metric 50|10.8.0.0/16 via 192.168.1.1 dev br-bdctl" \
  "$(on pi ip route show 10.9.0.0/16 | sed 's/ *$//')|$(on pi ip route show table 100 | sed 's/ *$//')"
check_eq "a NetworkManager address moves with its subnet route, and the route through it" \
  "10.77.0.0/24 dev br-bdctl proto kernel scope link src 10.77.0.201 metric 100|10.78.0.0/16 via 10.77.0.1 dev br-bdctl metric 100" \
  "$(on pi ip route show 10.77.0.0/24 | sed 's/ *$//')|$(on pi ip route show 10.78.0.0/16 | sed 's/ *$//')"
check_eq "the bridge took the LAN's MAC" "$(on pi cat /sys/class/net/eth0/address)" "$(on pi cat /sys/class/net/br-bdctl/address)"
check_eq "STP off, no forward delay" "0 0" \
  "$(on pi cat /sys/class/net/br-bdctl/bridge/stp_state) $(on pi cat /sys/class/net/br-bdctl/bridge/forward_delay)"
check "the LAN still reaches the Pi" on lan ping -c1 -W2 192.168.1.201
check "up again: nothing changed" bash -c "$(declare -f on); T_PREFIX=$T_PREFIX; on pi bdctl-bridge up --zt-home $ZH --lan eth0 -c $T_TMP/b.toml --no-confirm --json | jq -e '.changed == false'"
check "status: ok" B status --json
CHK() { on pi bdctl-check --zt-home "$ZH" --json "$@"; }
check_exit "bdctl-check: bridged, the bridge.* checks all ok" 0 CHK --only bridge
check_eq "bridge.ports, filters, layout and zerotier, each ok" "bridge.ports:ok bridge.filters:ok bridge.layout:ok bridge.zerotier:ok" \
  "$(jq -r '[.checks[] | "\(.name):\(.status)"] | join(" ")' "$T_TMP/out")"
check_eq "bridged: the routed forwarding.sysctl and forwarding.rules are not judged" "" \
  "$(on pi bdctl-check --zt-home "$ZH" --list | grep -E '^forwarding\.(sysctl|rules)$')"
echo bridge-denied >"$ZH/control"
check_exit "Central no longer allows bridging: bridge.zerotier critical (exit 2)" 2 CHK --only bridge.zerotier
cp "$T_TMP/out" "$T_TMP/chk.json"
check "and says what to tick" grep -q 'Allow Ethernet Bridging' "$T_TMP/chk.json"
echo bridge-ok >"$ZH/control"

# --- what crosses, and what does not ------------------------------------------
listen remote 4992 after
on lan python3 "$SIM" send 4992 255.255.255.255 hello --dev eth0
wait_count after 1 2
check_eq "after up: the LAN broadcast reaches the remote side" 1 "$(lines after)"
check "ARP resolves across: the remote side reaches a LAN device" on remote ping -c1 -W2 192.168.1.10
check_eq "and knows the device's own MAC" "$(on lan cat /sys/class/net/eth0/address)" \
  "$(on remote ip neigh show 192.168.1.10 dev ztr | awk '{print $3}')"
bg on lan python3 "$LANSIM" dhcpd eth0 "$T_TMP/dhcpd.log" --ready "$T_TMP/dhcpd.ready"
for _ in $(seq 50); do [ -e "$T_TMP/dhcpd.ready" ] && break; sleep 0.05; done
on remote python3 "$LANSIM" discover ztr "$T_TMP/offer.log" --wait 1
on remote python3 "$LANSIM" solicit ztr
sleep 0.3
check_eq "a DHCP or DHCPv6 request from the remote side never reaches the LAN's server" 0 \
  "$(cat "$T_TMP/dhcpd.log" 2>/dev/null | wc -l)"
check_eq "and no offer comes back" 0 "$(wc -l <"$T_TMP/offer.log")"
# The other way: a DHCP server on the remote side hears nothing of the LAN's clients.
listen remote 67 remote_dhcpd
on lan python3 "$LANSIM" discover eth0 "$T_TMP/lanoffer.log" --wait 0.5
check "the LAN's own clients still get offers from it (the server works)" grep -q offer_from "$T_TMP/lanoffer.log"
sleep 0.3
check_eq "and a LAN client's DHCP discover never reaches the remote side" 0 "$(lines remote_dhcpd)"
bg on remote python3 "$LANSIM" frame-listen ztr 88b5 "$T_TMP/frames.log" --ready "$T_TMP/frames.ready" --for 1.5
for _ in $(seq 50); do [ -e "$T_TMP/frames.ready" ] && break; sleep 0.05; done
on lan python3 "$LANSIM" frame-send eth0 88b5 --count 3
sleep 1.7
check_eq "a frame of another protocol (0x88b5) does not cross" 0 "$(cat "$T_TMP/frames.log")"
tcp_listen lan 8080
bg on lan python3 "$LANSIM" syn-mss eth0 8080 "$T_TMP/mss"
for _ in $(seq 50); do [ -e "$T_TMP/mss.ready" ] && break; sleep 0.05; done
check "TCP from the remote side to a LAN device" tcp_connect remote 192.168.1.10 8080
sleep 0.2
check_eq "its SYN reaches the LAN clamped to the fixed MSS" 1360 "$(cat "$T_TMP/mss" 2>/dev/null)"
listen remote 5000 storm
on lan python3 "$SIM" send 5000 255.255.255.255 storm --count 200 --unique --gap-us 1000 --dev eth0
sleep 0.5
n=$(lines storm)
check "LAN broadcasts over 20/second are dropped: 200 in 0.2 s let ${n} through (at most 5 + 20 x 0.7)" \
  test "$n" -ge 5 -a "$n" -le 19

# Without the filters the same request does reach the server: the checks above can fail.
on pi nft flush chain bridge bdctl bridge_forward
on remote python3 "$LANSIM" discover ztr "$T_TMP/offer2.log" --wait 1
check "with the filters flushed by hand, the DHCP request reaches the LAN's server" grep -q '"type": 1' "$T_TMP/dhcpd.log"
on lan python3 "$LANSIM" discover eth0 "$T_TMP/lanoffer2.log" --wait 0.3
check "and a LAN client's discover reaches the remote side" wait_count remote_dhcpd 1 2
check_exit "status: the missing filters are drift, exit 1" 1 B status --json
check_exit "bdctl-check: bridge.filters critical" 2 CHK --only bridge.filters
check_eq "status names the missing rule" true \
  "$(B status --json | jq '[.filters[0].missing_rules[] | test("udp dport 67-68 drop")] | any')"
check "up again puts the filters back" UP -c "$T_TMP/b.toml" --no-confirm
check "status: ok again" B status

# A ZeroTier restart re-creates its tap outside the bridge.
on pi ip link set zt327pdwre nomaster
check_exit "the ZeroTier port out of the bridge: status exit 1" 1 B status
B status --text >"$T_TMP/st.txt"
check "status says what to do" grep -q 'zt327pdwre: not in the bridge (ZeroTier restarted? run bdctl-bridge up again)' \
  "$T_TMP/st.txt"
check_exit "bdctl-check: bridge.ports critical" 2 CHK --only bridge.ports
cp "$T_TMP/out" "$T_TMP/chk.json"
check "naming the port out of the bridge" grep -q 'zt327pdwre is not in br-bdctl' "$T_TMP/chk.json"
on pi ip addr del 192.168.1.201/24 dev br-bdctl
check_exit "the Pi's address gone from the bridge: bridge.layout critical" 2 CHK --only bridge.layout
check "up again takes it back" UP -c "$T_TMP/b.toml" --no-confirm
check "status: ok" B status

# --- up with other ports while bridged; a record that is not bdctl's ---------------
check_exit "up naming another LAN port while bridged: exit 2" 2 B up --zt-home "$ZH" --lan lo --no-confirm
check "naming the port and what to do" grep -q 'the LAN port lo (--lan): the site is bridged over eth0 and zt327pdwre; run bdctl-bridge down first' "$T_TMP/err"
cp "$BDCTL_STATE_DIR/bridge.json" "$T_TMP/rec.json"
jq '.mss = 70000' "$T_TMP/rec.json" >"$BDCTL_STATE_DIR/bridge.json"
check_exit "a record with mss 70000: status exit 2, nothing truncated" 2 B status
check "naming the file and the value" grep -q 'bridge.json: not bdctl-bridge.s record (mss 70000)' "$T_TMP/err"
jq '.routed.routes[0].interface = "wlan0"' "$T_TMP/rec.json" >"$BDCTL_STATE_DIR/bridge.json"
check_exit "a record with a route on another link: exit 2" 2 B status
cp "$T_TMP/rec.json" "$BDCTL_STATE_DIR/bridge.json"
check "the record back: status ok" B status

# --- the watch repairs it: a ZeroTier restart leaves its port outside the bridge ---
cat "$T_TMP/b.toml" - >"$T_TMP/w.toml" <<'EOF'
[watch]
interval = "500ms"
boot_grace = "0s"
settle = "2s"
forwarding_down_for = "1s"
internet_targets = ["icmp:192.168.1.10", "icmp:192.168.1.1"]
EOF
bg on pi env BDCTL_CONFIG="$T_TMP/w.toml" ZEROTIER_HOME="$ZH" bdctl-watch run
W_PID=${T_PIDS[-1]}
sleep 1.5
on pi ip link set zt327pdwre nomaster
healed() { for _ in $(seq 150); do B status --json >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
check "the watch puts the ZeroTier port back in the bridge within 15 s" healed
kill -TERM "$W_PID"; wait "$W_PID" 2>/dev/null
on pi env BDCTL_CONFIG="$T_TMP/w.toml" bdctl-watch history --json >"$T_TMP/wh.json"
check_eq "its history: the bridge re-made, once, for the broken forwarding layer" "1 true" \
  "$(jq -r '[([.actions[] | select(.action == "reapply-route")] | length), (.actions[0].result | test("^ok \\(bridge br-bdctl: "))] | map(tostring) | join(" ")' "$T_TMP/wh.json")"
check "and no bdctl-route table made" bash -c "! ip netns exec ${T_PREFIX}pi nft list table inet bdctl 2>/dev/null"

# --- routed or bridged, never both; the boot unit's commands --------------------
check_exit "bdctl-route up on a bridged site: refused, exit 1" 1 on pi bdctl-route up --zt zt327pdwre --lan eth0 --no-confirm
check "naming what to do" grep -q 'the site is bridged (br-bdctl holds eth0 and zt327pdwre.*bdctl-bridge down first' "$T_TMP/err"
check_exit "bdctl-route up --unless-bridged: nothing, exit 0" 0 on pi bdctl-route up --allow-missing --unless-bridged --json
check_eq "its document says why" "false br-bdctl" "$(jq -r '[.changed, .bridged] | map(tostring) | join(" ")' "$T_TMP/out")"
check_not "no bdctl-route table made" on pi nft list table inet bdctl
on pi ip link set zt327pdwre nomaster
check "the boot unit's bdctl-bridge up --if-bridged makes the recorded bridge again" \
  on pi bdctl-bridge up --if-bridged --no-confirm --zt-home "$T_TMP/nozt"
check "status: ok" B status

# --- down: the routed layout back, byte for byte -------------------------------
check "down" B down --no-confirm
check_eq "down restores links, addresses, routes and rules exactly" "$routed_before" "$(layout)"
check_eq "and removes table bridge bdctl" "" "$(on pi nft list tables | grep bridge)"
check "down again: nothing to do, exit 0" B down --no-confirm
check_exit "up --if-bridged with no bridge on record: nothing, exit 0" 0 B up --if-bridged --no-confirm --json
check_eq "its document: nothing changed, nothing recorded" "false false" \
  "$(jq -r '[.changed, .recorded] | map(tostring) | join(" ")' "$T_TMP/out")"
check_eq "routed again: no bridge.* checks" "" "$(on pi bdctl-check --zt-home "$ZH" --list | grep '^bridge\.')"

# --- an up that cuts the operator off is rolled back ---------------------------
# The site's own firewall lets SSH in on eth0 by name: once the address moves
# to the bridge, the operator's packets arrive on br-bdctl and are dropped.
on pi nft -f - <<'NFT'
table inet site_fw {
	chain input {
		type filter hook input priority filter; policy drop;
		iifname "lo" accept
		iifname "eth0" accept
	}
}
NFT
routed_before=$(layout)
check "before: the operator reaches the Pi" on lan ping -c1 -W1 192.168.1.201
on pi env SSH_CONNECTION="192.168.1.10 50022 192.168.1.201 22" bdctl-bridge up --zt-home "$ZH" --lan eth0 --confirm=3s \
  --json >"$T_TMP/cut.json"
check_eq "up armed a rollback" true "$(jq '.pending != null' "$T_TMP/cut.json")"
check_not "after up: the operator is cut off" on lan ping -c1 -W1 192.168.1.201
for _ in $(seq 80); do [ -e "$BDCTL_STATE_DIR/pending.json" ] || break; sleep 0.1; done
check_eq "not confirmed: rolled back at the deadline, exactly" "$routed_before" "$(layout)"
check "the operator reaches the Pi again" on lan ping -c1 -W2 192.168.1.201
check_eq "no bridge table left behind" "" "$(on pi nft list tables | grep bridge)"
check "the site's own table untouched" on pi nft list table inet site_fw
check "the rollback is in the audit log" grep -q '"event":"rollback"' "$BDCTL_LOG_DIR/change-audit.log"
on pi nft delete table inet site_fw

# --- bad input: a clear error, exit 2, nothing changed -------------------------
printf '[bridge]\nmss = 100\n' >"$T_TMP/bad.toml"
check_exit "mss = 100: exit 2" 2 UP -c "$T_TMP/bad.toml" --no-confirm
check "the error names file:line and the value" grep -q 'bad.toml:2.*100 is not an MSS' "$T_TMP/err"
printf '[bridge]\nbroadcast_limit = "lots"\n' >"$T_TMP/bad.toml"
check_exit "a bad broadcast_limit: exit 2" 2 UP -c "$T_TMP/bad.toml" --no-confirm
printf '[bridge]\nstp = true\n' >"$T_TMP/bad.toml"
check_exit "an unknown key: exit 2" 2 UP -c "$T_TMP/bad.toml" --no-confirm
check_exit "--lan naming the ZeroTier port: exit 2" 2 B up --zt-home "$ZH" --lan zt327pdwre --no-confirm
check_eq "bad input changed nothing" "$routed_before" "$(layout)"
check_exit "status with no up on record: exit 1" 1 B status

done_testing
