// bridge.*: whether the layer-2 backdoor bdctl-bridge made still stands. Only
// when a bdctl-bridge up is on record (the site is bridged); the routed
// checks forwarding.sysctl and forwarding.rules are then left out, their
// premise being false. bridge.ports: the bridge holds both ports and they
// forward; bridge.filters: table bridge bdctl as up installed it;
// bridge.layout: the Pi's addresses and routes where up put them;
// bridge.zerotier: the network still lets this member bridge, managed
// addresses off.
#include <fmt/format.h>

#include "bdctl/bridge.hpp"
#include "bdctl/printable.hpp"
#include "bdctl/zerotier.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

using nlohmann::ordered_json;

namespace {

void ports_check(const bridge::Status& st, Sink& sink, const Timer& t) {
  ordered_json ports = ordered_json::array();
  std::vector<std::string> bad;
  for (const auto& p : st.ports) {
    ports.push_back(
        {{"role", p.role}, {"name", p.name}, {"exists", p.exists}, {"in_bridge", p.in_bridge}, {"up", p.up}});
    if (!p.exists)
      bad.push_back(fmt::format("the {} port {} does not exist", p.role, p.name));
    else if (!p.in_bridge)
      bad.push_back(fmt::format("{} is not in {} (ZeroTier restarted? run bdctl-bridge up)", p.name, st.names.bridge));
    else if (!p.up)
      bad.push_back(fmt::format("{} has no carrier", p.name));
  }
  ordered_json d{{"bridge", st.names.bridge}, {"bridged", st.bridged}, {"bridge_up", st.bridge_up}, {"ports", ports}};
  if (!st.bridged && bad.empty()) bad.push_back(fmt::format("no bridge named {}", st.names.bridge));
  if (bad.empty() && !st.bridge_up) bad.push_back(fmt::format("{} is down", st.names.bridge));
  if (!bad.empty())
    sink.add(make("bridge.ports", State::critical, fmt::format("{}", fmt::join(bad, "; ")), t, std::move(d)));
  else
    sink.add(make("bridge.ports", State::ok,
                  fmt::format("{} forwards between {} and {}", st.names.bridge, st.names.lan, st.names.zt), t,
                  std::move(d)));
}

void filters_check(const bridge::Status& st, const bridge::Filters& f, Sink& sink, const Timer& t) {
  ordered_json drift = ordered_json::array();
  for (const auto& c : st.filters)
    if (!c.empty()) drift.push_back(c);
  ordered_json d{{"drift", drift}};
  if (st.filters_ok())
    sink.add(make("bridge.filters", State::ok,
                  fmt::format("table bridge bdctl as up installed it (no DHCP across, LAN broadcasts limited to "
                              "{}/second, {})",
                              f.broadcast_limit, f.mss ? fmt::format("TCP MSS clamped to {}", f.mss) : "no MSS clamp"),
                  t, std::move(d)));
  else
    sink.add(make("bridge.filters", State::critical,
                  "table bridge bdctl differs from what up installed: DHCP may cross, broadcasts are not "
                  "limited (run bdctl-bridge up)",
                  t, std::move(d)));
}

void layout_check(const bridge::Status& st, Sink& sink, const Timer& t) {
  std::vector<std::string> drift;
  for (const auto& l : st.layout_drift) drift.push_back(printable(l));
  ordered_json d{{"addresses", st.addresses}, {"drift", drift}};
  if (drift.empty())
    sink.add(make("bridge.layout", State::ok,
                  fmt::format("the Pi's addresses and routes are on {} as up put them", st.names.bridge), t,
                  std::move(d)));
  else
    sink.add(make("bridge.layout", State::critical, fmt::format("{}", fmt::join(drift, "; ")), t, std::move(d)));
}

void zerotier_check(const Settings& s, const std::string& network, Sink& sink) {
  Timer t;
  ordered_json d{{"network", network}};
  zerotier::ClientOptions o = s.zt;
  o.timeout = s.timeout;
  std::optional<zerotier::Network> joined;
  try {
    joined = zerotier::Client(o).network(network);
  } catch (const std::exception& e) {
    sink.add(make("bridge.zerotier", State::unknown, fmt::format("network {}: {}", network, e.what()), t, d));
    return;
  }
  if (!joined) {
    sink.add(make("bridge.zerotier", State::critical,
                  fmt::format("this node is no longer in network {}: zerotier-cli join {}", network, network), t, d));
    return;
  }
  const auto& n = *joined;
  d["status"] = n.status;
  d["bridge"] = n.bridge;
  d["allow_managed"] = n.allow_managed;
  if (n.status != "OK")
    sink.add(make("bridge.zerotier", State::critical, fmt::format("network {} is {}", network, n.status), t, d));
  else if (!n.bridge)
    sink.add(make("bridge.zerotier", State::critical,
                  fmt::format("network {} no longer lets this member bridge: tick \"Allow Ethernet Bridging\" in "
                              "ZeroTier Central",
                              network),
                  t, d));
  else if (n.allow_managed)
    sink.add(make("bridge.zerotier", State::warning,
                  fmt::format("managed addresses are on for {}: zerotier-cli set {} allowManaged=0", network, network),
                  t, d));
  else
    sink.add(make("bridge.zerotier", State::ok,
                  fmt::format("network {} lets this member bridge, managed addresses off", network), t, d));
}

}  // namespace

void bridge_group(const Settings& s, Sink& sink) {
  if (!s.bridged) return;
  const std::vector<const char*> local{"bridge.ports", "bridge.filters", "bridge.layout"};
  std::optional<bridge::Recorded> rec;
  Timer t;
  try {
    rec = bridge::recorded();
    if (!rec) throw std::runtime_error(fmt::format("{} is gone", bridge::state_path()));
    bool any = false;
    for (const char* n : local) any = any || sink.wants(n);
    if (any) {
      Rtnl rtnl;
      auto st = bridge::status(rtnl, *rec);
      if (sink.wants("bridge.ports")) ports_check(st, sink, t);
      if (sink.wants("bridge.filters")) filters_check(st, rec->filters, sink, t);
      if (sink.wants("bridge.layout")) layout_check(st, sink, t);
    }
  } catch (const std::exception& e) {
    // Not root (nftables), or the record unreadable: nothing observed.
    for (const char* n : local)
      if (sink.wants(n)) sink.add(make(n, State::unknown, e.what(), t));
  }
  if (sink.wants("bridge.zerotier")) {
    if (rec && !rec->network.empty())
      zerotier_check(s, rec->network, sink);
    else
      sink.add(make("bridge.zerotier", State::unknown, "the last bdctl-bridge up recorded no network", Timer{}));
  }
}

}  // namespace bdctl::check::detail
