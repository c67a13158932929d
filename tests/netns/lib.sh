# Shared helpers for the namespace integration tests. Source it first.
# Every namespace and file a test makes is private to it and removed on exit,
# also when the test fails; nothing touches the host's namespace or /etc.
set -u
: "${BDCTL_BIN:?BDCTL_BIN must point at the built binaries}"
: "${BDCTL_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

T_PREFIX="bd$$x"
T_NAMESPACES=()
T_PIDS=()
T_PASSED=0
T_FAILED=0
T_TMP=$(mktemp -d /tmp/bdctl-netns.XXXXXX)

# bdctl's own files go to the temp dir, never /etc, /var or /run.
export BDCTL_STATE_DIR="$T_TMP/state" BDCTL_SYSCTL_DIR="$T_TMP/sysctl.d" \
       BDCTL_LOCK_DIR="$T_TMP/lock" BDCTL_RUN_DIR="$T_TMP/run" BDCTL_LOG_DIR="$T_TMP/log" BDCTL_CONFIG="$T_TMP/none.toml" \
       BDCTL_SYSTEMD_CONF_DIR="$T_TMP/system.conf.d"
export PATH="$BDCTL_BIN:$PATH"

t_cleanup() {
  local pid ns
  for pid in "${T_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  # Whatever still runs inside a test namespace goes with it.
  for ns in "${T_NAMESPACES[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$T_TMP"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "netns tests need root (CI runs as root)"; exit 1; }

# ns NAME: create a namespace; its real name is $T_PREFIX$NAME.
ns() {
  ip netns add "$T_PREFIX$1"
  T_NAMESPACES+=("$T_PREFIX$1")
  ip -n "$T_PREFIX$1" link set lo up
}
# on NAME CMD...: run CMD inside namespace NAME.
on() { local n=$1; shift; ip netns exec "$T_PREFIX$n" "$@"; }
# link NS_A IF_A NS_B IF_B: a veth pair straight between two namespaces.
link() { ip link add name "$2" netns "$T_PREFIX$1" type veth peer name "$4" netns "$T_PREFIX$3"; \
         ip -n "$T_PREFIX$1" link set "$2" up; ip -n "$T_PREFIX$3" link set "$4" up; }
# bg CMD...: run CMD in the background (its output discarded), killed on exit.
# With "on NS ..." the recorded pid is the command's own (ip netns exec execs it).
bg() {
  if [ "$1" = on ]; then local n=$2; shift 2; set -- ip netns exec "$T_PREFIX$n" "$@"; fi
  "$@" >/dev/null 2>&1 & T_PIDS+=($!)
}

pass() { T_PASSED=$((T_PASSED + 1)); echo "ok - $*"; }
fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL - $*"; }
check() {  # check "description" CMD...: passes when CMD exits 0
  local d=$1; shift
  if "$@" >"$T_TMP/out" 2>&1; then pass "$d"; else fail "$d"; sed 's/^/    /' "$T_TMP/out" | head -20; fi
}
check_not() {  # check_not "description" CMD...: passes when CMD fails
  local d=$1; shift
  if "$@" >"$T_TMP/out" 2>&1; then fail "$d (unexpectedly succeeded)"; sed 's/^/    /' "$T_TMP/out" | head -20; else pass "$d"; fi
}
check_eq() {  # check_eq "description" EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1"; echo "    expected: $2"; echo "    actual:   $3"; fi
}
check_exit() {  # check_exit "description" CODE CMD...
  local d=$1 want=$2; shift 2
  "$@" >"$T_TMP/out" 2>"$T_TMP/err"; local got=$?
  if [ "$got" = "$want" ]; then pass "$d"; else fail "$d (exit $got, wanted $want)"; sed 's/^/    /' "$T_TMP/err" | head -5; fi
}
done_testing() {
  echo "$T_PASSED passed, $T_FAILED failed"
  [ "$T_FAILED" = 0 ]
}

# The simulated site: an operator ("remote") on the ZeroTier side, the Pi,
# and a LAN host whose default gateway is the site's main router (absent
# here), so replies find their way back only when the Pi masquerades.
#   remote 10.147.20.5/24 fd7a::5/64 --zt0-- pi zt0 10.147.20.1 fd7a::1
#   pi eth0 192.168.1.201/24 fd00:1::201/64 --eth0-- lan 192.168.1.10 fd00:1::10
site() {
  ns remote; ns pi; ns lan
  link remote zt0 pi zt0
  link pi eth0 lan eth0
  ip -n "${T_PREFIX}remote" addr add 10.147.20.5/24 dev zt0
  ip -n "${T_PREFIX}remote" addr add fd7a::5/64 dev zt0 nodad
  # The managed route ZeroTier Central pushes: the LAN via the Pi.
  ip -n "${T_PREFIX}remote" route add 192.168.0.0/23 via 10.147.20.1
  ip -n "${T_PREFIX}remote" route add fd00:1::/64 via fd7a::1
  ip -n "${T_PREFIX}pi" addr add 10.147.20.1/24 dev zt0
  ip -n "${T_PREFIX}pi" addr add fd7a::1/64 dev zt0 nodad
  ip -n "${T_PREFIX}pi" addr add 192.168.1.201/24 dev eth0
  ip -n "${T_PREFIX}pi" addr add fd00:1::201/64 dev eth0 nodad
  ip -n "${T_PREFIX}pi" route add default via 192.168.1.1
  ip -n "${T_PREFIX}lan" addr add 192.168.1.10/24 dev eth0
  ip -n "${T_PREFIX}lan" addr add fd00:1::10/64 dev eth0 nodad
  ip -n "${T_PREFIX}lan" route add default via 192.168.1.1
  ip -n "${T_PREFIX}lan" -6 route add default via fd00:1::1
  # Forwarding starts off, as on a fresh Pi.
  on pi sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
}

# tcp_listen NS PORT: a TCP server that writes the peer address of each
# connection to $T_TMP/peer.<NS>.<PORT>; returns once it is listening.
tcp_listen() {
  local ready="$T_TMP/listening.$1.$2"
  bg on "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", int(sys.argv[1]))); s.listen(16)
open(sys.argv[3], "w").close()
while True:
    c, a = s.accept()
    open(sys.argv[2], "w").write(a[0].removeprefix("::ffff:") + "\n")
    c.sendall(b"hello\n"); c.close()
' "$2" "$T_TMP/peer.$1.$2" "$ready"
  local i
  for i in $(seq 100); do [ -e "$ready" ] && return 0; sleep 0.05; done
  echo "tcp_listen: server on $1:$2 did not start" >&2
  return 1
}
# tcp_connect NS HOST PORT: exit 0 when a connection completes within 2 s.
tcp_connect() {
  on "$1" python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
assert s.recv(16) == b"hello\n"
' "$2" "$3"
}
last_peer() { cat "$T_TMP/peer.$1.$2" 2>/dev/null; }
