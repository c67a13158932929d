// bdctl-watch run: the daemon. Each round probes, lets the ladder decide,
// carries the actions out (or, observing, only records them), saves the
// state and pings systemd's watchdog from this same loop, so a round that
// hangs stops the pings and systemd restarts the daemon.
#include <fmt/format.h>

#include "bdctl/audit.hpp"
#include "bdctl/check.hpp"
#include "bdctl/error.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/systemd.hpp"
#include "render.hpp"
#include "signals.hpp"
#include "watch_verbs.hpp"

namespace bdctl::watch_tool {

namespace {
using steady = std::chrono::steady_clock;

struct RunFlags {
  std::optional<std::string> config;
  bool dry_run = false;
};

class Daemon {
 public:
  Daemon(Loaded l, std::vector<std::string> argv)
      : l_(std::move(l)),
        audit_(kWatchAudit, "bdctl-watch", std::move(argv)),
        ladder_(l_.watch, watch::load_state()),
        probe_(watch::probe_settings(l_.watch, l_.config)),
        ping_(systemd::watchdog_period()) {}

  // Rounds until a stop signal; returns the number of rounds.
  int loop() {
    audit_.log({{"event", "start"}, {"mode", l_.watch.observe ? "observe" : "act"}});
    int rounds = 0;
    std::optional<steady::time_point> last;
    for (;;) {
      auto start = steady::now();
      round(start, last ? start - *last : steady::duration::zero());
      last = start;
      ++rounds;
      if (rounds == 1) systemd::notify("READY=1");
      // A signal taken during a pulse (which it cut short, to rest) stops us too.
      if (!interrupt_.reason.empty() || sleep_until(start + l_.watch.interval)) break;
    }
    audit_.log({{"event", "stop"}, {"signal", interrupt_.reason}, {"rounds", rounds}});
    return rounds;
  }

 private:
  // The rules whose probes are due (each on its own interval, rounded up to
  // whole rounds); the layers are probed every round.
  std::set<std::string> due_rules(steady::time_point now) {
    std::set<std::string> due;
    for (const auto& [name, r] : l_.watch.rules) {
      auto next = rule_next_.find(name);
      if (next != rule_next_.end() && now < next->second) continue;
      due.insert(name);
      // A round that starts a hair early must not skip a whole interval.
      rule_next_[name] = now + r.interval.value_or(l_.watch.interval) - std::chrono::milliseconds(100);
    }
    return due;
  }

  void round(steady::time_point start, steady::duration elapsed) {
    watch::Observation o;
    try {
      auto rules = due_rules(start);
      o = watch::probe(l_.watch, probe_, &rules);
    } catch (const std::exception& e) {
      // Nothing seen is nothing judged: every layer stays as it was.
      audit_.log({{"event", "probe-failed"}, {"error", e.what()}});
    }
    watch::Clock t{unix_ms_now(), std::chrono::duration_cast<Millis>(elapsed).count(), watch::uptime_ms()};
    FileLock lock(kWatchLock, std::chrono::milliseconds(10000));
    // A reset written by `bdctl-watch reset` since the last round.
    if (auto saved = watch::load_state(); saved.reset_ms > ladder_.state().reset_ms)
      ladder_.state().reset_ms = saved.reset_ms;
    auto before = ladder_.state().layers;
    auto actions = ladder_.step(o, t);
    log_changes(before, o);
    auto& history = ladder_.state().history;
    for (std::size_t i = 0; i < actions.size(); ++i) {
      auto& a = actions[i];
      a.result = a.dry_run ? "dry-run: not carried out" : watch::carry_out(a, l_.watch, l_.config, interrupt_);
      history[history.size() - actions.size() + i].result = a.result;
      audit_.log({{"event", "action"},
                  {"action", watch::to_string(a.kind)},
                  {"target", a.target},
                  {"cause", a.cause},
                  {"dry_run", a.dry_run},
                  {"result", a.result}});
    }
    watch::save_state(ladder_.state());
    ping();
  }

  void log_changes(const std::map<std::string, watch::Layer>& before, const watch::Observation& o) {
    for (const auto& [name, l] : ladder_.state().layers) {
      auto it = before.find(name);
      if (it != before.end() && it->second.health == l.health) continue;
      std::string why = name == "gateway"      ? o.why_gateway
                        : name == "internet"   ? o.why_internet
                        : name == "zerotier"   ? o.why_zerotier
                        : name == "forwarding" ? o.why_forwarding
                                               : "";
      if (name.rfind("rule.", 0) == 0 && o.why_rules.count(name.substr(5))) why = o.why_rules.at(name.substr(5));
      audit_.log({{"event", "layer"}, {"layer", name}, {"health", watch::to_string(l.health)}, {"why", why}});
    }
  }

  void ping() {
    if (ping_) systemd::notify("WATCHDOG=1");
  }

  // Sleeps to t, pinging the watchdog on the way; true on a stop signal.
  bool sleep_until(steady::time_point t) {
    for (;;) {
      auto next = ping_ ? std::min(t, steady::now() + *ping_) : t;
      if (interrupt_.wait_until(next)) return true;
      if (steady::now() >= t) return false;
      ping();
    }
  }

  Loaded l_;
  AuditLog audit_;
  watch::Ladder ladder_;
  const check::Settings probe_;  // the config is read once: so are the probes' settings
  std::optional<steady::duration> ping_;
  std::map<std::string, steady::time_point> rule_next_;
  cli::SignalInterrupt interrupt_;
};
}  // namespace

cli::Runner setup_run(CLI::App& sub) {
  auto f = std::make_shared<RunFlags>();
  add_config_option(sub, f->config);
  sub.add_flag("--dry-run", f->dry_run, "Decide and record every action, carry none out (as mode = \"observe\")");
  return [f] {
    auto l = load(f->config);
    if (f->dry_run) l.watch.observe = true;
    cli::block_stop_signals();
    std::optional<FileLock> single;
    try {
      single.emplace(watch::kRunLock, kRunLockWait);
    } catch (const LockBusy&) {
      throw SystemError(fmt::format("another bdctl-watch run is running (it holds {})", lock_path(watch::kRunLock)));
    }
    Daemon d(std::move(l), {"bdctl-watch", "run"});
    int rounds = d.loop();
    return run_outcome(rounds, watch::load_state());
  };
}

}  // namespace bdctl::watch_tool
