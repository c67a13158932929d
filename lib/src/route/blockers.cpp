// Foreign forward chains that will drop what bdctl-route accepts, with the
// exact rules that let the backdoor through.
#include <fmt/format.h>

#include "bdctl/ifname.hpp"
#include "bdctl/route.hpp"

namespace bdctl::route {

namespace {

// iptables spells a prefix "zt+", nft "zt*".
std::string ipt_name(const std::string& n) { return is_wildcard_ifname(n) ? n.substr(0, n.size() - 1) + "+" : n; }

std::string fix_for(const nft::ForeignChain& c, const Options& o) {
  bool iptables = (c.family == "ip" || c.family == "ip6") && c.table == "filter";
  if (iptables) {
    const char* tool = c.family == "ip" ? "iptables" : "ip6tables";
    std::string chain = c.table_chains.count("DOCKER-USER") ? "DOCKER-USER" : c.chain;
    return fmt::format(
        "{0} -I {1} -i {2} -o {3} -j ACCEPT; {0} -I {1} -i {3} -o {2} -m conntrack --ctstate "
        "RELATED,ESTABLISHED -j ACCEPT",
        tool, chain, ipt_name(o.zt_if), ipt_name(o.lan_if));
  }
  return fmt::format(
      "nft insert rule {0} {1} {2} iifname \"{3}\" oifname \"{4}\" accept; nft insert rule {0} {1} {2} iifname "
      "\"{4}\" oifname \"{3}\" ct state established,related accept",
      c.family, c.table, c.chain, o.zt_if, o.lan_if);
}

}  // namespace

std::vector<Blocker> blockers(const Options& o, const std::vector<nft::ForeignChain>& forward_chains) {
  std::vector<Blocker> out;
  const nft::Flow to_lan{o.zt_if, o.lan_if, false}, answers{o.lan_if, o.zt_if, true};
  for (const auto& c : forward_chains) {
    auto a = nft::fate(c, to_lan), b = nft::fate(c, answers);
    if (a == nft::Fate::accept && b == nft::Fate::accept) continue;
    bool drops = a == nft::Fate::drop || b == nft::Fate::drop;
    // A chain that accepts by default and cannot be read to the end is left
    // alone (as before); one that drops by default must be shown to accept.
    if (!drops && !c.policy_drop) continue;
    Blocker bl;
    bl.chain = fmt::format("{} {} {}", c.family, c.table, c.chain);
    bl.certain = drops;
    bl.fix = fix_for(c, o);
    bl.text = fmt::format("chain {} (hook forward, priority {}, policy {}) {} {} <-> {}: let it through with: {}",
                          bl.chain, c.priority, c.policy_drop ? "drop" : "accept",
                          drops ? "drops the traffic between" : "may drop (rules it cannot read) the traffic between",
                          o.zt_if, o.lan_if, bl.fix);
    out.push_back(std::move(bl));
  }
  return out;
}

}  // namespace bdctl::route
