// [watch] from bdctl.toml, cross-checked against [relays] and [check.targets]
// so a typo in a relay or target name is an error at start, not a silent rule.
#include <fmt/format.h>

#include <algorithm>

#include "bdctl/check.hpp"
#include "bdctl/error.hpp"
#include "bdctl/relay_config.hpp"
#include "bdctl/watch.hpp"

namespace bdctl::watch {

namespace {
void duration(const Config& c, const std::string& key, Millis& out, Millis least = Millis(1)) {
  auto d = c.get_duration(key);
  if (!d) return;
  if (*d < least)
    throw InputError(
        fmt::format("{}: '{}' is shorter than {}", c.where(key), format_duration(*d), format_duration(least)));
  out = *d;
}

void count(const Config& c, const std::string& key, int& out) {
  auto n = c.get_int(key);
  if (!n) return;
  if (*n < 0 || *n > 1000) throw InputError(fmt::format("{}: {} is out of range 0..1000", c.where(key), *n));
  out = int(*n);
}

void need_relay(const Config& c, const std::string& key, const std::string& name) {
  auto relays = c.table_keys("relays");
  if (std::find(relays.begin(), relays.end(), name) == relays.end())
    throw InputError(fmt::format("{}: no relay '{}' in [relays]", c.where(key), name));
}

Rule load_rule(const Config& c, const std::string& name) {
  std::string k = "watch.rules." + name + ".";
  Rule r;
  r.name = name;
  auto target = c.get_string(k + "target");
  if (!target) throw InputError(fmt::format("{}: missing", c.where(k + "target")));
  if (!c.has("check.targets." + *target))
    throw InputError(fmt::format("{}: no target '{}' in [check.targets]", c.where(k + "target"), *target));
  r.target = *target;
  duration(c, k + "down_for", r.down_for);
  auto action = c.get_string(k + "action");
  if (!action) throw InputError(fmt::format("{}: missing", c.where(k + "action")));
  if (action->rfind("pulse ", 0) != 0 || action->size() <= 6)
    throw InputError(fmt::format("{}: '{}' is not an action (pulse RELAY)", c.where(k + "action"), *action));
  r.relay = action->substr(6);
  need_relay(c, k + "action", r.relay);
  count(c, k + "max_per_day", r.max_per_day);
  if (c.has(k + "interval")) {
    Millis v{0};
    duration(c, k + "interval", v, Millis(100));
    r.interval = v;
  }
  return r;
}
}  // namespace

WatchConfig WatchConfig::from(const Config& c) {
  WatchConfig w;
  if (auto m = c.get_string("watch.mode")) {
    if (*m != "act" && *m != "observe")
      throw InputError(fmt::format("{}: '{}' is not a mode (act or observe)", c.where("watch.mode"), *m));
    w.observe = *m == "observe";
  }
  duration(c, "watch.interval", w.interval, Millis(100));
  duration(c, "watch.boot_grace", w.boot_grace, Millis(0));
  duration(c, "watch.settle", w.settle, Millis(0));
  duration(c, "watch.hotspot_cycle", w.hotspot_cycle, Millis(100));
  duration(c, "watch.zerotier_down_for", w.zerotier_down_for);
  duration(c, "watch.uplink_down_for", w.uplink_down_for);
  duration(c, "watch.forwarding_down_for", w.forwarding_down_for);
  duration(c, "watch.reboot_after", w.reboot_after);
  duration(c, "watch.slow_retry", w.slow_retry);
  count(c, "watch.max_restarts_per_hour", w.max_restarts_per_hour);
  count(c, "watch.max_cycles_per_day", w.max_cycles_per_day);
  count(c, "watch.max_reboots_per_day", w.max_reboots_per_day);
  if (c.has("watch.internet_targets")) w.internet_targets = c.get_strings("watch.internet_targets");
  for (const auto& t : w.internet_targets) {
    try {
      check::parse_target("internet=" + t);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}", c.where("watch.internet_targets"), e.what()));
    }
  }
  if (w.internet_targets.size() < 2)
    throw InputError(fmt::format("{}: one target cannot tell the internet from that target; give at least two",
                                 c.where("watch.internet_targets")));
  if (auto g = c.get_string("watch.hotspot_gateway")) {
    check::parse_target("gateway=icmp:" + *g);  // an address or a name, as a check target takes it
    w.hotspot_gateway = *g;
  }
  if (auto r = c.get_string("watch.hotspot_relay")) {
    need_relay(c, "watch.hotspot_relay", *r);
    w.hotspot_relay = *r;
    // The relay safety layer would refuse the cycle at 3 a.m.: say so now.
    auto relays = relay::RelayConfig::from(c);
    const auto& spec = relays.relay(*r);
    const auto& board = relays.board(spec.board);
    std::string key = c.has("watch.hotspot_cycle") ? "watch.hotspot_cycle" : "watch.hotspot_relay";
    if (w.hotspot_cycle > spec.max_pulse)
      throw InputError(fmt::format("{}: hotspot_cycle {} exceeds relay {}'s max_pulse {}", c.where(key),
                                   format_duration(w.hotspot_cycle), *r, format_duration(spec.max_pulse)));
    if (w.hotspot_cycle < board.spacing)
      throw InputError(fmt::format("{}: hotspot_cycle {} is shorter than board {}'s request spacing {}", c.where(key),
                                   format_duration(w.hotspot_cycle), spec.board, format_duration(board.spacing)));
  }
  if (auto u = c.get_string("watch.zerotier_unit")) {
    if (u->empty() || u->find('/') != std::string::npos)
      throw InputError(fmt::format("{}: '{}' is not a unit name", c.where("watch.zerotier_unit"), *u));
    w.zerotier_unit = *u;
  }
  for (const auto& name : c.table_keys("watch.rules")) w.rules.emplace(name, load_rule(c, name));
  return w;
}

}  // namespace bdctl::watch
