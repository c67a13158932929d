# Sourced by bench/route.sh and bench/route-instructions.sh (with $bin set):
# the scratch directory, the namespace each case runs in, and the inputs the
# cases share: the ruleset for nft -f, the user's recipe, the C and C++ floor
# programs (what loading libstdc++ alone costs; bdctl is C++, nft is C).
command -v iptables-nft >/dev/null || { echo "bench: needs iptables (apt-get install iptables)" >&2; exit 1; }

tmp=$(mktemp -d)
ns=bdbench$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
export BDCTL_LOCK_DIR=$tmp/lock BDCTL_CONFIG=$tmp/none

fresh() {  # a new namespace holding zt0 and eth0 (a veth pair), both up
  ip netns del "$ns" 2>/dev/null || true
  ip netns add "$ns"
  ip -n "$ns" link add zt0 type veth peer name eth0
  ip -n "$ns" link set zt0 up; ip -n "$ns" link set eth0 up
}

"$bin/bdctl-route" show --zt zt0 --lan eth0 --allow-missing --text | grep -v '^#' >"$tmp/ruleset.nft"
cat >"$tmp/recipe.sh" <<'SH'
sysctl -qw net.ipv4.ip_forward=1
iptables-nft -t nat -A POSTROUTING -o eth0 -j MASQUERADE
iptables-nft -A FORWARD -i eth0 -o zt0 -m state --state RELATED,ESTABLISHED -j ACCEPT
iptables-nft -A FORWARD -i zt0 -o eth0 -j ACCEPT
SH
printf 'int main(void) { return 0; }\n' >"$tmp/floor.c"
printf '#include <string>\nint main(int c, char** v) { std::string s(v[0]); return s.size() < size_t(c); }\n' >"$tmp/floor.cpp"
cc -O2 -o "$tmp/floor-c" "$tmp/floor.c"
c++ -O2 -o "$tmp/floor-cxx" "$tmp/floor.cpp"
