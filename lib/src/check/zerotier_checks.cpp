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

// One network's entry, its state and its part of the summary.
struct NetworkVerdict {
  ordered_json json;
  State state = State::ok;
  std::string part;
};

// The network's assigned addresses that are not on its interface.
ordered_json addresses_missing(const zt::Network& n, const std::optional<Link>& link,
                               const std::vector<Address>& addrs) {
  ordered_json missing = ordered_json::array();
  for (const auto& a : n.assigned_addresses) {
    auto p = try_parse_prefix(a);
    bool on_if = link && p && std::any_of(addrs.begin(), addrs.end(), [&](const Address& x) {
                   return x.ifindex == link->index && x.prefix.addr == p->addr;
                 });
    if (!on_if) missing.push_back(a);
  }
  return missing;
}

std::string network_part(const zt::Network& n, const std::vector<std::string>& problems) {
  std::string label = n.name.empty() ? n.id : fmt::format("{} ({})", n.id, n.name);
  if (problems.empty()) {
    std::string a;
    for (const auto& x : n.assigned_addresses) a += (a.empty() ? "" : ",") + x;
    return fmt::format("{} OK on {} {}", label, n.port_device_name, a);
  }
  std::string p;
  for (const auto& x : problems) p += (p.empty() ? "" : "; ") + x;
  return fmt::format("{}: {}", label, p);
}

// bridged: the network bdctl-bridge holds, whose port has no address of its
// own (Central's "Do Not Auto-Assign IPs", as bridging wants).
NetworkVerdict judge_network(const zt::Network& n, Rtnl& rt, const std::vector<Address>& addrs, bool bridged) {
  NetworkVerdict v;
  v.json = network_json(n);
  State& ns = v.state;
  std::vector<std::string> problems;
  if (n.status != "OK") {
    ns = State::critical;
    problems.push_back(fmt::format("{}: {}", n.status, zt::explain_network_status(n.status)));
  }
  auto link = n.port_device_name.empty() ? std::nullopt : rt.link(n.port_device_name);
  v.json["interface_present"] = link.has_value();
  v.json["interface_up"] = link && link->admin_up;
  if (!link) {
    ns = State::critical;
    problems.push_back(
        fmt::format("interface {} does not exist", n.port_device_name.empty() ? "?" : n.port_device_name));
  } else if (!link->admin_up) {
    ns = State::critical;
    problems.push_back(fmt::format("interface {} is down", n.port_device_name));
  }
  if (n.status == "OK" && n.assigned_addresses.empty() && !bridged) {
    ns = worse(ns, State::critical);
    problems.push_back("no address assigned (assign one in ZeroTier Central)");
  }
  ordered_json missing = addresses_missing(n, link, addrs);
  v.json["addresses_missing"] = missing;
  if (link && !missing.empty()) {
    ns = worse(ns, State::critical);
    problems.push_back(fmt::format("{} not on {}", missing.dump(), n.port_device_name));
  }
  v.json["state"] = state_name(ns);
  v.part = network_part(n, problems);
  return v;
}

void network_check(const Settings& s, Sink& sink, const std::vector<zt::Network>& nets, Rtnl& rt) {
  Timer t;
  ordered_json list = ordered_json::array();
  State st = State::ok;
  if (nets.empty()) {
    std::string what = s.site.network ? fmt::format("network {} is not joined", s.site.network->value)
                                      : std::string("no ZeroTier network is joined");
    sink.add(make(
        "zerotier.network", State::critical, what, t,
        {{"networks", list}, {"hint", "zerotier-cli join NETWORK_ID, then authorise the node in ZeroTier Central"}}));
    return;
  }
  auto addrs = rt.addresses(0);
  std::string summary;
  for (const auto& n : nets) {
    auto v = judge_network(n, rt, addrs, s.bridged && n.id == s.bridged_network);
    list.push_back(v.json);
    st = worse(st, v.state);
    summary += (summary.empty() ? "" : " | ") + v.part;
  }
  sink.add(make("zerotier.network", st, summary, t, {{"networks", list}}));
}

// This node's addresses on its networks, the first of the LAN's family (an
// IPv4 route goes via IPv4), and whether any network is configured yet.
struct NodeAddresses {
  std::vector<std::string> mine;
  std::string node;
  bool configured = false;
};

NodeAddresses node_addresses(const std::vector<zt::Network>& nets, const Prefix& lan) {
  NodeAddresses na;
  for (const auto& n : nets) {
    na.configured = na.configured || n.status == "OK";
    for (const auto& a : n.assigned_addresses) {
      na.mine.push_back(ip_of(a));
      auto addr = try_parse_address(ip_of(a));
      if (na.node.empty() && addr && addr->family == lan.addr.family) na.node = ip_of(a);
    }
  }
  return na;
}

std::string add_route_hint(const Prefix& lan, const Prefix& wide, const std::string& node) {
  if (node.empty())
    return fmt::format(
        "this node has no {} address on the network: assign one in ZeroTier Central, then "
        "add the managed route {} via it",
        lan.addr.family == AF_INET6 ? "IPv6" : "IPv4", wide.to_string());
  return fmt::format("add in ZeroTier Central (Advanced, Managed Routes): destination {} via {}", wide.to_string(),
                     node);
}

// A managed route (target p, network net, via) that covers the LAN, judged.
std::pair<State, std::string> judge_route(const std::string& target, const Prefix& p, const Prefix& net,
                                          const std::string& via, const std::vector<std::string>& mine,
                                          const Prefix& lan, const Prefix& wide, const std::string& add_hint) {
  bool to_me = std::find(mine.begin(), mine.end(), via) != mine.end();
  if (p.has_host_bits())
    return {State::critical, fmt::format("managed route {} has host bits set: the controller accepts it, Linux "
                                         "rejects it and zerotier-one installs nothing; use {} via {}",
                                         target, net.to_string(), via)};
  if (!to_me)
    return {State::critical,
            fmt::format("managed route {} points at {}, not this node ({}); {}", target, via,
                        mine.empty() ? "no address" : fmt::format("{}", fmt::join(mine, ", ")), add_hint)};
  if (net.len == lan.len)
    return {State::warning, fmt::format("managed route {} via {} is not wider than the LAN: devices on the LAN that "
                                        "run ZeroTier lose local access; use {}",
                                        target, via, wide.to_string())};
  return {State::ok, fmt::format("managed route {} via {} (this node) covers {}", target, via, lan.to_string())};
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
  auto [mine, node, configured] = node_addresses(nets, *lan);
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
  std::string add_hint = add_route_hint(*lan, wide, node);
  d["suggested_route"] =
      node.empty() ? ordered_json(nullptr) : ordered_json{{"target", wide.to_string()}, {"via", node}};
  State best = State::critical;
  bool found = false;  // a route covering the LAN, whatever its state
  std::string summary = fmt::format("no managed route to {} via this node; {}", lan->to_string(), add_hint);
  auto rank = [](State x) { return x == State::ok ? 0 : x == State::warning ? 1 : 2; };
  for (const auto& n : nets) {
    for (const auto& r : n.routes) {
      if (!r.via) continue;
      auto p = try_parse_prefix(r.target);
      if (!p || p->addr.family != lan->addr.family) continue;
      Prefix net = p->network();
      if (!(net.len <= lan->len && net.contains(lan->addr))) continue;  // does not cover the LAN
      d["route"] = {{"network", n.id}, {"target", r.target}, {"via", *r.via}};
      auto [st, sum] = judge_route(r.target, *p, net, *r.via, mine, *lan, wide, add_hint);
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

const char* failure_name(zt::Failure f) {
  switch (f) {
    case zt::Failure::not_running: return "not_running";
    case zt::Failure::timeout: return "timeout";
    case zt::Failure::token_unreadable: return "token_unreadable";
    case zt::Failure::token_rejected: return "token_rejected";
    case zt::Failure::local: return "local";
    default: return "protocol";
  }
}

// zerotier.service once the service answered.
void service_check(Sink& sink, const zt::Status& status, const zt::Client& c, const Timer& t) {
  State st = status.state() == "ONLINE" ? State::ok : status.state() == "TUNNELED" ? State::warning : State::critical;
  std::string why = st == State::ok        ? ""
                    : st == State::warning ? ": UDP is blocked, traffic is relayed over TCP (slow)"
                                           : ": no root or moon answered (check the uplink and UDP 9993 outbound)";
  sink.add(make("zerotier.service", st,
                fmt::format("{}{}; node {}, version {}, port {}", status.state(), why, status.address, status.version,
                            c.location().port),
                t,
                {{"address", status.address},
                 {"state", status.state()},
                 {"online", status.online},
                 {"tcp_fallback", status.tcp_fallback_active},
                 {"version", status.version},
                 {"port", c.location().port},
                 {"home", c.location().home}}));
}

// The networks to check: the site's answer, else the one named, else all joined.
std::vector<zt::Network> site_networks(const Settings& s, zt::Client& c) {
  if (s.zt_networks) return *s.zt_networks;  // the answer the site was resolved from: one question, one truth
  std::vector<zt::Network> nets;
  if (s.site.network) {
    if (auto n = c.network(s.site.network->value)) nets.push_back(*n);
  } else {
    nets = c.networks();
  }
  return nets;
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
    ordered_json d{{"failure", failure_name(e.failure())}};
    sink.add(make("zerotier.service", st, e.what(), t, d));
    fail_rest(State::unknown, "ZeroTier service not reachable (see zerotier.service)");
    return;
  }
  service_check(sink, status, *c, t);
  Rtnl rt;
  std::vector<zt::Network> nets;
  try {
    nets = site_networks(s, *c);
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
