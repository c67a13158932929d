// The chain of `bridge bdctl` (checked with `nft --debug=netlink`).
#include "bdctl/bridge.hpp"

namespace bdctl::bridge {

std::vector<nft::DesiredChain> desired_chains(const Filters& f) {
  // Before the bridge's own filter priority (-200): bdctl decides first.
  nft::ChainSpec spec{kChain, "filter", "forward", -200, false};
  std::vector<nft::Rule> rules;
  // ZeroTier's default rules carry only these; anything else is noise on a
  // metered link (and VLAN tags would hide what follows from these rules).
  rules.push_back(
      nft::Rule().ether_type_not(0x0800, "ip").ether_type_not(0x0806, "arp").ether_type_not(0x86dd, "ip6").drop());
  // The LAN keeps its one DHCP server: no request or offer crosses, either way.
  rules.push_back(nft::Rule().udp_dport_range(67, 68).drop());
  rules.push_back(nft::Rule().udp_dport_range(546, 547).drop());
  if (f.broadcast_limit)
    rules.push_back(nft::Rule().iifname(f.lan).ether_group_dst().limit_over(f.broadcast_limit).drop());
  if (f.mss) rules.push_back(nft::Rule().tcp_syn().tcp_mss_above(f.mss).set_tcp_mss(f.mss));
  return {{spec, rules}};
}

}  // namespace bdctl::bridge
