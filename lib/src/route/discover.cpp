#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>

#include "bdctl/error.hpp"
#include "bdctl/ifname.hpp"
#include "bdctl/route.hpp"
#include "bdctl/rtnl.hpp"

namespace bdctl::route {

namespace {

void require_link(Rtnl& rtnl, const std::string& name, const char* flag, bool allow_missing) {
  if (is_wildcard_ifname(name) || allow_missing) return;
  if (!rtnl.link(name))
    throw InputError(fmt::format("{}: no interface named '{}' (use --allow-missing if it appears later)", flag, name));
}

}  // namespace

Discovered discover(const DiscoverInput& in, Rtnl& rtnl) {
  Discovered d;
  if (in.zt_if) {
    validate_ifname(*in.zt_if, "--zt");
    require_link(rtnl, *in.zt_if, "--zt", in.allow_missing);
    d.zt_if = *in.zt_if;
    d.zt_source = "--zt";
  } else {
    std::optional<std::string> api;
    if (in.zerotier_device) api = in.zerotier_device();
    if (api) {
      // The service's portDeviceName can name a link that is gone (the
      // network left, the interface recreated under another name).
      if (!in.allow_missing && !is_wildcard_ifname(*api) && !rtnl.link(*api))
        throw InputError(
            fmt::format("the ZeroTier service names interface '{}' for the network, but no such link "
                        "exists (use --zt, or --allow-missing if it appears later)",
                        *api));
      d.zt_if = *api;
      d.zt_source = "zerotier api";
    } else {
      std::vector<std::string> zt;
      for (const auto& l : rtnl.links())
        if (l.name.rfind("zt", 0) == 0) zt.push_back(l.name);
      std::sort(zt.begin(), zt.end());
      if (zt.size() != 1)
        throw InputError(zt.empty() ? "no ZeroTier interface found (no zt* link, and the ZeroTier service did not "
                                      "answer): name it with --zt"
                                    : fmt::format("several ZeroTier interfaces ({}): choose one with --zt or --network",
                                                  fmt::join(zt, ", ")));
      d.zt_if = zt.front();
      d.zt_source = "only zt* link";
    }
  }

  if (in.lan_if) {
    validate_ifname(*in.lan_if, "--lan");
    require_link(rtnl, *in.lan_if, "--lan", in.allow_missing);
    d.lan_if = *in.lan_if;
    d.lan_source = "--lan";
  } else if (in.lan_subnet) {
    auto r = rtnl.route_get(in.lan_subnet->network().addr);
    auto l = r ? rtnl.link(r->oif) : std::nullopt;
    if (!l) throw InputError(fmt::format("--lan-subnet {}: no interface routes it", in.lan_subnet->to_string()));
    d.lan_if = l->name;
    d.lan_source = "route to " + in.lan_subnet->to_string();
  } else {
    auto r = rtnl.default_route(AF_INET);
    if (!r) r = rtnl.default_route(AF_INET6);
    auto l = r ? rtnl.link(r->oif) : std::nullopt;
    if (!l) throw InputError("no default route to find the LAN interface: name it with --lan or --lan-subnet");
    d.lan_if = l->name;
    d.lan_source = "default route";
  }
  if (d.lan_if == d.zt_if) throw InputError(fmt::format("--zt and --lan are the same interface '{}'", d.lan_if));
  return d;
}

}  // namespace bdctl::route
