// The rules that turn what was given and what was observed into one site.
// Order of sources, per value (bdctl(7), "THE SITE"):
//   ZeroTier interface: flag, config, the ZeroTier service (the network's
//     portDeviceName), what the last `up` recorded, the only zt* link. The
//     service outranks the record: it says what exists now, the record what
//     bdctl once set up; when they differ that is a conflict, reported.
//   LAN interface: flag, config (an interface, or the one holding the
//     subnet), the last `up`, a managed route via this node covering a
//     connected subnet, the default route (never a ZeroTier link).
#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>

#include "bdctl/site.hpp"

namespace bdctl::site {

namespace {

bool is_zt_name(const std::string& n) { return n.rfind("zt", 0) == 0; }

bool global_v6(const IpAddr& a) {
  bool link_local = a.bytes[0] == 0xfe && (a.bytes[1] & 0xc0) == 0x80;
  return !link_local;
}

const Link* link_named(const Observed& o, const std::string& name) {
  auto it = std::find_if(o.links.begin(), o.links.end(), [&](const Link& l) { return l.name == name; });
  return it == o.links.end() ? nullptr : &*it;
}

const Link* link_at(const Observed& o, int index) {
  auto it = std::find_if(o.links.begin(), o.links.end(), [&](const Link& l) { return l.index == index; });
  return it == o.links.end() ? nullptr : &*it;
}

// Addresses of a link that say something about the site (no IPv6 link-local).
std::vector<Prefix> addresses_on(const Observed& o, const std::string& name) {
  std::vector<Prefix> out;
  const Link* l = link_named(o, name);
  if (!l) return out;
  for (const auto& a : o.addresses)
    if (a.ifindex == l->index && (a.prefix.addr.family == AF_INET || global_v6(a.prefix.addr))) out.push_back(a.prefix);
  return out;
}

// The networks the site is about: the resolved one, else every joined one.
std::vector<const zerotier::Network*> site_networks(const Site& s, const Observed& o) {
  std::vector<const zerotier::Network*> out;
  if (!o.networks) return out;
  for (const auto& n : *o.networks)
    if (!s.network || n.id == s.network->value) out.push_back(&n);
  return out;
}

std::vector<IpAddr> node_addresses(const std::vector<const zerotier::Network*>& nets) {
  std::vector<IpAddr> out;
  for (const auto* n : nets)
    for (const auto& a : n->assigned_addresses)
      if (auto p = try_parse_prefix(a)) out.push_back(p->addr);
  return out;
}

void resolve_network(Site& s, const Given& g, const Observed& o) {
  if (g.network) {
    s.network = g.network;
    return;
  }
  if (!o.networks) return;
  const auto& nets = *o.networks;
  if (g.zt_if) {
    for (const auto& n : nets)
      if (n.port_device_name == g.zt_if->value) s.network = Sourced<std::string>{n.id, "zerotier api"};
    if (s.network) return;
  }
  if (nets.size() == 1) {
    s.network = Sourced<std::string>{nets.front().id, "zerotier api (the only joined network)"};
  } else if (nets.size() > 1) {
    std::vector<std::string> ids;
    ids.reserve(nets.size());
    for (const auto& n : nets) ids.push_back(n.id);
    s.notes.push_back(
        fmt::format("several ZeroTier networks are joined ({}): set site.zerotier_network", fmt::join(ids, ", ")));
  }
}

void resolve_zt_if(Site& s, const Given& g, const Observed& o) {
  if (g.zt_if) {
    s.zt_if = g.zt_if;
    return;
  }
  std::optional<std::string> served;
  if (s.network && o.networks)
    for (const auto& n : *o.networks)
      if (n.id == s.network->value && !n.port_device_name.empty()) served = n.port_device_name;
  if (served) {
    s.zt_if = Sourced<std::string>{*served, "zerotier api"};
    if (o.recorded && o.recorded->zt_if != *served)
      s.conflicts.push_back(fmt::format("the last bdctl-route up routed {}; the ZeroTier service serves {} now",
                                        o.recorded->zt_if, *served));
    return;
  }
  if (o.recorded) {
    s.zt_if = Sourced<std::string>{o.recorded->zt_if, "last up"};
    return;
  }
  std::vector<std::string> zt;
  for (const auto& l : o.links)
    if (is_zt_name(l.name)) zt.push_back(l.name);
  std::sort(zt.begin(), zt.end());
  if (zt.size() == 1) {
    s.zt_if = Sourced<std::string>{zt.front(), "only zt* link"};
  } else {
    s.notes.push_back(zt.empty()
                          ? std::string("no ZeroTier interface: no zt* link, and the ZeroTier service did not "
                                        "name one")
                          : fmt::format("several ZeroTier interfaces ({}): name one with site.zerotier_interface",
                                        fmt::join(zt, ", ")));
  }
}

bool usable_lan(const Site& s, const std::string& name) {
  return !is_zt_name(name) && (!s.zt_if || s.zt_if->value != name);
}

// The interface the subnet is on: the link holding an address inside it (its
// connected route), else the link of a route to it through a router. Never
// the default route: a subnet found nowhere is not "the uplink".
std::optional<Sourced<std::string>> lan_from_subnet(const Prefix& subnet, const Observed& o) {
  std::string label = "route to " + subnet.network().to_string();
  for (const auto& a : o.addresses)
    if (subnet.contains(a.prefix.addr))
      if (const Link* l = link_at(o, a.ifindex)) return Sourced<std::string>{l->name, label};
  for (const auto& r : o.routes)
    if (r.dst && r.dst->len > 0 && r.dst->len <= subnet.len && r.dst->contains(subnet.addr))
      if (const Link* l = link_at(o, r.oif)) return Sourced<std::string>{l->name, label};
  return std::nullopt;
}

// A managed route via this node whose target covers a subnet connected here:
// that subnet's link is what the network reaches through the node.
std::optional<Sourced<std::string>> lan_from_managed_routes(const Site& s, const Observed& o) {
  auto nets = site_networks(s, o);
  auto mine = node_addresses(nets);
  for (const auto* n : nets)
    for (const auto& r : n->routes) {
      auto via = r.via ? try_parse_address(*r.via) : std::nullopt;
      auto target = try_parse_prefix(r.target);
      if (!via || !target || std::find(mine.begin(), mine.end(), *via) == mine.end()) continue;
      Prefix net = target->network();
      for (const auto& a : o.addresses) {
        const Link* l = link_at(o, a.ifindex);
        if (l && usable_lan(s, l->name) && net.contains(a.prefix.addr) && net.len <= a.prefix.len)
          return Sourced<std::string>{l->name, fmt::format("managed route {} via {}", r.target, *r.via)};
      }
    }
  return std::nullopt;
}

void resolve_lan_if(Site& s, const Given& g, const Observed& o) {
  if (g.lan_if) {
    s.lan_if = g.lan_if;
    return;
  }
  if (g.lan_subnet) {
    s.lan_if = lan_from_subnet(g.lan_subnet->value, o);
    if (!s.lan_if)
      s.notes.push_back(fmt::format("no interface holds or routes the subnet {} ({})", g.lan_subnet->value.to_string(),
                                    g.lan_subnet->source));
    return;
  }
  if (o.recorded) {
    if (link_named(o, o.recorded->lan_if)) {
      s.lan_if = Sourced<std::string>{o.recorded->lan_if, "last up"};
      return;
    }
    s.conflicts.push_back(fmt::format("the last bdctl-route up routed the LAN interface {}, which does not exist now",
                                      o.recorded->lan_if));
  }
  if ((s.lan_if = lan_from_managed_routes(s, o))) return;
  for (const auto* d : {&o.default_v4, &o.default_v6}) {
    if (!*d) continue;
    const Link* l = link_at(o, (*d)->oif);
    if (l && usable_lan(s, l->name)) {
      s.lan_if = Sourced<std::string>{l->name, "default route"};
      return;
    }
  }
  s.notes.push_back(
      "no LAN interface: set site.lan_interface or site.subnet (no managed route via this node covers a "
      "connected subnet, and no default route leaves through a LAN link)");
}

void resolve_prefixes(Site& s, const Given& g, const Observed& o) {
  if (g.lan_subnet) s.lan_prefixes.push_back({g.lan_subnet->value.network(), g.lan_subnet->source});
  if (s.zt_if) s.zt_addresses = addresses_on(o, s.zt_if->value);
  if (!s.lan_if) return;
  s.lan_addresses = addresses_on(o, s.lan_if->value);
  for (const auto& a : s.lan_addresses) {
    Prefix net = a.network();
    bool have = std::any_of(s.lan_prefixes.begin(), s.lan_prefixes.end(),
                            [&](const Sourced<Prefix>& p) { return p.value.addr.family == net.addr.family; });
    // One prefix per family: the given subnet, else the first address's network.
    if (!have) s.lan_prefixes.push_back({net, "address on " + s.lan_if->value});
  }
}

// Family-aware: an IPv4 LAN is reached via the node's IPv4 address, IPv6 via IPv6.
void resolve_routes(Site& s, const Observed& o) {
  auto nets = site_networks(s, o);
  auto mine = node_addresses(nets);
  if (!o.networks)
    for (const auto& a : s.zt_addresses) mine.push_back(a.addr);
  for (const auto& p : s.lan_prefixes) {
    NeededRoute r;
    r.target = p.value.widened(1);
    for (const auto& a : mine)
      if (a.family == p.value.addr.family) {
        r.via = a;
        break;
      }
    if (o.networks) {
      bool present = false;
      for (const auto* n : nets)
        for (const auto& mr : n->routes) {
          auto via = mr.via ? try_parse_address(*mr.via) : std::nullopt;
          auto t = try_parse_prefix(mr.target);
          if (!via || !t || t->has_host_bits() || t->addr.family != p.value.addr.family) continue;
          bool to_me = std::find(mine.begin(), mine.end(), *via) != mine.end();
          present = present || (to_me && t->len <= p.value.len && t->contains(p.value.addr));
        }
      r.present = present;
    }
    s.routes.push_back(r);
  }
}

}  // namespace

Site resolve(const Given& g, const Observed& o) {
  Site s;
  resolve_network(s, g, o);
  resolve_zt_if(s, g, o);
  resolve_lan_if(s, g, o);
  resolve_prefixes(s, g, o);
  resolve_routes(s, o);
  if (!o.networks && !o.zerotier_error.empty()) s.notes.push_back("ZeroTier service not asked: " + o.zerotier_error);
  return s;
}

}  // namespace bdctl::site
