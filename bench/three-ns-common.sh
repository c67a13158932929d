# Sourced by bench/repeat.sh and bench/bridge.sh: the scratch directory $T,
# three namespaces lan --eth0-- pi --zt0-- remote (veths, up, no addresses),
# on NS CMD..., and PIDS killed on exit with whatever still runs in the
# namespaces (iperf3 -D is a daemon of its own). Everything goes on exit.
# Set P (the namespaces' prefix) before sourcing.
T=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for n in lan pi remote; do
    ip netns pids ${P}$n 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del ${P}$n 2>/dev/null
  done
  rm -rf "$T"
}
trap cleanup EXIT
on() { local n=$1; shift; ip netns exec ${P}$n "$@"; }
for n in lan pi remote; do ip netns add ${P}$n; ip -n ${P}$n link set lo up; done
ip link add eth0 netns ${P}pi type veth peer name eth0 netns ${P}lan
ip link add zt0 netns ${P}pi type veth peer name zt0 netns ${P}remote
for n in lan pi; do ip -n ${P}$n link set eth0 up; done
for n in pi remote; do ip -n ${P}$n link set zt0 up; done
