// The seed's "same subnet, separate ranges": nobody else claims the Pi's LAN
// address, pools do not overlap, static hosts sit outside the pools.
#include <fmt/format.h>
#include <sys/socket.h>

#include <cstring>

#include "bdctl/rtnl.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

namespace {
using nlohmann::ordered_json;

int cmp(const IpAddr& a, const IpAddr& b) { return std::memcmp(a.bytes.data(), b.bytes.data(), 16); }
bool in(const IpAddr& a, const Range& r) {
  return a.family == r.first.family && cmp(a, r.first) >= 0 && cmp(a, r.last) <= 0;
}

void duplicate_check(const Settings& s, Sink& sink) {
  Timer t;
  auto ifs = find_interfaces(s);
  if (ifs.lan.empty()) {
    sink.add(make("plan.duplicate", State::unknown, "LAN interface unknown (set site.lan_interface)", t));
    return;
  }
  Rtnl rt;
  auto link = rt.link(ifs.lan);
  if (!link) {
    sink.add(make("plan.duplicate", State::critical, fmt::format("LAN interface {} does not exist", ifs.lan), t));
    return;
  }
  ordered_json probed = ordered_json::array();
  std::vector<std::string> conflicts;
  for (const auto& a : rt.addresses(AF_INET)) {
    if (a.ifindex != link->index) continue;
    auto replies = arp_probe(ifs.lan, a.prefix.addr, std::nullopt, s.timeout);
    ordered_json macs = ordered_json::array();
    for (const auto& r : replies) {
      macs.push_back(r.mac);
      conflicts.push_back(fmt::format("{} is also claimed by {}", a.prefix.addr.to_string(), r.mac));
    }
    probed.push_back({{"address", a.prefix.addr.to_string()}, {"claimed_by", macs}});
  }
  ordered_json d{{"interface", ifs.lan}, {"addresses", probed}};
  if (probed.empty())
    sink.add(make("plan.duplicate", State::warning, fmt::format("{} has no IPv4 address to probe", ifs.lan), t, d));
  else if (!conflicts.empty())
    sink.add(make("plan.duplicate", State::critical,
                  fmt::format("duplicate address on {}: {}", ifs.lan, fmt::join(conflicts, "; ")), t, d));
  else
    sink.add(make("plan.duplicate", State::ok,
                  fmt::format("no other device answers for {} on {}", probed[0]["address"].get<std::string>(), ifs.lan),
                  t, d));
}

void ranges_check(const Settings& s, Sink& sink) {
  Timer t;
  ordered_json d{{"pools", ordered_json::array()}, {"static", ordered_json::array()}};
  for (const auto& r : s.pools) d["pools"].push_back({{"name", r.name}, {"range", r.text}});
  for (const auto& [n, a] : s.static_hosts) d["static"].push_back({{"name", n}, {"address", a.to_string()}});
  if (s.pools.empty() && s.static_hosts.empty()) {
    sink.add(make("plan.ranges", State::ok, "no ranges configured ([site.ranges] in bdctl.toml)", t, d));
    return;
  }
  std::vector<std::string> problems;
  State st = State::ok;
  for (std::size_t i = 0; i < s.pools.size(); ++i)
    for (std::size_t j = i + 1; j < s.pools.size(); ++j) {
      const auto &a = s.pools[i], &b = s.pools[j];
      if (a.first.family == b.first.family && cmp(a.first, b.last) <= 0 && cmp(b.first, a.last) <= 0) {
        problems.push_back(fmt::format("{} ({}) overlaps {} ({})", a.name, a.text, b.name, b.text));
        st = State::critical;
      }
    }
  for (const auto& [n, a] : s.static_hosts)
    for (const auto& r : s.pools)
      if (in(a, r)) {
        problems.push_back(fmt::format("static host {} ({}) is inside {} ({})", n, a.to_string(), r.name, r.text));
        st = State::critical;
      }
  if (s.site.lan_subnet) {
    const Prefix& subnet = s.site.lan_subnet->value;
    for (const auto& r : s.pools)
      if (!subnet.contains(r.first) || !subnet.contains(r.last)) {
        problems.push_back(fmt::format("{} ({}) is not inside the site subnet {}", r.name, r.text, subnet.to_string()));
        st = worse(st, State::warning);
      }
  }
  d["problems"] = problems;
  if (problems.empty())
    sink.add(
        make("plan.ranges", State::ok,
             fmt::format("{} range(s) separate, {} static host(s) outside them", s.pools.size(), s.static_hosts.size()),
             t, d));
  else
    sink.add(make("plan.ranges", st, fmt::format("{}", fmt::join(problems, "; ")), t, d));
}
}  // namespace

void plan_group(const Settings& s, Sink& sink) {
  if (sink.wants("plan.ranges")) ranges_check(s, sink);
  if (sink.wants("plan.duplicate")) {
    Timer t;
    try {
      duplicate_check(s, sink);
    } catch (const std::exception& e) {
      sink.add(make("plan.duplicate", State::unknown, e.what(), t));
    }
  }
}

}  // namespace bdctl::check::detail
