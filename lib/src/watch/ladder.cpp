// The ladder's rules, learned from the anchors' bugs: a timer counts only
// while the layers below are up (no hotspot cycle while ZeroTier is merely
// waiting for the internet), restarts after every action (openwrt#29318),
// waits out a settle time and the boot grace, and every action has a budget;
// a spent budget retries slowly, never forever silent (spawnpoint#28), except
// the reboot's, which is strict (reboot loops).
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "bdctl/watch.hpp"

namespace bdctl::watch {

namespace {
constexpr std::int64_t kHour = 3600000;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::size_t kHistoryMax = 500;

const char* const kGateway = "gateway";
const char* const kInternet = "internet";
const char* const kZerotier = "zerotier";
const char* const kForwarding = "forwarding";
const char* const kRoute = "bdctl-route";  // the target of a re-apply

bool is_up(Health h) { return h == Health::up || h == Health::degraded; }

std::string rule_layer(const std::string& name) { return "rule." + name; }

// One probe's result into its layer; open: its lower layers are up, so its
// down time counts.
// The timer starts at the first failed probe: the time before it, since the
// last round that saw the layer up, is not counted (bench/watch.sh found a
// restart one interval early when it was).
void observe(Layer& l, Health h, bool open, const Clock& t, std::int64_t flap_window) {
  if (h == Health::unknown) return;  // nothing seen: nothing changes
  const bool was_down = l.health == Health::down;
  if (h != l.health) {
    if (h == Health::down && is_up(l.health)) l.flaps = t.now_ms - l.since_ms < flap_window ? l.flaps + 1 : 1;
    l.health = h;
    l.since_ms = t.now_ms;
  }
  if (h != Health::down)
    l.down_ms = 0;
  else if (was_down && open && t.now_ms > l.settle_until_ms)
    l.down_ms += std::min(t.elapsed_ms, t.now_ms - l.settle_until_ms);  // only the time after the settle
}

std::int64_t window_of(Kind k) { return k == Kind::restart_zerotier || k == Kind::reapply_route ? kHour : kDay; }

std::string dur(std::int64_t ms) { return format_duration(Millis(ms - ms % 1000)); }
}  // namespace

std::string to_string(Health h) {
  switch (h) {
    case Health::up: return "up";
    case Health::degraded: return "degraded";
    case Health::down: return "down";
    case Health::unknown: break;
  }
  return "unknown";
}

std::string to_string(Kind k) {
  switch (k) {
    case Kind::restart_zerotier: return "restart-zerotier";
    case Kind::reapply_route: return "reapply-route";
    case Kind::cycle_hotspot: return "cycle-hotspot";
    case Kind::reboot: return "reboot";
    case Kind::pulse: break;
  }
  return "pulse";
}

namespace {
// Whether a counts against the budget of k on target at now: same mode,
// after the last reset, inside the window. An action stamped in the future
// (the clock went back) still counts.
bool counts(const Action& a, const WatchConfig& c, const State& s, Kind k, const std::string& target,
            std::int64_t now) {
  return a.kind == k && a.target == target && a.dry_run == c.observe && a.at_ms > s.reset_ms &&
         a.at_ms > now - window_of(k);
}
}  // namespace

int Ladder::used(Kind k, const std::string& target, std::int64_t now_ms) const {
  return static_cast<int>(std::count_if(s_.history.begin(), s_.history.end(),
                                        [&](const Action& a) { return counts(a, c_, s_, k, target, now_ms); }));
}

namespace {
struct Budget {
  int max;
  bool strict;
};

Budget budget_of(const WatchConfig& c, Kind k, const std::string& target) {
  switch (k) {
    case Kind::restart_zerotier: return {c.max_restarts_per_hour, false};
    case Kind::cycle_hotspot: return {c.max_cycles_per_day, false};
    case Kind::reboot: return {c.max_reboots_per_day, true};
    case Kind::pulse: return {c.rules.count(target) ? c.rules.at(target).max_per_day : 0, false};
    case Kind::reapply_route: return {c.max_restarts_per_hour, false};  // its own count, the restarts' limit
  }
  return {1 << 30, false};
}

const Action* last_of(const State& s, Kind k, const std::string& target) {
  for (auto it = s.history.rbegin(); it != s.history.rend(); ++it)
    if (it->kind == k && it->target == target && it->at_ms > s.reset_ms) return &*it;
  return nullptr;
}

// When the budget allows the next action of k on target (<= now: now).
std::optional<std::int64_t> budget_free_at(const WatchConfig& c, const State& s, int used, Kind k,
                                           const std::string& target, std::int64_t now) {
  auto b = budget_of(c, k, target);
  if (used < b.max) return now;
  std::int64_t free_at = now + window_of(k);  // the oldest counted one leaves the window
  auto oldest = std::find_if(s.history.begin(), s.history.end(),
                             [&](const Action& a) { return counts(a, c, s, k, target, now); });
  if (oldest != s.history.end()) free_at = std::max(now, oldest->at_ms + window_of(k));
  if (b.strict || b.max <= 0) return b.max <= 0 ? std::nullopt : std::optional(free_at);
  const Action* last = last_of(s, k, target);
  std::int64_t slow = last ? last->at_ms + c.slow_retry.count() : now;
  return std::min(free_at, std::max(now, slow));
}
}  // namespace

std::vector<BudgetUse> Ladder::budgets(std::int64_t now_ms) const {
  std::vector<BudgetUse> out;
  auto one = [&](Kind k, const std::string& target) {
    int n = used(k, target, now_ms);
    out.push_back({k, target, n, budget_of(c_, k, target).max, window_of(k) == kHour ? "hour" : "day",
                   budget_free_at(c_, s_, n, k, target, now_ms)});
  };
  one(Kind::restart_zerotier, c_.zerotier_unit);
  one(Kind::reapply_route, kRoute);
  if (!c_.hotspot_relay.empty()) one(Kind::cycle_hotspot, c_.hotspot_relay);
  one(Kind::reboot, "system");
  for (const auto& [name, r] : c_.rules) one(Kind::pulse, name);
  return out;
}

std::vector<Action> Ladder::step(const Observation& o, const Clock& t) {
  auto& gw = s_.layers[kGateway];
  auto& inet = s_.layers[kInternet];
  auto& zt = s_.layers[kZerotier];
  const std::int64_t up_window = std::max(c_.uplink_down_for.count(), c_.zerotier_down_for.count());
  observe(gw, o.gateway, true, t, up_window);
  observe(inet, o.internet, is_up(gw.health), t, up_window);
  observe(zt, o.zerotier, is_up(gw.health) && is_up(inet.health), t, up_window);
  auto& fw = s_.layers[kForwarding];
  observe(fw, o.forwarding, is_up(gw.health) && is_up(inet.health) && is_up(zt.health), t, up_window);
  for (const auto& [name, r] : c_.rules) {
    auto& since_probe = unprobed_[name];
    since_probe += t.elapsed_ms;
    auto it = o.rules.find(name);
    if (it == o.rules.end()) continue;  // not probed this round: its time waits for its next probe
    Clock rt = t;
    rt.elapsed_ms = std::exchange(since_probe, 0);
    observe(s_.layers[rule_layer(name)], it->second, true, rt, r.down_for.count());
  }
  bool any_down = gw.health == Health::down || inet.health == Health::down || zt.health == Health::down;
  bool all_up = is_up(gw.health) && is_up(inet.health) && is_up(zt.health);
  if (any_down) s_.outage_ms += t.elapsed_ms;
  if (all_up) {
    s_.outage_ms = 0;
    s_.cycled_this_outage = s_.restarted_this_outage = false;
  }

  std::vector<Action> out;
  auto act = [&](Kind k, std::string layer, std::string target, std::string cause) {
    Action a{k, std::move(layer), std::move(target), std::move(cause), t.now_ms, c_.observe, ""};
    out.push_back(a);
    s_.history.push_back(a);
  };
  auto allowed = [&](Kind k, const std::string& target) {
    auto at = budget_free_at(c_, s_, used(k, target, t.now_ms), k, target, t.now_ms);
    return at && *at <= t.now_ms;
  };
  auto settle = [&](std::initializer_list<Layer*> ls, std::int64_t extra) {
    for (auto* l : ls) {
      l->down_ms = 0;  // the failure timer restarts after every action
      l->settle_until_ms = t.now_ms + c_.settle.count() + extra;
    }
  };
  const bool graced = t.uptime_ms < c_.boot_grace.count();

  // The route goes back as soon as ZeroTier is: no budget, nothing to wait for.
  if (s_.reapply_pending && zt.health == Health::up) {
    s_.reapply_pending = false;
    act(Kind::reapply_route, kZerotier, kRoute, "ZeroTier is back after a restart");
    settle({&fw}, 0);
  }
  if (!graced) {
    // A layer acts only on what this round saw: down now, its lower layers up
    // now (a timer recorded earlier must not fire through a gate since closed).
    bool gw_due = o.gateway == Health::down && gw.down_ms >= c_.uplink_down_for.count();
    bool inet_due = is_up(o.gateway) && o.internet == Health::down && inet.down_ms >= c_.uplink_down_for.count();
    bool uplink_due = gw_due || inet_due;
    if (uplink_due && !c_.hotspot_relay.empty() && allowed(Kind::cycle_hotspot, c_.hotspot_relay)) {
      std::string cause =
          gw_due ? fmt::format("hotspot gateway down for {} ({})", dur(gw.down_ms), o.why_gateway)
                 : fmt::format("internet down for {} through a live gateway ({})", dur(inet.down_ms), o.why_internet);
      act(Kind::cycle_hotspot, "uplink", c_.hotspot_relay, cause);
      settle({&gw, &inet, &zt}, c_.hotspot_cycle.count());
      s_.cycled_this_outage = true;
    }
    bool zt_due = is_up(o.gateway) && is_up(o.internet) && o.zerotier == Health::down &&
                  zt.down_ms >= c_.zerotier_down_for.count();
    if (zt_due && allowed(Kind::restart_zerotier, c_.zerotier_unit)) {
      act(Kind::restart_zerotier, kZerotier, c_.zerotier_unit,
          fmt::format("ZeroTier not ONLINE for {} with the internet up ({})", dur(zt.down_ms), o.why_zerotier));
      settle({&zt}, 0);
      s_.restarted_this_outage = s_.reapply_pending = true;
    }
    // The route's rules or sysctls gone (a ruleset flushed, a sysctl reset)
    // while ZeroTier is up: put them back.
    bool fw_due = is_up(o.gateway) && is_up(o.internet) && is_up(o.zerotier) && o.forwarding == Health::down &&
                  fw.down_ms >= c_.forwarding_down_for.count() && !s_.reapply_pending;
    if (fw_due && allowed(Kind::reapply_route, kRoute)) {
      act(Kind::reapply_route, kForwarding, kRoute,
          fmt::format("forwarding broken for {} with ZeroTier up ({})", dur(fw.down_ms), o.why_forwarding));
      settle({&fw}, 0);
    }
    for (const auto& [name, r] : c_.rules) {
      auto& l = s_.layers[rule_layer(name)];
      auto seen = o.rules.find(name);
      bool due = seen != o.rules.end() && seen->second == Health::down && l.down_ms >= r.down_for.count();
      if (!due || !allowed(Kind::pulse, name)) continue;
      auto why = o.why_rules.find(name);
      act(Kind::pulse, rule_layer(name), name,
          fmt::format("{} down for {}{}", r.target, dur(l.down_ms),
                      why == o.why_rules.end() ? "" : " (" + why->second + ")"));
      settle({&l}, 0);
    }
    // The last step: every lower step tried (or its budget spent) in this outage.
    bool uplink_broken = gw.health == Health::down || inet.health == Health::down;
    bool lower_tried = uplink_broken ? s_.cycled_this_outage || c_.hotspot_relay.empty() ||
                                           !allowed(Kind::cycle_hotspot, c_.hotspot_relay)
                                     : s_.restarted_this_outage || !allowed(Kind::restart_zerotier, c_.zerotier_unit);
    bool settled = t.now_ms >= gw.settle_until_ms && t.now_ms >= inet.settle_until_ms && t.now_ms >= zt.settle_until_ms;
    if (any_down && s_.outage_ms >= c_.reboot_after.count() && lower_tried && settled &&
        allowed(Kind::reboot, "system")) {
      act(Kind::reboot, "system", "system",
          fmt::format("backdoor down for {} after the lower steps (gateway {}, internet {}, zerotier {})",
                      dur(s_.outage_ms), to_string(gw.health), to_string(inet.health), to_string(zt.health)));
      s_.outage_ms = 0;
      settle({&gw, &inet, &zt}, 0);
    }
  }
  if (s_.history.size() > kHistoryMax)
    s_.history.erase(s_.history.begin(), s_.history.end() - static_cast<std::ptrdiff_t>(kHistoryMax));
  return out;
}

std::vector<Next> Ladder::next(const Clock& t) const {
  std::vector<Next> out;
  auto layer = [&](const std::string& n) {
    auto it = s_.layers.find(n);
    return it == s_.layers.end() ? Layer{} : it->second;
  };
  const Layer gw = layer(kGateway), inet = layer(kInternet), zt = layer(kZerotier), fw = layer(kForwarding);
  auto one = [&](const std::string& name, const Layer& l, bool open, std::int64_t threshold, Kind k,
                 const std::string& target) {
    Next n{name, k, "", std::nullopt};
    if (l.health != Health::down) {
      n.waiting = l.health == Health::unknown ? "not observed yet" : "";
      n.kind.reset();
      out.push_back(n);
      return;
    }
    if (!open) {
      n.waiting = "lower layer down";
      out.push_back(n);
      return;
    }
    std::int64_t at = t.now_ms + std::max<std::int64_t>(0, threshold - l.down_ms);
    at = std::max(at, l.settle_until_ms);
    if (l.settle_until_ms > t.now_ms) n.waiting = "settle";
    std::int64_t grace_end = t.now_ms + c_.boot_grace.count() - t.uptime_ms;
    if (grace_end > at) at = grace_end, n.waiting = "boot grace";
    auto free = budget_free_at(c_, s_, used(k, target, t.now_ms), k, target, t.now_ms);
    if (!free) {
      n.waiting = "budget spent";
      at = -1;
    } else if (*free > at) {
      at = *free;
      n.waiting = "budget";
    }
    if (at >= 0) n.at_ms = at;
    out.push_back(n);
  };
  if (c_.hotspot_relay.empty()) {
    out.push_back({kGateway, std::nullopt, gw.health == Health::down ? "no hotspot_relay to cycle" : "", std::nullopt});
    out.push_back(
        {kInternet, std::nullopt, inet.health == Health::down ? "no hotspot_relay to cycle" : "", std::nullopt});
  } else {
    one(kGateway, gw, true, c_.uplink_down_for.count(), Kind::cycle_hotspot, c_.hotspot_relay);
    one(kInternet, inet, is_up(gw.health), c_.uplink_down_for.count(), Kind::cycle_hotspot, c_.hotspot_relay);
  }
  one(kZerotier, zt, is_up(gw.health) && is_up(inet.health), c_.zerotier_down_for.count(), Kind::restart_zerotier,
      c_.zerotier_unit);
  one(kForwarding, fw, is_up(gw.health) && is_up(inet.health) && is_up(zt.health), c_.forwarding_down_for.count(),
      Kind::reapply_route, kRoute);
  for (const auto& [name, r] : c_.rules)
    one(rule_layer(name), layer(rule_layer(name)), true, r.down_for.count(), Kind::pulse, name);
  return out;
}

}  // namespace bdctl::watch
