#!/usr/bin/env bash
# bdctl-mss and bdctl-route share `table inet bdctl`: each replaces and removes
# only its own chains. Uses the real bdctl-route when it is built, else a
# stand-in route_forward chain made with nft.
. "$(dirname "$0")/lib.sh"
mss_cleanup() { local n; for n in "${T_NAMESPACES[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null; done; t_cleanup; }
trap mss_cleanup EXIT

site
M() { on pi bdctl-mss "$@"; }
chains() { on pi nft list table inet bdctl 2>/dev/null | awk '/^\tchain/ {print $2}' | sort | tr '\n' ' '; }
if [ -x "$BDCTL_BIN/bdctl-route" ]; then
  route_up() { on pi bdctl-route up --zt zt0 --lan eth0 >/dev/null; }
  route_down() { on pi bdctl-route down >/dev/null; }
  echo "# using the real bdctl-route"
else
  route_up() { on pi nft -f - <<'NFT'
table inet bdctl {
	chain route_forward { type filter hook forward priority filter; policy accept; }
}
NFT
  }
  route_down() { on pi nft delete chain inet bdctl route_forward; }
  echo "# bdctl-route not built: a stand-in route_forward chain"
fi

check "route up" route_up
route_only=$(on pi nft list chain inet bdctl route_forward)
check "mss set beside it" M set --mss 1300 --iface zt0
check "both tools' chains are there" grep -q "mss_forward route_forward" <<<"$(chains)"
check_eq "set left the route chain exactly as it was" "$route_only" "$(on pi nft list chain inet bdctl route_forward)"
check "mss status: no drift beside route's chains" M status

# The clamp works through bdctl-route's forwarding (when the real tool routes).
if [ -x "$BDCTL_BIN/bdctl-route" ]; then
  tcp_listen lan 3389
  check "TCP crosses the Pi with both tools' chains" tcp_connect remote 192.168.1.10 3389
fi

before=$(on pi nft list chain inet bdctl mss_forward)
check "route down" route_down
check_eq "route down leaves the clamp" "$before" "$(on pi nft list chain inet bdctl mss_forward)"
check "mss status still without drift" M status

check "route up again" route_up
check "mss clear" M clear
check_eq "mss clear leaves route's chains" "$route_only" "$(on pi nft list chain inet bdctl route_forward)"
check_not "and removes its own" on pi nft list chain inet bdctl mss_forward
check "the table stays while route's chains live in it" on pi nft list table inet bdctl

check "mss set again" M set --mss 1300
check "route down" route_down
check "mss clear" M clear
check_eq "the last one out removes the table" "" "$(on pi nft list ruleset)"

done_testing
