// Reading the three interfaces' layout, and the layouts up and down want.
#include <fmt/format.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "bdctl/bridge.hpp"

namespace bdctl::bridge {

bool PlacedAddress::operator==(const PlacedAddress& o) const {
  return ifname == o.ifname && address.prefix == o.address.prefix && address.broadcast == o.address.broadcast &&
         address.scope == o.address.scope;
}

bool PlacedRoute::operator==(const PlacedRoute& o) const {
  const Route &a = route, &b = o.route;
  return ifname == o.ifname && a.family == b.family && a.dst == b.dst && a.gateway == b.gateway &&
         a.prefsrc == b.prefsrc && a.table == b.table && a.metric == b.metric && a.mtu == b.mtu &&
         a.protocol == b.protocol && a.scope == b.scope;
}

namespace {

// The Pi's own addresses a layout moves: not link-local (each link has its
// own) and not SLAAC's (the kernel makes them again on the bridge).
bool movable(const Address& a) {
  if (a.prefix.addr.family == AF_INET) return true;
  return a.scope == RT_SCOPE_UNIVERSE && (a.flags & IFA_F_PERMANENT);
}

// A kernel route is the kernel's own when an address on its link made it
// (the prefix route of an address without noprefixroute); NetworkManager adds
// its addresses with noprefixroute and their subnet routes itself, also as
// `proto kernel`: those move, or the default route cannot follow them.
bool made_by_address(const Route& r, const std::vector<Address>& addrs) {
  if (!r.dst) return false;
  for (const auto& a : addrs)
    if (a.ifindex == r.oif && !(a.flags & IFA_F_NOPREFIXROUTE) && a.prefix.network() == *r.dst) return true;
  return false;
}

bool movable(const Route& r, const std::vector<Address>& addrs) {
  if (r.protocol == RTPROT_RA) return false;
  if (r.protocol == RTPROT_KERNEL && made_by_address(r, addrs)) return false;
  // IPv6 multicast and link-local routes are the kernel's, whatever their protocol says.
  if (r.family == AF_INET6 && r.dst && r.dst->len &&
      (r.dst->addr.bytes[0] == 0xff || (r.dst->addr.bytes[0] == 0xfe && r.dst->addr.bytes[1] == 0x80)))
    return false;
  return true;
}

std::string name_of(const std::vector<Link>& links, int index) {
  for (const auto& l : links)
    if (l.index == index) return l.name;
  return "";
}

std::vector<PlacedAddress> moved(std::vector<PlacedAddress> v, const std::string& from, const std::string& to) {
  for (auto& a : v)
    if (a.ifname == from) a.ifname = to;
  return v;
}
std::vector<PlacedRoute> moved(std::vector<PlacedRoute> v, const std::string& from, const std::string& to) {
  for (auto& r : v)
    if (r.ifname == from) r.ifname = to;
  return v;
}

std::string route_line(const PlacedRoute& p) {
  const Route& r = p.route;
  std::string s = r.dst && r.dst->len ? r.dst->to_string() : (r.family == AF_INET6 ? "default (IPv6)" : "default");
  if (r.gateway) s += " via " + r.gateway->to_string();
  s += " dev " + p.ifname;
  if (r.table != RT_TABLE_MAIN) s += fmt::format(" table {}", r.table);
  if (r.metric) s += fmt::format(" metric {}", r.metric);
  return s;
}

}  // namespace

Layout observe(Rtnl& rtnl, const Names& n) {
  Layout l;
  l.names = n;
  auto links = rtnl.links();
  for (const auto& k : links) {
    if (k.name == n.bridge) l.bridge_exists = true;
    if (k.name == n.lan) {
      l.lan_master = name_of(links, k.master);
      l.mac = k.mac;
    }
    if (k.name == n.zt) l.zt_master = name_of(links, k.master);
  }
  auto placed = [&](int index) {
    auto name = name_of(links, index);
    return (name == n.lan || (l.bridge_exists && name == n.bridge)) ? name : std::string();
  };
  auto addrs = rtnl.addresses();
  for (const auto& a : addrs) {
    auto name = placed(a.ifindex);
    if (!name.empty() && movable(a)) l.addresses.push_back({name, a});
  }
  for (int family : {AF_INET, AF_INET6})
    for (const auto& r : rtnl.all_routes(family)) {
      auto name = placed(r.oif);
      if (!name.empty() && movable(r, addrs)) l.routes.push_back({name, r});
    }
  return l;
}

Layout bridged_from(const Layout& routed) {
  Layout b = routed;
  b.bridge_exists = true;
  b.lan_master = b.zt_master = routed.names.bridge;
  b.addresses = moved(routed.addresses, routed.names.lan, routed.names.bridge);
  b.routes = moved(routed.routes, routed.names.lan, routed.names.bridge);
  return b;
}

Layout routed_from(const Layout& bridged) {
  Layout r = bridged;
  r.bridge_exists = false;
  r.lan_master.clear();
  r.zt_master.clear();
  r.addresses = moved(bridged.addresses, bridged.names.bridge, bridged.names.lan);
  r.routes = moved(bridged.routes, bridged.names.bridge, bridged.names.lan);
  return r;
}

std::vector<std::string> differences(const Layout& have, const Layout& want) {
  std::vector<std::string> out;
  const auto& n = want.names;
  if (have.bridge_exists != want.bridge_exists)
    out.push_back(fmt::format("bridge {} {}", n.bridge, want.bridge_exists ? "missing" : "present"));
  auto master = [&](const std::string& port, const std::string& h, const std::string& w) {
    if (h != w)
      out.push_back(fmt::format("{} {}", port,
                                w.empty()
                                    ? fmt::format("is a port of {}", h)
                                    : fmt::format("is not a port of {}{}", w, h.empty() ? "" : " (of " + h + ")")));
  };
  master(n.lan, have.lan_master, want.lan_master);
  master(n.zt, have.zt_master, want.zt_master);
  auto has = [](const auto& v, const auto& x) { return std::find(v.begin(), v.end(), x) != v.end(); };
  for (const auto& a : want.addresses)
    if (!has(have.addresses, a))
      out.push_back(fmt::format("address {} missing on {}", a.address.prefix.to_string(), a.ifname));
  for (const auto& a : have.addresses)
    if (!has(want.addresses, a))
      out.push_back(fmt::format("address {} on {} not wanted", a.address.prefix.to_string(), a.ifname));
  for (const auto& r : want.routes)
    if (!has(have.routes, r)) out.push_back("route " + route_line(r) + " missing");
  for (const auto& r : have.routes)
    if (!has(want.routes, r)) out.push_back("route " + route_line(r) + " not wanted");
  return out;
}

}  // namespace bdctl::bridge
