#!/usr/bin/env bash
# Fault injection: stdout cannot be written (/dev/full: every write fails with
# ENOSPC). A result that never reached the script or cron reading it must not
# look like success: each tool prints one line naming the reason on stderr and
# exits with its "operation failed" code (1; bdctl-check: 3, UNKNOWN). The same
# commands exit 0 when stdout is writable, so the failure is the output's.
. "$(dirname "$0")/lib.sh"

ns pi
on pi ip link add zt0 type veth peer name ztpeer
on pi ip link add eth0 type veth peer name ethpeer
for i in zt0 ztpeer eth0 ethpeer; do on pi ip link set "$i" up; done
on pi bdctl-mss set --mss 1300 >/dev/null
# Persisted (to the test's sysctl.d), so that status finds no drift and exits 0.
on pi bdctl-route up --zt zt0 --lan eth0 --family ipv4 >/dev/null

cat >"$T_TMP/relay.toml" <<'CONF'
[boards.lan4]
driver = "kmtronic-http"
url = "http://127.0.0.1:8080"
[relays.bms1]
board = "lan4"
channel = 1
CONF

# full NAME CODE TOOL ARGS...: TOOL ARGS exits 0 into a file and CODE into
# /dev/full, with exactly "TOOL: writing output: No space left on device".
full() {
  local what=$1 code=$2 tool=$3
  shift 3
  check_exit "$what: exits 0 when stdout is writable" 0 on pi "$@"
  cp "$T_TMP/out" "$T_TMP/written"
  check "$what: and wrote something" test -s "$T_TMP/written"
  on pi "$@" >/dev/full 2>"$T_TMP/err"
  check_eq "$what: exits $code into /dev/full" "$code" "$?"
  check_eq "$what: one line on stderr naming the reason" "$tool: writing output: No space left on device" \
    "$(cat "$T_TMP/err")"
}

for fmt in --json --text; do
  full "route status $fmt" 1 bdctl-route bdctl-route status $fmt
  full "route show $fmt" 1 bdctl-route bdctl-route show $fmt
  full "mss status $fmt" 1 bdctl-mss bdctl-mss status $fmt
  full "mss show $fmt" 1 bdctl-mss bdctl-mss show --mss 1300 $fmt
  full "relay list $fmt" 1 bdctl-relay bdctl-relay -c "$T_TMP/relay.toml" list $fmt
done
for fmt in json text nagios prometheus; do
  full "check --format $fmt" 3 bdctl-check bdctl-check --only plan.ranges --lan-subnet 192.168.1.0/24 --format $fmt
done
# An apply that succeeded but could not report it fails too: the caller never
# saw the result. (The change itself is made; a rerun is a no-op.)
full "route up (already up) --json" 1 bdctl-route bdctl-route up --zt zt0 --lan eth0 --family ipv4 --json
for tool in bdctl-route bdctl-mss bdctl-relay; do
  full "$tool --help" 1 $tool $tool --help
done
full "bdctl-route --version" 1 bdctl-route bdctl-route --version
full "bdctl-check --help" 3 bdctl-check bdctl-check --help
# The front command: its own output, and a tool's run through it.
full "bdctl --help" 1 bdctl bdctl --help
full "bdctl --version" 1 bdctl bdctl --version
full "bdctl route status --json" 1 bdctl-route bdctl route status --json

on pi bdctl-route down >/dev/null
on pi bdctl-mss clear >/dev/null
done_testing
