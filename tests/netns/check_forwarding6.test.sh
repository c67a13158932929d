#!/bin/bash
# forwarding.sysctl on the IPv6 side: checked when bdctl-route routes IPv6,
# or (without bdctl-route's state) when the ZeroTier and LAN interfaces both
# carry IPv6 beyond link-local; net.ipv6.conf.all.forwarding off is critical,
# on is ok; per-interface "forwarding" (host/router behaviour) is shown, not
# judged; force_forwarding (Linux 6.17+) counts where the kernel has it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
site
pyget() {  # pyget FILE EXPR: a value from forwarding.sysctl's details
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["checks"] if c["name"] == "forwarding.sysctl"][0]["details"]
v = eval(sys.argv[2], {"d": c})
print(" ".join(v) if isinstance(v, list) else ("null" if v is None else v))' "$1" "$2"
}
fwd() { runcheck --only forwarding.sysctl --zt zt0 --lan eth0 "$@"; }
# IPv4 side on and loose, so only IPv6 decides below.
pi_run sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 \
  net.ipv4.conf.zt0.rp_filter=0

# zt0 (fd7a::1) and eth0 (fd00:1::201) carry IPv6: the IPv6 side is checked.
pi_run sysctl -qw net.ipv6.conf.all.forwarding=0
fwd
check_eq "IPv6 forwarding off: critical" critical "$(cstatus $T_TMP/r.json forwarding.sysctl)"
check "IPv6 forwarding off: names the key" grep -q 'forwarding off: net.ipv6.conf.all.forwarding' <(csummary $T_TMP/r.json forwarding.sysctl)
check_eq "families ipv4 ipv6" "ipv4 ipv6" "$(pyget $T_TMP/r.json 'd["families"]')"
check_eq "why IPv6 is checked" "zt0 and eth0 have IPv6 addresses" "$(pyget $T_TMP/r.json 'd["ipv6_reason"]')"
check_eq "value shown" 0 "$(pyget $T_TMP/r.json 'd["values"]["net.ipv6.conf.all.forwarding"]')"
check_eq "exit 2" 2 "$RC"

pi_run sysctl -qw net.ipv6.conf.all.forwarding=1
fwd
check_eq "IPv6 forwarding on: ok" ok "$(cstatus $T_TMP/r.json forwarding.sysctl)"
check "ok summary names both families" grep -q 'IPv4 and IPv6 forwarding on for zt0, eth0' <(csummary $T_TMP/r.json forwarding.sysctl)
check_eq "per-interface value shown" 1 "$(pyget $T_TMP/r.json 'd["values"]["net.ipv6.conf.eth0.forwarding"]')"
check_eq "exit 0" 0 "$RC"

# Per-interface forwarding 0 under a global 1: the interface acts as a host
# (accepts router advertisements) but packets are still forwarded.
pi_run sysctl -qw net.ipv6.conf.eth0.forwarding=0
fwd
check_eq "per-interface IPv6 forwarding 0: still ok" ok "$(cstatus $T_TMP/r.json forwarding.sysctl)"
check_eq "per-interface value 0 shown" 0 "$(pyget $T_TMP/r.json 'd["values"]["net.ipv6.conf.eth0.forwarding"]')"
# The IPv4 per-interface key does decide IPv4 forwarding: critical.
pi_run sysctl -qw net.ipv4.conf.eth0.forwarding=0
fwd
check "per-interface IPv4 forwarding 0: critical, named" grep -q 'forwarding off: net.ipv4.conf.eth0.forwarding' <(csummary $T_TMP/r.json forwarding.sysctl)
pi_run sysctl -qw net.ipv4.conf.eth0.forwarding=1 net.ipv6.conf.all.forwarding=1

# Linux 6.17+: force_forwarding on every routed interface forwards without the global switch.
if pi_run test -e /proc/sys/net/ipv6/conf/all/force_forwarding; then
  pi_run sysctl -qw net.ipv6.conf.all.forwarding=0 net.ipv6.conf.zt0.force_forwarding=1
  fwd
  check_eq "force_forwarding on zt0 only: critical" critical "$(cstatus $T_TMP/r.json forwarding.sysctl)"
  check "force_forwarding: the way out is named" grep -q 'or force_forwarding on both interfaces' <(csummary $T_TMP/r.json forwarding.sysctl)
  pi_run sysctl -qw net.ipv6.conf.eth0.force_forwarding=1
  fwd
  check_eq "force_forwarding on zt0 and eth0: ok" ok "$(cstatus $T_TMP/r.json forwarding.sysctl)"
  pi_run sysctl -qw net.ipv6.conf.all.forwarding=1
else
  echo "# this kernel has no net.ipv6.conf.*.force_forwarding (Linux < 6.17)"
fi

# No IPv6 on the ZeroTier side: nothing to forward over IPv6, not checked.
pi_run sysctl -qw net.ipv6.conf.all.forwarding=0
ip -n "${T_PREFIX}pi" addr del fd7a::1/64 dev zt0
fwd
check_eq "zt0 without IPv6: ok although IPv6 forwarding is off" ok "$(cstatus $T_TMP/r.json forwarding.sysctl)"
check_eq "families ipv4" ipv4 "$(pyget $T_TMP/r.json 'd["families"]')"
check "summary says why IPv6 is not checked" grep -q 'IPv6 not checked: no IPv6 address beyond link-local on the ZeroTier interface' <(csummary $T_TMP/r.json forwarding.sysctl)
ip -n "${T_PREFIX}pi" addr add fd7a::1/64 dev zt0 nodad
# ...and IPv6 on zt0 but not on the LAN: not checked either.
ip -n "${T_PREFIX}pi" addr del fd00:1::201/64 dev eth0
fwd
check_eq "LAN without IPv6: not checked" "ok ipv4" "$(cstatus $T_TMP/r.json forwarding.sysctl) $(pyget $T_TMP/r.json 'd["families"]')"
check_eq "LAN without IPv6: reason" "zt0 has IPv6 but the LAN interface eth0 has none beyond link-local" \
  "$(pyget $T_TMP/r.json 'd["ipv6_reason"]')"

# bdctl-route's applied family decides when it has run: IPv4 only...
pi_run bdctl-route up --zt zt0 --lan eth0 --family ipv4 >/dev/null 2>"$T_TMP/route.err" || cat "$T_TMP/route.err"
ip -n "${T_PREFIX}pi" addr add fd00:1::201/64 dev eth0 nodad
fwd
check_eq "bdctl-route --family ipv4: IPv6 not checked" "ok ipv4" \
  "$(cstatus $T_TMP/r.json forwarding.sysctl) $(pyget $T_TMP/r.json 'd["families"]')"
check_eq "reason: route's family" "bdctl-route up routes IPv4 only" "$(pyget $T_TMP/r.json 'd["ipv6_reason"]')"
# ...or both (it turns IPv6 forwarding on; turned off behind its back, reported).
pi_run bdctl-route up --zt zt0 --lan eth0 --family both >/dev/null 2>"$T_TMP/route.err" || cat "$T_TMP/route.err"
fwd
check_eq "bdctl-route --family both: ok" ok "$(cstatus $T_TMP/r.json forwarding.sysctl)"
pi_run sysctl -qw net.ipv6.conf.all.forwarding=0
ip -n "${T_PREFIX}pi" addr del fd7a::1/64 dev zt0
fwd
check_eq "bdctl-route routes IPv6, forwarding turned off: critical even without zt IPv6" critical \
  "$(cstatus $T_TMP/r.json forwarding.sysctl)"
check_eq "reason: route routes IPv6" "bdctl-route up routes IPv6" "$(pyget $T_TMP/r.json 'd["ipv6_reason"]')"
pi_run bdctl-route down >/dev/null 2>&1
done_testing
