// A probe round is one bdctl-check run of the checks the ladder needs, so
// the watch and the check can never disagree about what "down" means.
#include <fmt/format.h>

#include <algorithm>

#include "bdctl/check.hpp"
#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/watch.hpp"

namespace bdctl::watch {

namespace {
const char* const kInternetPrefix = "watch-internet-";
const char* const kGatewayTarget = "watch-hotspot";

const check::Result* find(const check::Report& r, const std::string& name) {
  auto it = std::find_if(r.checks.begin(), r.checks.end(), [&](const check::Result& c) { return c.name == name; });
  return it == r.checks.end() ? nullptr : &*it;
}

Health health_of(const check::Result* r) {
  if (!r) return Health::unknown;
  switch (r->state) {
    case check::State::ok: return Health::up;
    case check::State::critical: return Health::down;
    case check::State::warning: return Health::degraded;
    case check::State::unknown: break;
  }
  return Health::unknown;
}

std::string why(const check::Result* r) { return r ? r->summary : "not checked"; }

// Any target answering is up; all down is down; otherwise not known.
void internet(const check::Report& rep, std::size_t n, Observation& o) {
  int down = 0, up = 0;
  std::string whys;
  for (std::size_t i = 1; i <= n; ++i) {
    const auto* r = find(rep, fmt::format("lan.{}{}", kInternetPrefix, i));
    Health h = health_of(r);
    up += h == Health::up || h == Health::degraded;
    down += h == Health::down;
    if (h != Health::up) whys += (whys.empty() ? "" : "; ") + why(r);
  }
  o.internet = up > 0 ? Health::up : down == int(n) ? Health::down : Health::unknown;
  o.why_internet = o.internet == Health::up ? "" : whys;
}

// A layer judged by several checks is up when all are; down when one is
// known broken; a warning (ZeroTier TUNNELED) is degraded.
Health worst_of(const check::Report& rep, std::initializer_list<const char*> names, std::string& why_out) {
  auto rank = [](Health h) { return h == Health::up ? 0 : h == Health::degraded ? 1 : h == Health::unknown ? 2 : 3; };
  Health worst = Health::up;
  for (const char* name : names) {
    const auto* r = find(rep, name);
    Health h = health_of(r);
    if (rank(h) <= rank(worst)) continue;  // the first, worst cause names it
    worst = h;
    why_out = fmt::format("{}: {}", name, why(r));
  }
  return worst;
}

// The checks that judge the ZeroTier and forwarding layers. Bridged, nothing
// is routed: the forwarding layer is the bridge, and a managed route via
// this node is no longer needed.
const std::vector<std::string>& layer_checks(bool bridged) {
  static const std::vector<std::string> routed{"zerotier.service", "zerotier.network", "zerotier.route",
                                               "forwarding.sysctl", "forwarding.rules"};
  static const std::vector<std::string> bridge{"zerotier.service", "zerotier.network", "bridge.ports", "bridge.filters",
                                               "bridge.layout"};
  return bridged ? bridge : routed;
}
}  // namespace

check::Settings probe_settings(const WatchConfig& w, const Config& cfg) {
  check::Settings s;
  check::apply_config(cfg, s);
  s.watch.reset();  // the watch.* checks judge this daemon, not the site
  s.only = layer_checks(s.bridged);
  for (std::size_t i = 0; i < w.internet_targets.size(); ++i) {
    std::string name = fmt::format("{}{}", kInternetPrefix, i + 1);
    s.targets.push_back(check::parse_target(name + "=" + w.internet_targets[i]));
    s.only.push_back("lan." + name);
  }
  if (w.hotspot_gateway.empty()) {
    s.only.emplace_back("uplink.gateway");
  } else {
    s.targets.push_back(check::parse_target(std::string(kGatewayTarget) + "=icmp:" + w.hotspot_gateway));
    s.only.push_back(std::string("lan.") + kGatewayTarget);
  }
  return s;
}

Observation probe(const WatchConfig& w, const Config& cfg) { return probe(w, probe_settings(w, cfg)); }

Observation probe(const WatchConfig& w, const check::Settings& base, const std::set<std::string>* rules) {
  auto wanted = [&](const std::string& rule) { return !rules || rules->count(rule) != 0; };
  check::Settings s = base;
  // Bridged or routed since the last round (bdctl-bridge up or down while
  // the daemon runs): judge the layout the site has now.
  check::observe_layout(s);
  if (s.bridged != base.bridged) {
    const auto& old = layer_checks(base.bridged);
    std::erase_if(s.only, [&](const std::string& n) { return std::find(old.begin(), old.end(), n) != old.end(); });
    const auto& now = layer_checks(s.bridged);
    s.only.insert(s.only.begin(), now.begin(), now.end());
  }
  for (const auto& [name, r] : w.rules)
    if (wanted(name)) s.only.push_back("lan." + r.target);
  auto rep = check::run(s);

  Observation o;
  const auto* gw = find(rep, w.hotspot_gateway.empty() ? "uplink.gateway" : std::string("lan.") + kGatewayTarget);
  o.gateway = health_of(gw);
  o.why_gateway = why(gw);
  internet(rep, w.internet_targets.size(), o);
  if (s.bridged) {
    o.zerotier = worst_of(rep, {"zerotier.service", "zerotier.network"}, o.why_zerotier);
    o.forwarding = worst_of(rep, {"bridge.ports", "bridge.filters", "bridge.layout"}, o.why_forwarding);
  } else {
    o.zerotier = worst_of(rep, {"zerotier.service", "zerotier.network", "zerotier.route"}, o.why_zerotier);
    o.forwarding = worst_of(rep, {"forwarding.sysctl", "forwarding.rules"}, o.why_forwarding);
  }
  for (const auto& [name, r] : w.rules) {
    if (!wanted(name)) continue;
    const auto* t = find(rep, "lan." + r.target);
    o.rules[name] = health_of(t);
    o.why_rules[name] = why(t);
  }
  return o;
}

std::int64_t uptime_ms() {
  // No uptime, no boot grace to judge: an error, not "just booted" forever.
  auto text = read_file("/proc/uptime", 256);
  if (!text) throw SystemError("/proc/uptime: cannot read it");
  try {
    return static_cast<std::int64_t>(std::stod(*text) * 1000);
  } catch (const std::exception&) {
    throw SystemError("/proc/uptime: not an uptime");
  }
}

}  // namespace bdctl::watch
