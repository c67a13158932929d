// status: what the kernel holds against what the last up made.
#include <fmt/format.h>

#include "bdctl/bridge.hpp"
#include "bdctl/sysctl.hpp"

namespace bdctl::bridge {

bool Status::filters_ok() const {
  for (const auto& d : filters)
    if (!d.empty()) return false;
  return !filters.empty();
}

bool Status::ok() const {
  if (!bridged || !bridge_up || !filters_ok() || !layout_drift.empty()) return false;
  for (const auto& p : ports)
    if (!p.exists || !p.in_bridge || !p.up) return false;
  return true;
}

Status status(Rtnl& rtnl, const Recorded& r) {
  Status st;
  st.names = r.names;
  auto links = rtnl.links();
  int br_index = 0;
  for (const auto& l : links)
    if (l.name == r.names.bridge && l.kind == "bridge") {
      br_index = l.index;
      st.bridge_up = l.admin_up && l.lower_up;
    }
  for (const auto& [role, name] : {std::pair{"lan", r.names.lan}, std::pair{"zerotier", r.names.zt}}) {
    Port p{role, name};
    for (const auto& l : links)
      if (l.name == name) {
        p.exists = true;
        p.in_bridge = br_index && l.master == br_index;
        p.up = l.admin_up && l.lower_up;
        p.mtu = l.mtu;
      }
    st.ports.push_back(p);
  }
  st.bridged = br_index && st.ports[0].in_bridge && st.ports[1].in_bridge;
  for (const auto& a : rtnl.addresses())
    if (br_index && a.ifindex == br_index) st.addresses.push_back(a.prefix.to_string());
  nft::Session s;
  st.filters = nft::diff(s.read_table(nft::kBridgeTable), desired_chains(r.filters));
  st.layout_drift = differences(observe(rtnl, r.names), bridged_from(r.routed));
  // br_netfilter, when loaded, sends bridged IPv4 through the inet hooks too.
  if (auto v = Sysctl().get("net.bridge.bridge-nf-call-iptables")) st.bridge_nf_call = *v == "1";
  return st;
}

}  // namespace bdctl::bridge
