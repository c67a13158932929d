#!/usr/bin/env bash
# Fault injection: the kernel refuses an operation in the middle of a batch.
# One of the chains a tool replaces is swapped for a regular chain of the same
# name that a hand-made chain jumps to, so the kernel refuses its delete after
# earlier operations of the same batch (the first chain's delete, add and
# rules) were accepted. Nothing may change: ruleset,
# forwarding sysctls, the sysctl.d drop-in and the tool's state file.
. "$(dirname "$0")/lib.sh"

ns pi
on pi ip link add zt0 type veth peer name ztpeer
on pi ip link add eth0 type veth peer name ethpeer
for i in zt0 ztpeer eth0 ethpeer; do on pi ip link set "$i" up; done
on pi sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
R() { on pi bdctl-route "$@"; }
M() { on pi bdctl-mss "$@"; }
ruleset() { on pi nft list ruleset; }
snapshot() {  # everything a failed apply must leave alone
  ruleset
  on pi sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding
  ls -l --time-style=+%s.%N "$T_TMP/sysctl.d" 2>/dev/null
  cat "$T_TMP/state/"*.json 2>/dev/null
}

# --- bdctl-route: old ruleset in place, the second chain of the batch refused ---
check "route up (old: ipv4 only, masquerade)" R up --zt zt0 --lan eth0 --family ipv4
obstacle() {  # obstacle CHAIN: CHAIN becomes a regular chain that 'mine' jumps to
  on pi nft delete chain inet bdctl "$1"
  on pi nft add chain inet bdctl "$1"
  on pi nft add chain inet bdctl mine
  on pi nft add rule inet bdctl mine jump "$1"
}
obstacle route_postrouting
before=$(snapshot)
R up --zt zt0 --lan eth0 --family both --allow-lan-initiated >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "route up to new options fails with exit 1" 1 "$rc"
check "the error names the refused operation" grep -q 'route_postrouting: Device or resource busy' "$T_TMP/e"
check_eq "the error is one line" 1 "$(wc -l <"$T_TMP/e")"
check_eq "ruleset, forwarding, drop-in and state are exactly as before" "$before" "$(snapshot)"
check "route_forward still has the old (ipv4 only) rules" \
  bash -c "! ip netns exec ${T_PREFIX}pi nft list chain inet bdctl route_forward | grep -q 'ip6\|nfproto ipv6'"

# The refused batch also left no half-made chain behind for the next run.
on pi nft delete table inet bdctl
check "route up succeeds once the obstacle is gone" R up --zt zt0 --lan eth0
check "and status reports no drift" R status

# --- bdctl-mss beside it: its second chain (mss_output) refused --------------------
check "mss set --mss 1300 --local (old)" M set --mss 1300 --local
obstacle mss_output
before=$(snapshot)
check_exit "mss set --mss 1200 --local fails with exit 1" 1 M set --mss 1200 --local
check_eq "ruleset and mss.json exactly as before" "$before" "$(snapshot)"
check "the error names the refused operation" grep -q 'mss_output: Device or resource busy' "$T_TMP/err"
check_exit "mss clear is refused as a whole too" 1 M clear
check_eq "ruleset unchanged after the refused clear" "$before" "$(snapshot)"

# --- the other tool's chains are not in the way of the first one -------------------
check "route up still works (its chains are not the obstacle)" R up --zt zt0 --lan eth0 --family ipv6
check "route status clean" R status
on pi nft delete chain inet bdctl mine
on pi nft delete chain inet bdctl mss_output
check "mss clear works once the jump is gone" M clear
check "route down" R down
check_eq "forwarding restored to off" "0 0" "$(on pi sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding | xargs)"

done_testing
