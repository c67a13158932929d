#!/bin/bash
# bdctl-check on the simulated site: LAN targets up, refused and blackholed
# (a blackholed target costs only its timeout), the duplicate-address probe,
# forwarding sysctls and foreign drop policies, every output format, exit codes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
site
zt_iface
zt_start ok-route
# The site's main router, so the Pi's default gateway answers ARP.
ip -n "${T_PREFIX}lan" addr add 192.168.1.1/24 dev eth0
tcp_listen lan 3389

TARGETS=(--target nuc=192.168.1.10:3389 --target kmtronic=192.168.1.10:80 --target ghost=192.168.1.77:22)
start=$(date +%s%N)
runcheck --only lan --timeout 1s "${TARGETS[@]}"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check_eq "listening target ok" ok "$(cstatus $T_TMP/r.json lan.nuc)"
check_eq "closed port critical (refused)" critical "$(cstatus $T_TMP/r.json lan.kmtronic)"
check "refused is named" grep -q 'connection refused' <(csummary $T_TMP/r.json lan.kmtronic)
check_eq "absent host critical" critical "$(cstatus $T_TMP/r.json lan.ghost)"
check "absent host: no answer within 1s" grep -q 'no answer within 1s' <(csummary $T_TMP/r.json lan.ghost)
check "the blackholed target cost one timeout, not more ($ms ms)" test "$ms" -lt 1800
check_eq "exit 2 with a critical target" 2 "$RC"

# Twenty blackholed targets cost the same one timeout.
many=()
for i in $(seq 100 119); do many+=(--target "b$i=192.168.1.$i:80"); done
start=$(date +%s%N)
runcheck --only lan --timeout 1s "${many[@]}"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "20 blackholed targets finish in about one timeout ($ms ms)" test "$ms" -lt 1800
check_eq "all 20 reported" 20 "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["checks"]))' $T_TMP/r.json)"

runcheck --only lan.nuc "${TARGETS[@]}"
check_eq "only the good target: exit 0" 0 "$RC"

# Address plan: nobody else has the Pi's address, then the LAN host claims it too.
runcheck --only plan.duplicate --timeout 500ms
check_eq "no duplicate of 192.168.1.201" ok "$(cstatus $T_TMP/r.json plan.duplicate)"
lanmac=$(ip -n "${T_PREFIX}lan" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
ip -n "${T_PREFIX}lan" addr add 192.168.1.201/24 dev eth0
runcheck --only plan.duplicate --timeout 500ms
check_eq "duplicate address detected" critical "$(cstatus $T_TMP/r.json plan.duplicate)"
check "the other device's MAC is named" grep -q "192.168.1.201 is also claimed by $lanmac" <(csummary $T_TMP/r.json plan.duplicate)
ip -n "${T_PREFIX}lan" addr del 192.168.1.201/24 dev eth0

# Address ranges from the config file.
cat >"$T_TMP/bdctl.toml" <<'TOML'
[site]
subnet = "192.168.1.0/24"
[site.ranges]
main_dhcp = "192.168.1.2-192.168.1.204"
hotspot = "192.168.1.205-192.168.1.254"
[site.static]
pi = "192.168.1.201"
[check.targets]
nuc = "192.168.1.10:3389"
TOML
runcheck --config "$T_TMP/bdctl.toml" --only plan.ranges,lan
check_eq "static host inside the DHCP pool: critical" critical "$(cstatus $T_TMP/r.json plan.ranges)"
check "names host and pool" grep -q 'static host pi (192.168.1.201) is inside main_dhcp' <(csummary $T_TMP/r.json plan.ranges)
check_eq "config targets are checked" ok "$(cstatus $T_TMP/r.json lan.nuc)"
sed -i 's/192.168.1.2-192.168.1.204/192.168.1.2-192.168.1.199/' "$T_TMP/bdctl.toml"
runcheck --config "$T_TMP/bdctl.toml" --only plan.ranges
check_eq "separate ranges: ok" ok "$(cstatus $T_TMP/r.json plan.ranges)"
echo 'subnet = ' >>"$T_TMP/bdctl.toml"
check_exit "malformed config: exit 3" 3 pi_run bdctl-check --config "$T_TMP/bdctl.toml"
check "malformed config: names file and line" grep -q "$T_TMP/bdctl.toml:1[0-9]" "$T_TMP/err"

# Forwarding: off on a fresh Pi, on after the sysctls, strict rp_filter warned.
runcheck --only forwarding.sysctl
check_eq "forwarding off: critical" critical "$(cstatus $T_TMP/r.json forwarding.sysctl)"
pi_run sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 \
  net.ipv4.conf.zt0.rp_filter=0 net.ipv4.conf.zt327pdwre.rp_filter=0
runcheck --only forwarding.sysctl
check_eq "forwarding on: ok" ok "$(cstatus $T_TMP/r.json forwarding.sysctl)"
runcheck --only forwarding.sysctl --lan nosuch0
check_eq "--lan nosuch0: critical, never ok with null values" critical "$(cstatus $T_TMP/r.json forwarding.sysctl)"
check "... names the absent interface" grep -q 'no interface named nosuch0' <(csummary $T_TMP/r.json forwarding.sysctl)
pi_run sysctl -qw net.ipv4.conf.eth0.rp_filter=1
runcheck --only forwarding.sysctl
check_eq "strict rp_filter: warning" warning "$(cstatus $T_TMP/r.json forwarding.sysctl)"
check "strict rp_filter names the interface" grep -q 'strict rp_filter on eth0' <(csummary $T_TMP/r.json forwarding.sysctl)
runcheck --only forwarding.drops
check_eq "no foreign drop policy: ok" ok "$(cstatus $T_TMP/r.json forwarding.drops)"
pi_run nft 'add table ip dockerish; add chain ip dockerish FORWARD { type filter hook forward priority 0; policy drop; }'
runcheck --only forwarding.drops
# It drops the backdoor's traffic: that is a failure, not a warning (issue "One site, one truth").
check_eq "foreign drop policy that drops the routed traffic: critical" critical "$(cstatus $T_TMP/r.json forwarding.drops)"
check "names the chain" grep -q 'ip dockerish FORWARD' <(csummary $T_TMP/r.json forwarding.drops)
check "gives the exact fix" grep -q 'nft insert rule ip dockerish FORWARD iifname' <(csummary $T_TMP/r.json forwarding.drops)
for zt in zt0 zt327pdwre ztpeer0; do  # bdctl-check checks every zt* link here
  pi_run nft "insert rule ip dockerish FORWARD iifname \"$zt\" oifname \"eth0\" accept"
  pi_run nft "insert rule ip dockerish FORWARD iifname \"eth0\" oifname \"$zt\" ct state established,related accept"
done
runcheck --only forwarding.drops
check_eq "the same chain once it accepts both directions: ok" ok "$(cstatus $T_TMP/r.json forwarding.drops)"
pi_run nft 'flush chain ip dockerish FORWARD'
runcheck --only forwarding.drops
runcheck --only forwarding.rules,forwarding.mss
check_eq "bdctl-route never run: rules critical" critical "$(cstatus $T_TMP/r.json forwarding.rules)"
check "rules: says to run bdctl-route up" grep -q 'run bdctl-route up' <(csummary $T_TMP/r.json forwarding.rules)
# A site without a PPPoE hop needs no clamp: only a configured or recorded clamp is judged.
check_eq "no MSS clamp, none configured: ok" ok "$(cstatus $T_TMP/r.json forwarding.mss)"
runcheck --only uplink.route,uplink.gateway
check_eq "default route present" ok "$(cstatus $T_TMP/r.json uplink.route)"
check_eq "gateway answers ARP" ok "$(cstatus $T_TMP/r.json uplink.gateway)"

# Every format parses.
runcheck "${TARGETS[@]}" --timeout 500ms
check "JSON: one document, schema_version first, documented keys" python3 - "$T_TMP/r.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text)
assert list(d)[:8] == ["schema_version", "command", "ok", "status", "duration_ms", "timestamp", "counts", "checks"], list(d)
assert d["command"] == "check" and d["ok"] == (d["status"] == "ok")
assert d["schema_version"] == 1
assert d["status"] in ("ok", "warning", "critical", "unknown")
for c in d["checks"]:
    assert list(c) == ["name", "status", "summary", "details", "duration_ms"], c
    assert c["status"] in ("ok", "warning", "critical", "unknown")
    assert isinstance(c["duration_ms"], int) and isinstance(c["details"], dict)
assert len(text.strip().splitlines()) == 1
PY
check_eq "JSON status = exit code" "critical 2" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' $T_TMP/r.json) $RC"

pi_run bdctl-check --format nagios --zt-home "$ZH" "${TARGETS[@]}" --timeout 500ms >"$T_TMP/n.txt"; nrc=$?
check_eq "Nagios: exit code 2" 2 "$nrc"
check_eq "Nagios: exactly one line" 1 "$(wc -l <"$T_TMP/n.txt")"
check "Nagios: line shape and perfdata" python3 - "$T_TMP/n.txt" <<'PY'
import re, sys
line = open(sys.argv[1]).read().rstrip("\n")
m = re.fullmatch(r"BDCTL (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]*) \| (.*)", line)
assert m, line
for item in m.group(3).split(" "):
    assert re.fullmatch(r"'[^'=]+'=-?[0-9.]+(s|ms|%|B|KB|MB|TB|c)?(;[0-9.:~@-]*){0,4}", item), item
PY

check_exit "--output into a missing directory: unknown (3)" 3 pi_run bdctl-check --format prometheus --output "$T_TMP/prom/bdctl.prom" \
  --zt-home "$ZH" "${TARGETS[@]}" --timeout 500ms
mkdir -p "$T_TMP/prom"
check_exit "Prometheus to a file: exit code 2" 2 pi_run bdctl-check --format prometheus --output "$T_TMP/prom/bdctl.prom" \
  --zt-home "$ZH" "${TARGETS[@]}" --timeout 500ms
pi_run bdctl-check --format prometheus --output "$T_TMP/prom/bdctl.prom" --zt-home "$ZH" "${TARGETS[@]}" --timeout 500ms >"$T_TMP/stdout"
check_eq "Prometheus: nothing on stdout with --output" 0 "$(wc -c <"$T_TMP/stdout")"
check_eq "Prometheus: no temporary file left" "bdctl.prom" "$(ls "$T_TMP/prom")"
if command -v promtool >/dev/null; then
  check "Prometheus: promtool accepts it" promtool check metrics <"$T_TMP/prom/bdctl.prom"
fi
check "Prometheus: strict line check" python3 - "$T_TMP/prom/bdctl.prom" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
assert text.endswith("\n")
typed, seen = {}, set()
name = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
for line in text.splitlines():
    if line.startswith("# HELP "):
        assert re.fullmatch(r"# HELP (%s) .+" % name, line), line
    elif line.startswith("# TYPE "):
        m = re.fullmatch(r"# TYPE (%s) (gauge|counter|untyped)" % name, line)
        assert m and m.group(1) not in typed, line
        typed[m.group(1)] = m.group(2)
    else:
        m = re.fullmatch(r'(%s)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"\})? (-?[0-9.]+(?:e[+-]?[0-9]+)?)' % name, line)
        assert m, line
        assert m.group(1) in typed, "sample before TYPE: " + line
        assert (m.group(1), m.group(2)) not in seen, "duplicate " + line
        seen.add((m.group(1), m.group(2)))
assert 'bdctl_check_status{check="lan.kmtronic"} 2' in text
PY
pi_run bdctl-check --text --zt-home "$ZH" "${TARGETS[@]}" --timeout 500ms >"$T_TMP/t.txt"
check "text: headline and a line per check" grep -q '^CRITICAL: ' "$T_TMP/t.txt"
check "text: failed target marked" grep -q '^\[CRIT\] lan.kmtronic' "$T_TMP/t.txt"

# Usage errors are UNKNOWN (3), as monitoring plugins do.
check_exit "bad --timeout: 3" 3 pi_run bdctl-check --timeout soon
check_exit "unknown --only name: 3" 3 pi_run bdctl-check --only lan.nothere
check_exit "bad --target: 3" 3 pi_run bdctl-check --target nuc=192.168.1.10
check_exit "unknown option: 3" 3 pi_run bdctl-check --frobnicate
done_testing
