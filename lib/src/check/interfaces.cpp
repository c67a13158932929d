// Which interfaces are "the LAN" and "ZeroTier": the site model's answer
// (bdctl/site.hpp), resolved once per run and read by every group.
#include <fmt/format.h>

#include "bdctl/rtnl.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

site::Site resolve_site(const Settings& s, std::shared_ptr<const std::vector<zerotier::Network>>* networks) {
  Rtnl rt;
  site::ObserveOptions o;
  o.zt = s.zt;
  o.zt.timeout = s.timeout;
  auto seen = site::observe(s.site, o, rt);
  if (networks && seen.networks) *networks = std::make_shared<const std::vector<zerotier::Network>>(*seen.networks);
  return site::resolve(s.site, seen);
}

Interfaces find_interfaces(const Settings& s) {
  auto mine = s.resolved ? s.resolved : std::make_shared<const site::Site>(resolve_site(s));
  Interfaces out;
  out.site = mine;
  if (mine->lan_if) {
    out.lan = mine->lan_if->value;
    out.lan_source = mine->lan_if->source;
  }
  if (mine->zt_if) {
    out.zt.push_back(mine->zt_if->value);
  } else {
    // Not resolved to one (several networks, the service silent): look at them all.
    Rtnl rt;
    for (const auto& l : rt.links())
      if (l.name.rfind("zt", 0) == 0) out.zt.push_back(l.name);
  }
  return out;
}

}  // namespace bdctl::check::detail
