// The ladder against a scaled clock: seconds stand for the minutes of a real
// site, one round per second, so a day of watching runs in milliseconds.
#include <catch2/catch.hpp>

#include "bdctl/error.hpp"
#include "bdctl/watch.hpp"

using namespace bdctl;
using namespace bdctl::watch;

namespace {
constexpr std::int64_t kS = 1000;

WatchConfig scaled() {
  WatchConfig c;
  c.interval = Millis(kS);
  c.boot_grace = Millis(0);
  c.settle = Millis(3 * kS);
  c.hotspot_relay = "hotspot";
  c.hotspot_cycle = Millis(kS);
  c.zerotier_down_for = Millis(5 * kS);
  c.uplink_down_for = Millis(10 * kS);
  c.reboot_after = Millis(30 * kS);
  return c;
}

Observation seen(Health gw, Health inet, Health zt) {
  Observation o;
  o.gateway = gw;
  o.internet = inet;
  o.zerotier = zt;
  return o;
}
const Observation kAllUp = seen(Health::up, Health::up, Health::up);
const Observation kZtDown = seen(Health::up, Health::up, Health::down);
const Observation kInternetDown = seen(Health::up, Health::down, Health::down);
const Observation kGatewayDown = seen(Health::down, Health::down, Health::down);

// Runs rounds of one second from `start`, collecting every action.
struct Run {
  Ladder ladder;
  std::int64_t now = 1'800'000'000'000;  // wall clock, ms
  std::int64_t uptime = 3600 * kS;
  std::vector<Action> actions;
  explicit Run(WatchConfig c, State s = {}) : ladder(std::move(c), std::move(s)) {}
  void rounds(int n, const Observation& o) {
    for (int i = 0; i < n; ++i) {
      now += kS;
      uptime += kS;
      for (auto& a : ladder.step(o, {now, kS, uptime})) actions.push_back(a);
    }
  }
  int count(Kind k) const {
    int n = 0;
    for (const auto& a : actions) n += a.kind == k;
    return n;
  }
};
}  // namespace

TEST_CASE("ZeroTier OFFLINE with the internet up: one restart, the route re-applied, then quiet", "[unit]") {
  Run r(scaled());
  r.rounds(5, kZtDown);
  CHECK(r.actions.empty());  // the first failed probe starts the timer: 4 s < zerotier_down_for
  r.rounds(1, kZtDown);
  REQUIRE(r.count(Kind::restart_zerotier) == 1);
  CHECK(r.actions[0].target == "zerotier-one.service");
  CHECK_THAT(r.actions[0].cause, Catch::Contains("ZeroTier not ONLINE for 5s"));
  r.rounds(2, kZtDown);  // still coming up
  r.rounds(60, kAllUp);
  CHECK(r.count(Kind::restart_zerotier) == 1);
  REQUIRE(r.count(Kind::reapply_route) == 1);
  CHECK(r.actions.back().kind == Kind::reapply_route);
}

TEST_CASE("a timer starts at the first failed probe: the interval before it is not down time", "[unit]") {
  auto c = scaled();
  c.interval = Millis(5 * kS);
  c.zerotier_down_for = Millis(10 * kS);
  Ladder l(c, {});
  std::int64_t now = 1'800'000'000'000, up = 3600 * kS;
  auto round = [&](const Observation& o) {
    now += 5 * kS;
    return l.step(o, {now, 5 * kS, up += 5 * kS});
  };
  round(kAllUp);
  CHECK(round(kZtDown).empty());  // the first failed probe: 0 s down
  CHECK(round(kZtDown).empty());  // 5 s
  CHECK(l.state().layers.at("zerotier").down_ms == 5 * kS);
  auto a = round(kZtDown);  // 10 s
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == Kind::restart_zerotier);
}

TEST_CASE("forwarding broken with ZeroTier up: the route re-applied once, not while ZeroTier is down", "[unit]") {
  auto c = scaled();
  c.forwarding_down_for = Millis(2 * kS);
  Run r(c);
  Observation fw_down = kAllUp;
  fw_down.forwarding = Health::down;
  fw_down.why_forwarding = "forwarding.rules: no rules";
  r.rounds(3, fw_down);  // the first failed probe, then 2 s
  REQUIRE(r.count(Kind::reapply_route) == 1);
  CHECK(r.actions[0].layer == "forwarding");
  CHECK_THAT(r.actions[0].cause, Catch::Contains("forwarding broken for 2s with ZeroTier up (forwarding.rules"));
  r.rounds(3, fw_down);  // settle (3 s): not again
  CHECK(r.count(Kind::reapply_route) == 1);
  CHECK(r.count(Kind::restart_zerotier) == 0);

  Run z(c);
  Observation both = kZtDown;
  both.forwarding = Health::down;
  z.rounds(4, both);  // ZeroTier down: its restart comes first, forwarding is not judged
  CHECK(z.count(Kind::reapply_route) == 0);
}

TEST_CASE("ZeroTier's timer restarts after the restart and waits out the settle time", "[unit]") {
  Run r(scaled());
  r.rounds(6, kZtDown);  // the first failed probe, then 5 s
  REQUIRE(r.count(Kind::restart_zerotier) == 1);
  r.rounds(3 + 4, kZtDown);  // settle (3 s) then 4 s of a fresh timer
  CHECK(r.count(Kind::restart_zerotier) == 1);
  r.rounds(1, kZtDown);
  CHECK(r.count(Kind::restart_zerotier) == 2);
}

TEST_CASE("no ZeroTier restart while the internet is down too", "[unit]") {
  auto c = scaled();
  c.hotspot_relay.clear();
  Run r(c);
  r.rounds(29, kInternetDown);
  CHECK(r.actions.empty());
  auto next = r.ladder.next({r.now, 0, r.uptime});
  auto zt = std::find_if(next.begin(), next.end(), [](const Next& n) { return n.layer == "zerotier"; });
  REQUIRE(zt != next.end());
  CHECK(zt->waiting == "lower layer down");
}

TEST_CASE("the hotspot gateway dead: one power cycle, none during its settle time", "[unit]") {
  Run r(scaled());
  r.rounds(10, kGatewayDown);  // the first failed probe, then 9 s
  CHECK(r.actions.empty());
  r.rounds(1, kGatewayDown);
  REQUIRE(r.count(Kind::cycle_hotspot) == 1);
  CHECK(r.actions[0].target == "hotspot");
  CHECK_THAT(r.actions[0].cause, Catch::Contains("hotspot gateway down for 10s"));
  // settle 3 s + the cycle's 1 s off, then a full uplink_down_for again
  r.rounds(4 + 9, kGatewayDown);
  CHECK(r.count(Kind::cycle_hotspot) == 1);
  r.rounds(1, kGatewayDown);
  CHECK(r.count(Kind::cycle_hotspot) == 2);
  CHECK(r.count(Kind::restart_zerotier) == 0);  // never ZeroTier for a dead uplink
}

TEST_CASE("internet dead through a live gateway cycles the hotspot too", "[unit]") {
  Run r(scaled());
  r.rounds(11, kInternetDown);
  REQUIRE(r.count(Kind::cycle_hotspot) == 1);
  CHECK_THAT(r.actions[0].cause, Catch::Contains("internet down for 10s through a live gateway"));
}

TEST_CASE("everything dead: one reboot after the lower steps, none after, across a daemon restart", "[unit]") {
  auto c = scaled();
  c.max_cycles_per_day = 1;
  Run r(c);
  r.rounds(30, kGatewayDown);
  CHECK(r.count(Kind::cycle_hotspot) == 1);
  REQUIRE(r.count(Kind::reboot) == 1);
  CHECK_THAT(r.actions.back().cause, Catch::Contains("backdoor down for 30s"));
  // The daemon (or the Pi) restarts: the state file is all it keeps.
  State kept = state_from_json(state_json(r.ladder.state()), "state.json");
  Run after(c, kept);
  after.now = r.now;
  after.uptime = 0;
  after.rounds(20 * 3600, kGatewayDown);  // 20 hours, still dead
  CHECK(after.count(Kind::reboot) == 0);  // the daily reboot budget is strict
  after.rounds(4 * 3600 + 10, kGatewayDown);
  CHECK(after.count(Kind::reboot) == 1);  // a new day
}

TEST_CASE("a spent cycle budget retries slowly, never never", "[unit]") {
  auto c = scaled();
  c.max_cycles_per_day = 1;
  c.max_reboots_per_day = 0;
  c.slow_retry = Millis(6 * 3600 * kS);
  Run r(c);
  r.rounds(11, kGatewayDown);
  REQUIRE(r.count(Kind::cycle_hotspot) == 1);
  r.rounds(6 * 3600 - 30, kGatewayDown);
  CHECK(r.count(Kind::cycle_hotspot) == 1);
  r.rounds(60, kGatewayDown);
  CHECK(r.count(Kind::cycle_hotspot) == 2);
  CHECK(r.count(Kind::reboot) == 0);
  auto next = r.ladder.next({r.now, 0, r.uptime});
  auto gw = std::find_if(next.begin(), next.end(), [](const Next& n) { return n.layer == "gateway"; });
  REQUIRE(gw != next.end());
  CHECK(gw->waiting == "budget");
  REQUIRE(gw->at_ms);
  CHECK(*gw->at_ms > r.now + 5 * 3600 * kS);
}

TEST_CASE("the restart budget per hour", "[unit]") {
  auto c = scaled();
  c.max_restarts_per_hour = 3;
  c.slow_retry = Millis(2 * 3600 * kS);
  Run r(c);
  r.rounds(600, kZtDown);
  CHECK(r.count(Kind::restart_zerotier) == 3);
  CHECK(r.ladder.used(Kind::restart_zerotier, "zerotier-one.service", r.now) == 3);
  r.rounds(3600, kZtDown);
  CHECK(r.count(Kind::restart_zerotier) == 6);
}

TEST_CASE("a target that flaps does not act", "[unit]") {
  Run r(scaled());
  for (int i = 0; i < 30; ++i) {
    r.rounds(4, kZtDown);
    r.rounds(1, kAllUp);
    r.rounds(8, kGatewayDown);
    r.rounds(1, kAllUp);
  }
  CHECK(r.actions.empty());
  CHECK(r.ladder.state().layers.at("gateway").flaps > 1);
}

TEST_CASE("unknown neither advances nor resets a timer", "[unit]") {
  Run r(scaled());
  r.rounds(5, kZtDown);  // 4 s counted
  r.rounds(50, seen(Health::up, Health::up, Health::unknown));
  CHECK(r.actions.empty());
  r.rounds(1, kZtDown);
  CHECK(r.count(Kind::restart_zerotier) == 1);
}

TEST_CASE("a timer recorded earlier does not fire through a gate closed since, nor on an unknown round", "[unit]") {
  State s;
  s.layers["zerotier"] = Layer{Health::down, 0, 300 * kS, 0, 0};
  s.layers["gateway"] = Layer{Health::down, 0, 600 * kS, 0, 0};
  Run r(scaled(), s);
  r.rounds(1, kInternetDown);  // ZeroTier's lower layer is down now
  CHECK(r.count(Kind::restart_zerotier) == 0);
  Run u(scaled(), s);
  u.rounds(1, seen(Health::unknown, Health::unknown, Health::unknown));
  CHECK(u.actions.empty());
}

TEST_CASE("TUNNELED is degraded, not down: no restart", "[unit]") {
  Run r(scaled());
  r.rounds(600, seen(Health::up, Health::up, Health::degraded));
  CHECK(r.actions.empty());
}

TEST_CASE("boot grace: no action before it ends, then at once", "[unit]") {
  auto c = scaled();
  c.boot_grace = Millis(60 * kS);
  Run r(c);
  r.uptime = 0;
  r.rounds(59, kZtDown);
  CHECK(r.actions.empty());
  auto next = r.ladder.next({r.now, 0, r.uptime});
  auto zt = std::find_if(next.begin(), next.end(), [](const Next& n) { return n.layer == "zerotier"; });
  REQUIRE(zt != next.end());
  CHECK(zt->waiting == "boot grace");
  r.rounds(1, kZtDown);
  CHECK(r.count(Kind::restart_zerotier) == 1);
}

TEST_CASE("observe mode decides the same, marked dry-run, and its budgets are its own", "[unit]") {
  auto c = scaled();
  c.observe = true;
  c.max_restarts_per_hour = 1;
  Run r(c);
  r.rounds(6, kZtDown);
  REQUIRE(r.count(Kind::restart_zerotier) == 1);
  CHECK(r.actions[0].dry_run);
  // Switched to act: the observed decisions spent nothing.
  auto act = scaled();
  act.max_restarts_per_hour = 1;
  Ladder l(act, r.ladder.state());
  CHECK(l.used(Kind::restart_zerotier, "zerotier-one.service", r.now) == 0);
}

TEST_CASE("a clock gone back still counts the action stamped in its future", "[unit]") {
  auto c = scaled();
  c.max_reboots_per_day = 1;
  State s;
  s.history.push_back({Kind::reboot, "system", "system", "x", 1'800'000'000'000 + 3600 * kS, false, "ok"});
  Ladder l(c, s);
  CHECK(l.used(Kind::reboot, "system", 1'800'000'000'000) == 1);
}

TEST_CASE("reset: budgets count only actions after it", "[unit]") {
  auto c = scaled();
  c.max_restarts_per_hour = 1;
  Run r(c);
  r.rounds(6, kZtDown);
  REQUIRE(r.ladder.used(Kind::restart_zerotier, "zerotier-one.service", r.now) == 1);
  r.ladder.state().reset_ms = r.now;
  CHECK(r.ladder.used(Kind::restart_zerotier, "zerotier-one.service", r.now) == 0);
}

TEST_CASE("a device rule pulses its relay within its own daily budget", "[unit]") {
  auto c = scaled();
  c.rules["emc1"] = Rule{"emc1", "emc1-web", Millis(3 * kS), "emc1", 2, std::nullopt};
  Run r(c);
  Observation o = kAllUp;
  o.rules["emc1"] = Health::down;
  o.why_rules["emc1"] = "connection refused";
  r.rounds(4, o);
  REQUIRE(r.count(Kind::pulse) == 1);
  CHECK(r.actions[0].target == "emc1");
  CHECK_THAT(r.actions[0].cause, Catch::Contains("emc1-web down for 3s (connection refused)"));
  r.rounds(3600, o);
  CHECK(r.count(Kind::pulse) == 2);  // max_per_day 2; the slow retry is 6 h away
}

TEST_CASE("a rule probed on its own, longer interval counts the time between its probes", "[unit]") {
  auto c = scaled();
  c.rules["emc1"] = Rule{"emc1", "emc1-web", Millis(6 * kS), "emc1", 2, Millis(3 * kS)};
  Run r(c);
  Observation probed = kAllUp, skipped = kAllUp;
  probed.rules["emc1"] = Health::down;  // skipped: the rule is absent (not probed this round)
  auto cycle = [&] {
    r.rounds(2, skipped);
    r.rounds(1, probed);
  };
  r.rounds(1, probed);  // the first failed probe
  cycle();              // 3 s
  CHECK(r.count(Kind::pulse) == 0);
  CHECK(r.ladder.state().layers.at("rule.emc1").down_ms == 3 * kS);
  cycle();  // 6 s: due
  CHECK(r.count(Kind::pulse) == 1);
  // Unknown from a probe that ran is not down time, and the rounds it was not probed are not either.
  Run u(c);
  Observation unknown = kAllUp;
  unknown.rules["emc1"] = Health::unknown;
  u.rounds(1, probed);
  u.rounds(10, unknown);
  u.rounds(1, probed);
  CHECK(u.ladder.state().layers.at("rule.emc1").down_ms == kS);
}

TEST_CASE("the state file round-trips and refuses what it cannot read", "[unit]") {
  Run r(scaled());
  r.rounds(30, kGatewayDown);
  auto text = state_json(r.ladder.state());
  CHECK(state_json(state_from_json(text, "s.json")) == text);
  CHECK_THROWS_WITH(state_from_json("{\"version\": 1}", "s.json"), Catch::StartsWith("s.json: not a bdctl-watch"));
}

namespace {
Config site(const std::string& watch) {
  auto c = Config::parse(R"([check.targets]
emc1-web = "192.168.1.20:80"
[boards.hat]
driver = "gpio"
chip = "fake:/nonexistent"
lines = ["GPIO17", "GPIO27"]
[relays.hotspot]
board = "hat"
channel = 1
protected = true
[relays.emc1]
board = "hat"
channel = 2
)" + watch,
                         "bdctl.toml");
  c.check_keys();
  return c;
}
}  // namespace

TEST_CASE("[watch] is read with its defaults and cross-checked", "[unit]") {
  auto w =
      WatchConfig::from(site("[watch]\nmode = \"observe\"\nhotspot_relay = \"hotspot\"\n"
                             "zerotier_down_for = \"5m\"\n[watch.rules.emc1]\ntarget = \"emc1-web\"\n"
                             "action = \"pulse emc1\"\n"));
  CHECK(w.observe);
  CHECK(w.zerotier_down_for == Millis(300000));
  CHECK(w.uplink_down_for == Millis(600000));
  CHECK(w.internet_targets.size() == 2);
  REQUIRE(w.rules.count("emc1"));
  CHECK(w.rules.at("emc1").relay == "emc1");
  CHECK(w.rules.at("emc1").max_per_day == 4);
}

TEST_CASE("[watch] errors name the file, line and key", "[unit]") {
  CHECK_THROWS_WITH(
      WatchConfig::from(site("[watch]\nhotspot_relay = \"hotspt\"\n")),
      Catch::Contains("bdctl.toml:") && Catch::Contains("watch.hotspot_relay") && Catch::Contains("no relay 'hotspt'"));
  CHECK_THROWS_WITH(WatchConfig::from(site("[watch]\ninternet_targets = [\"1.1.1.1:443\"]\n")),
                    Catch::Contains("give at least two"));
  CHECK_THROWS_WITH(WatchConfig::from(site("[watch]\nmode = \"fix\"\n")), Catch::Contains("'fix' is not a mode"));
  CHECK_THROWS_WITH(WatchConfig::from(site("[watch.rules.x]\ntarget = \"nope\"\naction = \"pulse emc1\"\n")),
                    Catch::Contains("no target 'nope' in [check.targets]"));
  CHECK_THROWS_WITH(WatchConfig::from(site("[watch.rules.x]\ntarget = \"emc1-web\"\naction = \"reboot\"\n")),
                    Catch::Contains("'reboot' is not an action (pulse RELAY)"));
  CHECK_THROWS_WITH(
      site("[watch]\nzerotier_downfor = \"5m\"\n"),
      Catch::Contains("unknown key watch.zerotier_downfor") && Catch::Contains("did you mean zerotier_down_for?"));
}
