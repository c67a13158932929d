// zerotier.service, zerotier.network, zerotier.route, zerotier.peers and
// uplink.zerotier (which needs the peers' paths): one API conversation.
#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>

#include "bdctl/rtnl.hpp"
#include "bdctl/zerotier.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

namespace {
using nlohmann::ordered_json;
namespace zt = bdctl::zerotier;

State failure_state(zt::Failure f) {
  // The service being down or wedged is a broken backdoor; a token problem
  // means this check could not look.
  switch (f) {
    case zt::Failure::not_running:
    case zt::Failure::timeout: return State::critical;
    default: return State::unknown;
  }
}

std::string ip_of(const std::string& addr_slash) { return addr_slash.substr(0, addr_slash.find('/')); }

// The LAN to be reached through this node, from the site model: the given
// subnet, else the network of the LAN interface's IPv4 address, else its IPv6 one.
std::optional<site::Sourced<Prefix>> lan_subnet(const Settings& s) {
  auto ifs = find_interfaces(s);
  const auto& ps = ifs.site->lan_prefixes;
  if (ps.empty()) return std::nullopt;
  if (s.site.lan_subnet) return ps.front();
  for (const auto& p : ps)
    if (p.value.addr.family == AF_INET) return p;
  return ps.front();
}

ordered_json network_json(const zt::Network& n) {
  ordered_json routes = ordered_json::array();
  for (const auto& r : n.routes)
    routes.push_back({{"target", r.target}, {"via", r.via ? ordered_json(*r.via) : ordered_json(nullptr)}});
  return {{"id", n.id},
          {"name", n.name},
          {"status", n.status},
          {"interface", n.port_device_name},
          {"assigned_addresses", n.assigned_addresses},
          {"routes", routes}};
}

void network_check(const Settings& s, Sink& sink, const std::vector<zt::Network>& nets, Rtnl& rt) {
  Timer t;
  ordered_json list = ordered_json::array();
  State st = State::ok;
  std::vector<std::string> parts;
  if (nets.empty()) {
    std::string what = s.site.network ? fmt::format("network {} is not joined", s.site.network->value)
                                      : std::string("no ZeroTier network is joined");
    sink.add(make(
        "zerotier.network", State::critical, what, t,
        {{"networks", list}, {"hint", "zerotier-cli join NETWORK_ID, then authorise the node in ZeroTier Central"}}));
    return;
  }
  auto addrs = rt.addresses(0);
  for (const auto& n : nets) {
    auto j = network_json(n);
    State ns = State::ok;
    std::vector<std::string> problems;
    if (n.status != "OK") {
      ns = State::critical;
      problems.push_back(fmt::format("{}: {}", n.status, zt::explain_network_status(n.status)));
    }
    auto link = n.port_device_name.empty() ? std::nullopt : rt.link(n.port_device_name);
    j["interface_present"] = link.has_value();
    j["interface_up"] = link && link->admin_up;
    if (!link) {
      ns = State::critical;
      problems.push_back(
          fmt::format("interface {} does not exist", n.port_device_name.empty() ? "?" : n.port_device_name));
    } else if (!link->admin_up) {
      ns = State::critical;
      problems.push_back(fmt::format("interface {} is down", n.port_device_name));
    }
    ordered_json missing = ordered_json::array();
    if (n.status == "OK" && n.assigned_addresses.empty()) {
      ns = worse(ns, State::critical);
      problems.push_back("no address assigned (assign one in ZeroTier Central)");
    }
    for (const auto& a : n.assigned_addresses) {
      auto p = try_parse_prefix(a);
      bool on_if = link && p && std::any_of(addrs.begin(), addrs.end(), [&](const Address& x) {
                     return x.ifindex == link->index && x.prefix.addr == p->addr;
                   });
      if (!on_if) missing.push_back(a);
    }
    j["addresses_missing"] = missing;
    if (link && !missing.empty()) {
      ns = worse(ns, State::critical);
      problems.push_back(fmt::format("{} not on {}", missing.dump(), n.port_device_name));
    }
    j["state"] = state_name(ns);
    list.push_back(j);
    st = worse(st, ns);
    std::string label = n.name.empty() ? n.id : fmt::format("{} ({})", n.id, n.name);
    if (problems.empty()) {
      std::string a;
      for (const auto& x : n.assigned_addresses) a += (a.empty() ? "" : ",") + x;
      parts.push_back(fmt::format("{} OK on {} {}", label, n.port_device_name, a));
    } else {
      std::string p;
      for (const auto& x : problems) p += (p.empty() ? "" : "; ") + x;
      parts.push_back(fmt::format("{}: {}", label, p));
    }
  }
  std::string summary;
  for (const auto& p : parts) summary += (summary.empty() ? "" : " | ") + p;
  sink.add(make("zerotier.network", st, summary, t, {{"networks", list}}));
}

void route_check(const Settings& s, Sink& sink, const std::vector<zt::Network>& nets) {
  Timer t;
  auto subnet = lan_subnet(s);
  if (!subnet) {
    sink.add(make("zerotier.route", State::unknown,
                  "LAN subnet unknown: set site.subnet in bdctl.toml or give the LAN interface an address", t));
    return;
  }
  const Prefix* lan = &subnet->value;
  Prefix wide = lan->widened(1);
  ordered_json d{{"lan_subnet", lan->to_string()}, {"lan_subnet_source", subnet->source}};
  std::vector<std::string> mine;
  std::string node;  // this node's address of the LAN's family: an IPv4 route goes via IPv4
  bool configured = false;
  for (const auto& n : nets) {
    configured = configured || n.status == "OK";
    for (const auto& a : n.assigned_addresses) {
      mine.push_back(ip_of(a));
      auto addr = try_parse_address(ip_of(a));
      if (node.empty() && addr && addr->family == lan->addr.family) node = ip_of(a);
    }
  }
  d["node_addresses"] = mine;
  // Not joined, or no configuration yet: the managed routes are not known,
  // so neither is whether one is missing.
  if (!configured) {
    sink.add(make("zerotier.route", State::unknown,
                  "no ZeroTier network is configured on this node yet (see zerotier.network): its managed routes "
                  "are unknown",
                  t, std::move(d)));
    return;
  }
  std::string add_hint = node.empty()
                             ? fmt::format(
                                   "this node has no {} address on the network: assign one in ZeroTier Central, then "
                                   "add the managed route {} via it",
                                   lan->addr.family == AF_INET6 ? "IPv6" : "IPv4", wide.to_string())
                             : fmt::format("add in ZeroTier Central (Advanced, Managed Routes): destination {} via {}",
                                           wide.to_string(), node);
  d["suggested_route"] =
      node.empty() ? ordered_json(nullptr) : ordered_json{{"target", wide.to_string()}, {"via", node}};
  State best = State::critical;
  bool found = false;  // a route covering the LAN, whatever its state
  std::string summary = fmt::format("no managed route to {} via this node; {}", lan->to_string(), add_hint);
  for (const auto& n : nets) {
    for (const auto& r : n.routes) {
      if (!r.via) continue;
      auto p = try_parse_prefix(r.target);
      if (!p || p->addr.family != lan->addr.family) continue;
      Prefix net = p->network();
      if (!(net.len <= lan->len && net.contains(lan->addr))) continue;  // does not cover the LAN
      bool to_me = std::find(mine.begin(), mine.end(), *r.via) != mine.end();
      d["route"] = {{"network", n.id}, {"target", r.target}, {"via", *r.via}};
      State st;
      std::string sum;
      if (p->has_host_bits()) {
        st = State::critical;
        sum = fmt::format(
            "managed route {} has host bits set: the controller accepts it, Linux rejects it and "
            "zerotier-one installs nothing; use {} via {}",
            r.target, net.to_string(), *r.via);
      } else if (!to_me) {
        st = State::critical;
        sum = fmt::format("managed route {} points at {}, not this node ({}); {}", r.target, *r.via,
                          mine.empty() ? "no address" : fmt::format("{}", fmt::join(mine, ", ")), add_hint);
      } else if (net.len == lan->len) {
        st = State::warning;
        sum = fmt::format(
            "managed route {} via {} is not wider than the LAN: devices on the LAN that run ZeroTier "
            "lose local access; use {}",
            r.target, *r.via, wide.to_string());
      } else {
        st = State::ok;
        sum = fmt::format("managed route {} via {} (this node) covers {}", r.target, *r.via, lan->to_string());
      }
      auto rank = [](State x) { return x == State::ok ? 0 : x == State::warning ? 1 : 2; };
      if (!found || rank(st) < rank(best)) {
        found = true;
        best = st;
        summary = sum;
      }
    }
  }
  if (best != State::ok) d["hint"] = add_hint;
  sink.add(make("zerotier.route", best, summary, t, std::move(d)));
}

ordered_json peer_json(const zt::Peer& p) {
  const auto* path = p.direct_path();
  return {{"address", p.address},
          {"role", p.role},
          {"latency_ms", p.latency_ms ? ordered_json(*p.latency_ms) : ordered_json(nullptr)},
          {"link", path ? "DIRECT" : "RELAY"},
          {"path", path ? ordered_json(path->address) : ordered_json(nullptr)},
          {"version", p.version ? ordered_json(*p.version) : ordered_json(nullptr)}};
}

void peers_check(Sink& sink, const std::vector<zt::Peer>& peers) {
  Timer t;
  ordered_json list = ordered_json::array();
  int upstreams = 0, upstream_ok = 0, leaves = 0, relayed = 0;
  for (const auto& p : peers) {
    list.push_back(peer_json(p));
    bool up = p.role == "PLANET" || p.role == "MOON";
    if (up) {
      ++upstreams;
      if (p.direct_path()) ++upstream_ok;
    } else {
      ++leaves;
      if (!p.direct_path()) ++relayed;
    }
  }
  State st = State::ok;
  std::string sum =
      fmt::format("{} of {} roots/moons reachable; {} peers, {} relayed", upstream_ok, upstreams, leaves, relayed);
  if (upstream_ok == 0)
    st = State::critical;
  else if (relayed > 0)
    st = State::warning;
  sink.add(make("zerotier.peers", st, sum, t,
                {{"roots_reachable", upstream_ok}, {"roots", upstreams}, {"relayed", relayed}, {"peers", list}}));
}

// The ZeroTier path works over the uplink: some root or moon talks to us
// directly, through the interface of the default route.
void uplink_zerotier_check(Sink& sink, const std::vector<zt::Peer>& peers, Rtnl& rt) {
  Timer t;
  auto def = rt.default_route(AF_INET);
  std::string uplink;
  if (def)
    if (auto l = rt.link(def->oif)) uplink = l->name;
  ordered_json paths = ordered_json::array();
  int over_uplink = 0;
  for (const auto& p : peers) {
    if (p.role != "PLANET" && p.role != "MOON") continue;
    const auto* path = p.direct_path();
    if (!path) continue;
    std::string ip = path->address.substr(0, path->address.rfind('/'));
    std::string dev;
    if (auto a = try_parse_address(ip))
      if (auto r = rt.route_get(*a))
        if (auto l = rt.link(r->oif)) dev = l->name;
    if (!uplink.empty() && dev == uplink) ++over_uplink;
    paths.push_back({{"peer", p.address}, {"role", p.role}, {"path", path->address}, {"interface", dev}});
  }
  State st = over_uplink > 0 ? State::ok : State::critical;
  std::string sum = over_uplink > 0  ? fmt::format("{} root/moon path(s) over {}", over_uplink, uplink)
                    : uplink.empty() ? "no default route: ZeroTier cannot reach its roots"
                                     : fmt::format("no root or moon answers over {}", uplink);
  sink.add(make("uplink.zerotier", st, sum, t, {{"uplink_interface", uplink}, {"paths", paths}}));
}
}  // namespace

void zerotier_group(const Settings& s, Sink& sink) {
  Timer t;
  const std::vector<std::string> rest{"zerotier.network", "zerotier.route", "zerotier.peers", "uplink.zerotier"};
  auto fail_rest = [&](State st, const std::string& why) {
    for (const auto& n : rest) sink.add(make(n, st, why, t));
  };
  zt::ClientOptions o = s.zt;
  o.timeout = s.timeout;
  std::optional<zt::Client> c;
  zt::Status status;
  try {
    c.emplace(o);
    status = c->status();
  } catch (const zt::ApiError& e) {
    State st = failure_state(e.failure());
    ordered_json d{{"failure", [&] {
                      switch (e.failure()) {
                        case zt::Failure::not_running: return "not_running";
                        case zt::Failure::timeout: return "timeout";
                        case zt::Failure::token_unreadable: return "token_unreadable";
                        case zt::Failure::token_rejected: return "token_rejected";
                        case zt::Failure::local: return "local";
                        default: return "protocol";
                      }
                    }()}};
    sink.add(make("zerotier.service", st, e.what(), t, d));
    fail_rest(State::unknown, "ZeroTier service not reachable (see zerotier.service)");
    return;
  }
  {
    State st = status.state() == "ONLINE" ? State::ok : status.state() == "TUNNELED" ? State::warning : State::critical;
    std::string why = st == State::ok        ? ""
                      : st == State::warning ? ": UDP is blocked, traffic is relayed over TCP (slow)"
                                             : ": no root or moon answered (check the uplink and UDP 9993 outbound)";
    sink.add(make("zerotier.service", st,
                  fmt::format("{}{}; node {}, version {}, port {}", status.state(), why, status.address, status.version,
                              c->location().port),
                  t,
                  {{"address", status.address},
                   {"state", status.state()},
                   {"online", status.online},
                   {"tcp_fallback", status.tcp_fallback_active},
                   {"version", status.version},
                   {"port", c->location().port},
                   {"home", c->location().home}}));
  }
  Rtnl rt;
  std::vector<zt::Network> nets;
  try {
    Timer tn;
    if (s.zt_networks) {
      nets = *s.zt_networks;  // the answer the site was resolved from: one question, one truth
    } else if (s.site.network) {
      if (auto n = c->network(s.site.network->value)) nets.push_back(*n);
    } else {
      nets = c->networks();
    }
    network_check(s, sink, nets, rt);
    route_check(s, sink, nets);
  } catch (const zt::ApiError& e) {
    sink.add(make("zerotier.network", failure_state(e.failure()), e.what(), t));
    sink.add(make("zerotier.route", State::unknown, "networks unknown (see zerotier.network)", t));
  }
  try {
    auto peers = c->peers();
    peers_check(sink, peers);
    uplink_zerotier_check(sink, peers, rt);
  } catch (const zt::ApiError& e) {
    sink.add(make("zerotier.peers", failure_state(e.failure()), e.what(), t));
    sink.add(make("uplink.zerotier", State::unknown, "peers unknown (see zerotier.peers)", t));
  }
}

}  // namespace bdctl::check::detail
