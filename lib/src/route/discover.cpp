// The interfaces `up` routes, taken from the resolved site: one resolution
// for every tool (bdctl/site.hpp); this only says why a value is missing or
// refused, in bdctl-route's words.
#include <fmt/format.h>

#include <algorithm>

#include "bdctl/error.hpp"
#include "bdctl/ifname.hpp"
#include "bdctl/route.hpp"
#include "bdctl/site.hpp"

namespace bdctl::route {

namespace {

bool has_link(const site::Observed& o, const std::string& name) {
  return std::any_of(o.links.begin(), o.links.end(), [&](const Link& l) { return l.name == name; });
}

// Why the site has no ZeroTier interface, as the operator can act on it.
[[noreturn]] void no_zt_interface(const site::Given& g, const site::Observed& o) {
  if (o.networks) {
    const auto& nets = *o.networks;
    if (g.network && nets.empty())
      throw InputError(
          fmt::format("ZeroTier network {} is not joined (zerotier-cli join {})", g.network->value, g.network->value));
    if (nets.empty())
      throw InputError("no ZeroTier network is joined: join one (zerotier-cli join ID) or name the interface");
    if (nets.size() > 1 && !g.network) {
      std::string list;
      for (const auto& n : nets) list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", n.id, n.port_device_name);
      throw InputError(
          fmt::format("{} ZeroTier networks are joined: {}; pick one with --network ID", nets.size(), list));
    }
    const auto& n = nets.front();
    throw SystemError(fmt::format("ZeroTier network {} has no interface yet (status {})", n.id, n.status));
  }
  if (g.network)
    throw SystemError(fmt::format("cannot ask the ZeroTier service for network {}'s interface: {}", g.network->value,
                                  o.zerotier_error));
  std::vector<std::string> zt;
  for (const auto& l : o.links)
    if (l.name.rfind("zt", 0) == 0) zt.push_back(l.name);
  std::sort(zt.begin(), zt.end());
  throw InputError(zt.empty() ? fmt::format("no ZeroTier interface found (no zt* link, and the ZeroTier service did "
                                            "not answer: {}): name it with --zt",
                                            o.zerotier_error.empty() ? "not asked" : o.zerotier_error)
                              : fmt::format("several ZeroTier interfaces ({}): choose one with --zt or --network",
                                            fmt::join(zt, ", ")));
}

void require_link(const site::Observed& o, const site::Sourced<std::string>& v, bool allow_missing) {
  if (is_wildcard_ifname(v.value) || allow_missing || has_link(o, v.value)) return;
  if (v.source == "zerotier api")
    throw InputError(
        fmt::format("the ZeroTier service names interface '{}' for the network, but no such link "
                    "exists (use --zt, or --allow-missing if it appears later)",
                    v.value));
  throw InputError(
      fmt::format("{}: no interface named '{}' (use --allow-missing if it appears later)", v.source, v.value));
}

}  // namespace

Discovered interfaces(const site::Given& g, const site::Observed& o, const site::Site& s, bool allow_missing) {
  if (g.zt_if) validate_ifname(g.zt_if->value, g.zt_if->source);
  if (g.lan_if) validate_ifname(g.lan_if->value, g.lan_if->source);
  if (!s.zt_if) no_zt_interface(g, o);
  require_link(o, *s.zt_if, allow_missing);
  if (!s.lan_if) {
    if (g.lan_subnet)
      throw InputError(
          fmt::format("{} {}: no interface routes it", g.lan_subnet->source, g.lan_subnet->value.to_string()));
    throw InputError(
        "no LAN interface found (no managed route via this node covers a connected subnet, and no default route "
        "leaves through a LAN link): name it with --lan or --lan-subnet");
  }
  require_link(o, *s.lan_if, allow_missing);
  if (s.lan_if->value == s.zt_if->value)
    throw InputError(fmt::format("--zt and --lan are the same interface '{}'", s.lan_if->value));
  return {s.zt_if->value, s.zt_if->source, s.lan_if->value, s.lan_if->source};
}

}  // namespace bdctl::route
