// Making the kernel hold a layout: links first, then addresses, then routes.
#include <fmt/format.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <tuple>

#include "bdctl/bridge.hpp"
#include "bdctl/error.hpp"

namespace bdctl::bridge {

namespace {

int index_of(Rtnl& rtnl, const std::string& name) {
  auto l = rtnl.link(name);
  if (!l) throw SystemError(fmt::format("{}: no such link", name), ENODEV);
  return l->index;
}

void put_links(Rtnl& rtnl, const Layout& have, const Layout& want, std::vector<std::string>& did) {
  const auto& n = want.names;
  if (want.bridge_exists) {
    if (!have.bridge_exists) {
      rtnl.create_bridge(n.bridge, want.mac);
      did.push_back(fmt::format("created bridge {} (STP off, forward delay 0)", n.bridge));
    }
    int br = index_of(rtnl, n.bridge);
    for (const auto& [port, had, wanted] :
         {std::tuple{n.lan, have.lan_master, want.lan_master}, std::tuple{n.zt, have.zt_master, want.zt_master}}) {
      if (had == wanted) continue;
      // A rollback to a half-made bridge wants a port out of it again.
      bool join = wanted == n.bridge;
      rtnl.set_master(index_of(rtnl, port), join ? br : 0);
      did.push_back(fmt::format("{} {} {}", port, join ? "joined" : "left", n.bridge));
    }
    auto link = rtnl.link(br);
    if (link && !link->admin_up) {
      rtnl.set_up(br, true);
      did.push_back(fmt::format("{} set up", n.bridge));
    }
    return;
  }
  // Deleting the bridge releases its ports and drops its addresses and routes.
  if (have.bridge_exists) {
    auto link = rtnl.link(n.bridge);
    if (link && link->kind != "bridge")
      throw SystemError(fmt::format("{} is a {} link, not a bridge: left alone", n.bridge, link->kind), EEXIST);
    if (link) {
      rtnl.delete_link(link->index);
      did.push_back(fmt::format("deleted bridge {}", n.bridge));
    }
  }
}

bool has(const auto& v, const auto& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

std::vector<std::string> put(Rtnl& rtnl, const Layout& want) {
  std::vector<std::string> did;
  // One kernel change, named as the operator would say it, so that an error
  // says which ("add route default to br-bdctl: ...").
  auto step = [&](const char* verb, const char* done, const std::string& what, const auto& change) {
    try {
      change();
    } catch (const SystemError& e) {
      throw SystemError(fmt::format("{} {}: {}", verb, what, e.what()));
    }
    did.push_back(fmt::format("{} {}", done, what));
  };
  auto route_name = [](const Route& r) { return r.dst && r.dst->len ? r.dst->to_string() : std::string("default"); };
  put_links(rtnl, observe(rtnl, want.names), want, did);
  // Read again: deleting a bridge or an address takes routes with it.
  Layout have = observe(rtnl, want.names);
  for (const auto& a : have.addresses) {
    if (has(want.addresses, a)) continue;
    Address x = a.address;
    x.ifindex = index_of(rtnl, a.ifname);
    step("remove", "removed", fmt::format("{} from {}", x.prefix.to_string(), a.ifname),
         [&] { rtnl.delete_address(x); });
  }
  // Read again: a primary's secondaries go with it unless promoted. Then add
  // in the order recorded, primaries first.
  have = observe(rtnl, want.names);
  for (const auto& a : want.addresses) {
    if (has(have.addresses, a)) continue;
    Address x = a.address;
    x.ifindex = index_of(rtnl, a.ifname);
    step("add", "added", fmt::format("{} to {}", x.prefix.to_string(), a.ifname), [&] { rtnl.add_address(x); });
  }
  have = observe(rtnl, want.names);
  for (const auto& r : have.routes) {
    if (has(want.routes, r)) continue;
    Route x = r.route;
    x.oif = index_of(rtnl, r.ifname);
    step("remove", "removed", fmt::format("route {} from {}", route_name(x), r.ifname), [&] { rtnl.delete_route(x); });
  }
  // Link-scope routes first: a gateway must be reachable when its route is added.
  auto routes = want.routes;
  std::stable_sort(routes.begin(), routes.end(),
                   [](const PlacedRoute& a, const PlacedRoute& b) { return a.route.scope > b.route.scope; });
  for (const auto& r : routes) {
    if (has(have.routes, r)) continue;
    Route x = r.route;
    x.oif = index_of(rtnl, r.ifname);
    step("add", "added", fmt::format("route {} to {}", route_name(x), r.ifname), [&] { rtnl.add_route(x); });
  }
  return did;
}

}  // namespace bdctl::bridge
