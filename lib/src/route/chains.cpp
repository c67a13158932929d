// The ruleset of the ZeroTier guide's three iptables rules, done properly:
// one owned table, interface names (never indexes, so a recreated zt
// interface still matches), and an explicit drop for LAN-initiated traffic,
// since the forward hook's default accept would otherwise let it through.
#include "bdctl/route.hpp"

namespace bdctl::route {

namespace {
nft::Rule base(const Options& o) {
  nft::Rule r;
  if (o.ipv4 != o.ipv6) r.nfproto(o.ipv4 ? nft::Family::ipv4 : nft::Family::ipv6);
  return r;
}
}  // namespace

std::vector<nft::DesiredChain> desired_chains(const Options& o) {
  std::vector<nft::DesiredChain> out;
  nft::DesiredChain fwd{{kForwardChain, "filter", "forward", nft::kPrioFilter, false}, {}};
  fwd.rules.push_back(base(o).iifname(o.zt_if).oifname(o.lan_if).accept());
  fwd.rules.push_back(
      base(o).iifname(o.lan_if).oifname(o.zt_if).ct_state(nft::ct_established | nft::ct_related).accept());
  if (o.allow_lan_initiated)
    fwd.rules.push_back(base(o).iifname(o.lan_if).oifname(o.zt_if).accept());
  else
    fwd.rules.push_back(base(o).iifname(o.lan_if).oifname(o.zt_if).drop());
  out.push_back(std::move(fwd));

  if (o.masquerade) {
    // Matching the input interface scopes NAT to forwarded ZeroTier traffic:
    // the Pi's own packets (zerotier-one's UDP, its local API) have none.
    nft::DesiredChain nat{{kNatChain, "nat", "postrouting", nft::kPrioSrcnat, false}, {}};
    nat.rules.push_back(base(o).iifname(o.zt_if).oifname(o.lan_if).masquerade());
    out.push_back(std::move(nat));
  }
  return out;
}

std::vector<std::string> forwarding_keys(const Options& o) {
  std::vector<std::string> keys;
  if (o.ipv4) keys.push_back("net.ipv4.ip_forward");
  if (o.ipv6) keys.push_back("net.ipv6.conf.all.forwarding");
  return keys;
}

}  // namespace bdctl::route
