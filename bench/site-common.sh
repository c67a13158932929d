# Sourced by bench/check.sh and bench/watch.sh: the scratch directory, a Pi
# namespace and a LAN namespace joined by a veth (eth0 on both), the Pi's
# default route via the LAN host 192.168.1.1, and the ZeroTier interface as
# zerotier-one makes it for the emulated network. Everything goes on exit.
# SITE_PREFIX: the LAN's prefix length (check.sh's targets sit in a /16).
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
