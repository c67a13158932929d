# Sourced by bench/check.sh and bench/watch.sh: the scratch directory, a Pi
# namespace and a LAN namespace joined by a veth (eth0 on both), the Pi's
# default route via the LAN host 192.168.1.1, and the ZeroTier interface as
# zerotier-one makes it for the emulated network. Everything goes on exit.
# SITE_PREFIX: the LAN's prefix length (check.sh's targets sit in a /16).
# Then lan_listener PORT (a TCP port that accepts on the LAN host) and
# zt_emulator (the ZeroTier API emulator, ok-route, in the Pi's namespace;
# sets TOKEN and URL of its /status).
P="bdbench$$"
T=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  ip netns del ${P}pi 2>/dev/null; ip netns del ${P}lan 2>/dev/null; rm -rf "$T"
}
trap cleanup EXIT
pi() { ip netns exec ${P}pi "$@"; }

ip netns add ${P}pi; ip netns add ${P}lan
ip -n ${P}pi link set lo up; ip -n ${P}lan link set lo up
ip link add eth0 netns ${P}pi type veth peer name eth0 netns ${P}lan
ip -n ${P}pi addr add 192.168.1.201/${SITE_PREFIX:-24} dev eth0; ip -n ${P}pi link set eth0 up
ip -n ${P}lan addr add 192.168.1.1/${SITE_PREFIX:-24} dev eth0; ip -n ${P}lan link set eth0 up
ip -n ${P}pi route add default via 192.168.1.1
ip -n ${P}pi link add zt327pdwre type veth peer name ztpeer0
ip -n ${P}pi addr add 10.147.20.54/24 dev zt327pdwre
ip -n ${P}pi link set zt327pdwre up; ip -n ${P}pi link set ztpeer0 up

lan_listener() {
  ip netns exec ${P}lan python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1024)
while True:
    c, _ = s.accept(); c.close()' "$1" &
  PIDS+=($!)
}
zt_emulator() {
  mkdir -p "$T/zt"
  echo ok-route >"$T/zt/control"
  ip netns exec ${P}pi python3 "$SRC/tests/sim/zerotier/ztemu.py" --home "$T/zt" --control "$T/zt/control" >/dev/null &
  PIDS+=($!)
  local i
  for i in $(seq 50); do [ -s "$T/zt/zerotier-one.port" ] && break; sleep 0.1; done
  TOKEN=$(cat "$T/zt/authtoken.secret")
  URL="http://127.0.0.1:$(cat "$T/zt/zerotier-one.port")/status"
}
