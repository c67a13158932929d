// Targets, ranges, the config file and --only/--skip selection.
#include <fmt/format.h>

#include <toml++/toml.h>
#include <unistd.h>
#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "bdctl/bridge.hpp"
#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/mss.hpp"
#include "bdctl/watch.hpp"
#include "internal.hpp"

namespace bdctl::check {

namespace {
bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// "host:port" or "[v6]:port" (as in a URL).
std::pair<std::string, int> host_port(std::string_view spec, std::string_view whole) {
  auto bad = [&](const char* why) {
    return InputError(fmt::format("invalid target '{}': {} (expected NAME=HOST:PORT or NAME=icmp:HOST)", whole, why));
  };
  std::string host;
  std::string_view port;
  if (!spec.empty() && spec.front() == '[') {
    auto close = spec.find(']');
    if (close == std::string_view::npos || close + 1 >= spec.size() || spec[close + 1] != ':')
      throw bad("bad [IPv6]:PORT");
    host = spec.substr(1, close - 1);
    port = spec.substr(close + 2);
  } else {
    auto colon = spec.rfind(':');
    if (colon == std::string_view::npos) throw bad("no port");
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
    if (host.find(':') != std::string::npos) throw bad("write IPv6 addresses as [ADDR]:PORT");
  }
  if (host.empty()) throw bad("no host");
  int p = 0;
  if (port.empty() || port.size() > 5) throw bad("port is not 1-65535");
  for (char c : port) {
    if (c < '0' || c > '9') throw bad("port is not a number");
    p = p * 10 + (c - '0');
  }
  if (p < 1 || p > 65535) throw bad("port is not 1-65535");
  return {host, p};
}

// "icmp:HOST": an address (IPv6 bare or in brackets, "%scope" allowed) or a name; no port.
std::string icmp_host(std::string_view spec, std::string_view whole) {
  auto bad = [&](const char* why) {
    return InputError(fmt::format("invalid target '{}': {} (expected NAME=icmp:HOST)", whole, why));
  };
  std::string host(spec);
  if (!host.empty() && host.front() == '[') {
    if (host.back() != ']') throw bad("an ICMP target takes no port");
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) throw bad("no host");
  if (host.find_first_of(" \t/[]") != std::string::npos) throw bad("not an address or host name");
  if (host.find(':') != std::string::npos && !try_parse_address(host.substr(0, host.find('%'))))
    throw bad("an ICMP target takes no port");
  return host;
}
}  // namespace

Target parse_target(std::string_view spec) {
  auto eq = spec.find('=');
  if (eq == std::string_view::npos)
    throw InputError(fmt::format("invalid target '{}': expected NAME=HOST:PORT or NAME=icmp:HOST", spec));
  Target t;
  t.name = spec.substr(0, eq);
  if (!valid_name(t.name))
    throw InputError(fmt::format("invalid target '{}': the name may use letters, digits, '-' and '_'", spec));
  auto value = spec.substr(eq + 1);
  // An explicit "icmp:" rather than a missing port: a forgotten port stays an error.
  if (value.rfind("icmp:", 0) == 0) {
    t.probe = Probe::icmp;
    t.host = icmp_host(value.substr(5), spec);
    return t;
  }
  std::tie(t.host, t.port) = host_port(value, spec);
  return t;
}

Range parse_range(const std::string& name, std::string_view text) {
  Range r;
  r.name = name;
  r.text = text;
  auto dash = text.find('-');
  if (dash != std::string_view::npos) {
    auto a = try_parse_address(text.substr(0, dash));
    auto b = try_parse_address(text.substr(dash + 1));
    if (!a || !b || a->family != b->family)
      throw InputError(fmt::format("invalid range '{}' for '{}': expected FIRST-LAST or a prefix", text, name));
    if (std::memcmp(a->bytes.data(), b->bytes.data(), a->size()) > 0)
      throw InputError(fmt::format("invalid range '{}' for '{}': first address after last", text, name));
    r.first = *a;
    r.last = *b;
    return r;
  }
  auto p = try_parse_prefix(text);
  if (!p) throw InputError(fmt::format("invalid range '{}' for '{}': expected FIRST-LAST or a prefix", text, name));
  Prefix net = p->network();
  r.first = net.addr;
  r.last = net.addr;
  for (int bit = net.len; bit < net.max_len(); ++bit)
    r.last.bytes[bit / 8] |= static_cast<std::uint8_t>(0x80 >> (bit % 8));
  return r;
}

void apply_config(const Config& cfg, Settings& s) {
  auto wrap = [&](const std::string& key, auto&& f) {
    try {
      f();
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}", cfg.where(key), e.what()));
    }
  };
  s.site = site::with_config(s.site, cfg);
  for (const auto& name : [&] {
         std::vector<std::string> keys;
         if (auto* t = cfg.root().at_path("site.ranges").as_table())
           for (auto& [k, v] : *t) keys.emplace_back(k.str());
         return keys;
       }()) {
    std::string key = "site.ranges." + name;
    auto v = cfg.get_string(key);
    if (v) wrap(key, [&] { s.pools.push_back(parse_range(name, *v)); });
  }
  if (auto* t = cfg.root().at_path("site.static").as_table()) {
    for (auto& [k, v] : *t) {
      std::string host(k.str());  // a copy: clang 14 cannot capture a structured binding
      std::string key = "site.static." + host;
      auto a = cfg.get_string(key);
      if (a) wrap(key, [&] { s.static_hosts.emplace_back(host, parse_address(*a)); });
    }
  }
  std::vector<Target> from_cfg;
  if (auto* t = cfg.root().at_path("check.targets").as_table()) {
    for (auto& [k, v] : *t) {
      std::string name(k.str());  // a copy: clang 14 cannot capture a structured binding
      std::string key = "check.targets." + name;
      auto spec = cfg.get_string(key);
      if (spec) wrap(key, [&] { from_cfg.push_back(parse_target(name + "=" + *spec)); });
    }
  }
  // Command-line targets add to the file's; the same name on the command line wins.
  // A set of names, not a scan per target: 40k targets loaded in 4.6 s when it was quadratic.
  std::unordered_set<std::string> given;
  for (const auto& t : s.targets) given.insert(t.name);
  for (auto& t : from_cfg)
    if (!given.count(t.name)) s.targets.push_back(std::move(t));
  if (auto m = mss::options_from_config(cfg)) s.mss_configured = mss::describe(*m);
  if (auto v = cfg.get_duration("check.timeout")) s.timeout = *v;
  if (auto v = cfg.get_duration("check.deadline")) s.deadline = *v;
  if (cfg.root()["watch"].is_table())
    s.watch = std::make_shared<const watch::WatchConfig>(watch::WatchConfig::from(cfg));
  s.repeat = cfg.root()["repeat"].is_table();
  observe_layout(s);
}

void observe_layout(Settings& s) {
  // The record of a bdctl-bridge up: the site is bridged, not routed.
  s.bridged = ::access(bridge::state_path().c_str(), F_OK) == 0;
  s.bridged_network.clear();
  if (s.bridged) {
    try {
      if (auto r = bridge::recorded()) s.bridged_network = r->network;
    } catch (const std::exception&) {
      // Unreadable: the bridge.* checks say so; no network is excused an address.
    }
  }
}

std::vector<std::string> group_names() {
  return {"zerotier", "forwarding", "uplink", "lan", "plan", "watch", "repeat", "bridge"};
}

std::vector<std::string> check_names(const Settings& s) {
  // Bridged, nothing is routed: neither a managed route via this node nor
  // forwarding is needed, and judging them would cry wolf.
  std::vector<std::string> n{"zerotier.service", "zerotier.network"};
  if (!s.bridged) n.emplace_back("zerotier.route");
  n.emplace_back("zerotier.peers");
  if (!s.bridged) n.insert(n.end(), {"forwarding.sysctl", "forwarding.rules"});
  n.insert(n.end(), {"forwarding.mss", "forwarding.drops", "forwarding.pending", "uplink.route", "uplink.gateway",
                     "uplink.zerotier"});
  for (const auto& t : s.targets) n.push_back("lan." + t.name);
  n.push_back("plan.duplicate");
  n.push_back("plan.ranges");
  if (s.watch) n.insert(n.end(), {"watch.daemon", "watch.budgets", "watch.last_action"});
  if (s.repeat) n.insert(n.end(), {"repeat.daemon", "repeat.loops"});
  if (s.bridged) n.insert(n.end(), {"bridge.ports", "bridge.filters", "bridge.layout", "bridge.zerotier"});
  return n;
}

std::vector<std::string> selected_names(const Settings& s) {
  auto all = check_names(s);
  auto matches = [](const std::string& pattern, const std::string& name) {
    return name == pattern || name.rfind(pattern + ".", 0) == 0;
  };
  auto validate = [&](const std::vector<std::string>& patterns, const char* opt) {
    for (const auto& p : patterns) {
      bool any = std::any_of(all.begin(), all.end(), [&](const std::string& n) { return matches(p, n); });
      auto groups = group_names();
      bool group = std::find(groups.begin(), groups.end(), p) != groups.end();
      if (!any && !group)
        throw InputError(fmt::format("{} '{}': no such check or group (groups: {})", opt, p, fmt::join(groups, ", ")));
    }
  };
  validate(s.only, "--only");
  validate(s.skip, "--skip");
  std::vector<std::string> out;
  for (const auto& n : all) {
    bool in = s.only.empty() ||
              std::any_of(s.only.begin(), s.only.end(), [&](const std::string& p) { return matches(p, n); });
    bool out_ = std::any_of(s.skip.begin(), s.skip.end(), [&](const std::string& p) { return matches(p, n); });
    if (in && !out_) out.push_back(n);
  }
  return out;
}

}  // namespace bdctl::check
