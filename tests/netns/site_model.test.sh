#!/usr/bin/env bash
# One site model for every tool: the site moves to another ZeroTier network
# (leave, join: another interface name) and neither bdctl-route status nor
# bdctl-check calls the old rules ok; the LAN is the one a managed route via
# this node covers, not the uplink the default route leaves by; both tools
# find the same interfaces, and say where each came from.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
site
# The Pi's uplink is another link (the hotspot), holding the default route;
# eth0 is the LAN, known only through the managed route via this node.
ns hotspot
link pi wwan0 hotspot lan0
on pi ip addr add 172.20.10.2/28 dev wwan0
on pi ip route replace default via 172.20.10.1 dev wwan0
zt_iface
zt_start ok-route  # 192.168.0.0/23 via 10.147.20.54 (this node)
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# --- route and check find the same site ------------------------------------------
pi_run bdctl-route up --zt-home "$ZH" --json >"$T_TMP/up.json"
check_eq "route up without interface flags: exit 0" 0 "$?"
check_eq "up: the LAN is the link the managed route covers, not the uplink" \
  "eth0 managed route 192.168.0.0/23 via 10.147.20.54" "$(json "$T_TMP/up.json" 'd["lan_interface"], d["lan_source"]')"
check_eq "up: the ZeroTier interface is the one the service serves" "zt327pdwre zerotier api" \
  "$(json "$T_TMP/up.json" 'd["zt_interface"], d["zt_source"]')"
pi_run bdctl-route status --zt-home "$ZH" --json >"$T_TMP/st.json"; rc=$?
check_eq "status right after up: ok, exit 0" "True 0" "$(json "$T_TMP/st.json" 'd["ok"]') $rc"
check_eq "status shows the site with sources" "eth0 last up" \
  "$(json "$T_TMP/st.json" 'd["site"]["lan_interface"]["value"], d["site"]["lan_interface"]["source"]')"
check_eq "... and the managed route the site needs, present" "192.168.0.0/23 10.147.20.54 True" \
  "$(json "$T_TMP/st.json" 'd["site"]["routes"][0]["target"], d["site"]["routes"][0]["via"], d["site"]["routes"][0]["present"]')"
pi_run bdctl-check --json --zt-home "$ZH" --only forwarding.rules >"$T_TMP/c1.json"
check_eq "check: forwarding.rules ok for the same pair" ok "$(cstatus "$T_TMP/c1.json" forwarding.rules)"
check_eq "check's details carry the same site" "eth0 zt327pdwre" \
  "$(json "$T_TMP/c1.json" '[c for c in d["checks"] if c["name"]=="forwarding.rules"][0]["details"]["site"]["lan_interface"]["value"], [c for c in d["checks"] if c["name"]=="forwarding.rules"][0]["details"]["site"]["zerotier_interface"]["value"]')"
pi_run bdctl-check --json --zt-home "$ZH" --only forwarding.sysctl >"$T_TMP/c0.json"
check "check judges the sysctls of the LAN route found, not of the uplink" \
  grep -q 'net.ipv4.conf.eth0.forwarding' "$T_TMP/c0.json"
check_not "... wwan0 is not the LAN" grep -q 'net.ipv4.conf.wwan0.forwarding' "$T_TMP/c0.json"

# --- the site moves to another network -----------------------------------------
# zerotier-cli leave + join: the old interface goes, a new one comes.
zt_state moved
on pi ip link del zt327pdwre
on pi ip link add ztmoved0 type veth peer name ztmpeer0
on pi ip addr add 10.147.30.54/24 dev ztmoved0
on pi ip link set ztmoved0 up; on pi ip link set ztmpeer0 up
pi_run bdctl-route status --zt-home "$ZH" --json >"$T_TMP/st2.json"; rc=$?
check_eq "moved: route status is not ok, exit 1" "False 1" "$(json "$T_TMP/st2.json" 'd["ok"]') $rc"
check "moved: it names the interface the service serves now" \
  grep -q 'the last bdctl-route up routed zt327pdwre; the ZeroTier service serves ztmoved0 now' "$T_TMP/st2.json"
pi_run bdctl-route status --zt-home "$ZH" --text >"$T_TMP/st2.txt"
check_not "moved: the text does not begin with ok:" grep -q '^ok:' "$T_TMP/st2.txt"
check "moved: the text says to run up" grep -q '\[FAIL\] site: .*ztmoved0 now: run bdctl-route up' "$T_TMP/st2.txt"
pi_run bdctl-check --json --zt-home "$ZH" --only forwarding >"$T_TMP/c2.json"; rc=$?
check_eq "moved: check's forwarding.rules is critical, exit 2" "critical 2" "$(cstatus "$T_TMP/c2.json" forwarding.rules) $rc"
csummary "$T_TMP/c2.json" forwarding.rules >"$T_TMP/c2.sum"
check "... saying the rules are for the old pair and the service serves the new one" \
  grep -q 'rules are for zt327pdwre <-> eth0, but .*serves ztmoved0 now.*zt327pdwre does not exist: run bdctl-route up' "$T_TMP/c2.sum"
check "... while forwarding.sysctl looks at the new interface" grep -q 'net.ipv4.conf.ztmoved0.forwarding' "$T_TMP/c2.json"

# The old link still there (a second network kept joined by hand): still a conflict.
on pi ip link add zt327pdwre type veth peer name ztpeer9
check_exit "old link back but not served: route status exit 1" 1 pi_run bdctl-route status --zt-home "$ZH"
on pi ip link del zt327pdwre

# up again, without flags: the rules follow the site.
pi_run bdctl-route up --zt-home "$ZH" --json >"$T_TMP/up2.json"
check_eq "up after the move routes the new interface" "ztmoved0 eth0" \
  "$(json "$T_TMP/up2.json" 'd["zt_interface"], d["lan_interface"]')"
check_exit "status: ok again, exit 0" 0 pi_run bdctl-route status --zt-home "$ZH"
pi_run bdctl-check --json --zt-home "$ZH" --only forwarding.rules,zerotier.route >"$T_TMP/c3.json"
check_eq "check: rules ok, route ok (192.168.0.0/23 via 10.147.30.54)" "ok ok" \
  "$(cstatus "$T_TMP/c3.json" forwarding.rules) $(cstatus "$T_TMP/c3.json" zerotier.route)"

# --- the service down: the record stands, and says so ----------------------------
pkill -f "ztemu.py --home $ZH "; sleep 0.2
pi_run bdctl-route status --zt-home "$ZH" --json >"$T_TMP/st4.json"; rc=$?
check_eq "service down, interface there: status judged on what it sees (exit 0)" 0 "$rc"
check "... with a note that the service was not asked" grep -q 'ZeroTier service not asked' "$T_TMP/st4.json"
check_eq "... and the managed route unknown, not missing" "None" "$(json "$T_TMP/st4.json" 'd["site"]["routes"][0]["present"]')"

done_testing
