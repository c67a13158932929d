// bdctl-watch's ladder: which layer of the backdoor is broken, for how long,
// and what (if anything) to do about it within the budgets. Pure decisions
// over observations and a clock, so every timer, budget and gate is tested
// in milliseconds; the probes and the actions live elsewhere.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bdctl/config.hpp"
#include "bdctl/duration.hpp"

namespace bdctl::watch {

// A device rule: [watch.rules.NAME].
struct Rule {
  std::string name;
  std::string target;  // a name from [check.targets]
  Millis down_for{180000};
  std::string relay;  // action = "pulse RELAY"
  int max_per_day = 4;
  std::optional<Millis> interval;  // its probe's own interval (default: [watch] interval)
};

// [watch] of bdctl.toml; the defaults are the (and watchcat's lessons).
struct WatchConfig {
  bool observe = false;  // mode = "observe": decide and log, never act
  Millis interval{30000};
  Millis boot_grace{600000};
  Millis settle{180000};
  // HOST:PORT or icmp:HOST, at least two; all down = internet down.
  std::vector<std::string> internet_targets{"1.1.1.1:443", "9.9.9.9:53"};
  std::string hotspot_gateway;  // empty: the uplink's gateway
  std::string hotspot_relay;    // empty: no power cycle
  Millis hotspot_cycle{15000};
  std::string zerotier_unit = "zerotier-one.service";
  Millis zerotier_down_for{300000};
  Millis uplink_down_for{600000};
  Millis forwarding_down_for{60000};  // the route's rules or sysctls broken with ZeroTier up: re-apply it
  Millis reboot_after{1800000};
  int max_restarts_per_hour = 3;
  int max_cycles_per_day = 6;
  int max_reboots_per_day = 1;
  Millis slow_retry{6 * 3600000};  // a spent budget (not the reboot's) retries this often
  std::map<std::string, Rule> rules;

  // InputError "FILE:LINE: key 'watch.x': ..." on a bad value, a relay not in
  // [relays] or a target not in [check.targets].
  static WatchConfig from(const Config& config);
};

// What one probe round saw of a layer. unknown (the probe could not run)
// neither advances nor resets a timer.
enum class Health { unknown, up, degraded, down };
std::string to_string(Health h);

struct Observation {
  Health gateway = Health::unknown;     // the hotspot answers on the uplink
  Health internet = Health::unknown;    // any internet target answers through it
  Health zerotier = Health::unknown;    // ONLINE, network OK, route there; degraded: TUNNELED
  Health forwarding = Health::unknown;  // bdctl-route's rules and sysctls as bdctl-check sees them
  std::map<std::string, Health> rules;  // a rule not probed this round is absent
  std::string why_gateway, why_internet, why_zerotier, why_forwarding;  // what the probe saw, for causes
  std::map<std::string, std::string> why_rules;
};

enum class Kind { restart_zerotier, reapply_route, cycle_hotspot, reboot, pulse };
std::string to_string(Kind k);

// One action decided (taken, or only logged when observing).
struct Action {
  Kind kind = Kind::restart_zerotier;
  std::string layer;   // zerotier, uplink, system, rule.NAME
  std::string target;  // the unit, relay or rule it acts on
  std::string cause;
  std::int64_t at_ms = 0;  // wall clock
  bool dry_run = false;
  std::string result;  // filled in by whoever carries it out ("ok", or the error)
};

// One layer's timer, persisted.
struct Layer {
  Health health = Health::unknown;
  std::int64_t since_ms = 0;         // wall clock of the last change of health
  std::int64_t down_ms = 0;          // time down while its lower layers were up
  std::int64_t settle_until_ms = 0;  // after an action: not judged before this
  int flaps = 0;                     // down -> up -> down changes within the window
};

// Everything the ladder remembers across daemon restarts and reboots.
struct State {
  std::map<std::string, Layer> layers;  // gateway, internet, zerotier, forwarding, rule.NAME
  std::int64_t outage_ms = 0;           // time since some layer went down (reboot_after)
  bool cycled_this_outage = false, restarted_this_outage = false;
  bool reapply_pending = false;  // restarted zerotier: re-apply the route once it is back
  std::vector<Action> history;   // newest last, bounded
  std::int64_t reset_ms = 0;     // budgets count actions after this (bdctl-watch reset)
};

// Why a layer's next action waits, and when it could come.
struct Next {
  std::string layer;
  std::optional<Kind> kind;
  std::string waiting;                // "", "boot grace", "settle", "budget", "lower layer down", ...
  std::optional<std::int64_t> at_ms;  // earliest time it could act (nullopt: not counting)
};

// One probe round: now_ms is the wall clock, elapsed_ms the monotonic time
// since the previous round (0 for the first of a run, so a daemon stopped for
// an hour does not count that hour as down), uptime_ms the system's.
struct Clock {
  std::int64_t now_ms = 0;
  std::int64_t elapsed_ms = 0;
  std::int64_t uptime_ms = 0;
};

// One budget: an action on its target, how many count now, and when the next may come.
struct BudgetUse {
  Kind kind = Kind::restart_zerotier;
  std::string target;  // the unit, the relay, "system", the rule's name
  int used = 0, max = 0;
  const char* per = "day";                 // "hour" or "day"
  std::optional<std::int64_t> free_at_ms;  // nullopt: never (max 0); <= now: now
};

class Ladder {
 public:
  Ladder(WatchConfig config, State state) : c_(std::move(config)), s_(std::move(state)) {}
  // Updates the timers and returns what to do now (at most one action per layer).
  std::vector<Action> step(const Observation& o, const Clock& t);
  // Per layer: what comes next, and what it waits for (changes nothing).
  std::vector<Next> next(const Clock& t) const;
  // How many actions of a kind (and target) count against its budget at now.
  int used(Kind k, const std::string& target, std::int64_t now_ms) const;
  // Every budget the config sets (restarts, the hotspot's cycles, reboots, each rule's pulses).
  std::vector<BudgetUse> budgets(std::int64_t now_ms) const;
  const State& state() const { return s_; }
  State& state() { return s_; }
  const WatchConfig& config() const { return c_; }

 private:
  WatchConfig c_;
  State s_;
  // Per rule, the monotonic time since its probe last ran (rules probed on
  // intervals of their own): counted when it next runs. Not persisted: a
  // restarted daemon counts from its first round, as for every layer.
  std::map<std::string, std::int64_t> unprobed_;
};

// The lock `bdctl-watch run` holds for its whole life (paths::lock_dir()):
// one daemon, and the proof to status and bdctl-check that one is watching.
inline constexpr const char* kRunLock = "watch-run.lock";
bool daemon_running();

// The state file (paths::state_dir()/watch/state.json); an empty State when absent.
std::string state_path();
State load_state();
// The state file, nullopt when there is none yet (nothing recorded).
std::optional<State> read_state();
// Written atomically, and only when its text changed (the Pi's SD card).
void save_state(const State& s);
std::string state_json(const State& s);
State state_from_json(const std::string& text, const std::string& source);

}  // namespace bdctl::watch

namespace bdctl::check {
struct Settings;
}

namespace bdctl::watch {

// One probe round through bdctl-check's engine and the site model: the
// uplink's gateway (or hotspot_gateway), the internet targets, ZeroTier's
// service, network and route, and every rule's target. Settings come from
// the same config as bdctl-check's, built once (a daemon reads its config
// once) by probe_settings; each round adds the rules it probes.
check::Settings probe_settings(const WatchConfig& w, const Config& cfg);
// rules: the rules whose targets to probe this round (nullptr: all).
Observation probe(const WatchConfig& w, const check::Settings& base, const std::set<std::string>* rules = nullptr);
Observation probe(const WatchConfig& w, const Config& cfg);  // one round of everything (plan)

// The system's uptime (/proc/uptime), for boot_grace.
std::int64_t uptime_ms();

}  // namespace bdctl::watch

namespace bdctl::relay {
class Interrupt;
}

namespace bdctl::watch {

// Carries out one decided action through the real interfaces: systemd's
// RestartUnit, logind's Reboot, a relay pulse through the relay safety layer
// (journal, board lock, cool-down; the hotspot's protected rail may be
// cycled), `bdctl-route up` with the options the last up applied. Returns
// "ok" or what failed; never throws, so the daemon goes on watching.
std::string carry_out(const Action& a, const WatchConfig& w, const Config& cfg, relay::Interrupt& interrupt);

}  // namespace bdctl::watch
