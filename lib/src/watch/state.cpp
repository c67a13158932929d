// The ladder's memory in one small JSON file, rewritten only when its text
// changes: timers, the outage, and the history the budgets count (a reboot
// budget must survive the reboot it causes).
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>

#include <cerrno>

#include <nlohmann/json.hpp>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/handles.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/paths.hpp"
#include "bdctl/watch.hpp"

namespace bdctl::watch {

using Json = nlohmann::ordered_json;

namespace {
Health health_of(const std::string& s) {
  for (Health h : {Health::up, Health::degraded, Health::down})
    if (to_string(h) == s) return h;
  return Health::unknown;
}

Kind kind_of(const std::string& s, const std::string& source) {
  for (Kind k : {Kind::restart_zerotier, Kind::reapply_route, Kind::cycle_hotspot, Kind::reboot, Kind::pulse})
    if (to_string(k) == s) return k;
  throw SystemError(fmt::format("{}: unknown action '{}'", source, s));
}
}  // namespace

bool daemon_running() { return lock_held(kRunLock); }

std::string state_path() { return paths::state_dir() + "/watch/state.json"; }

std::string state_json(const State& s) {
  Json layers = Json::object();
  for (const auto& [name, l] : s.layers)
    layers[name] = {{"health", to_string(l.health)},
                    {"since_ms", l.since_ms},
                    {"down_ms", l.down_ms},
                    {"settle_until_ms", l.settle_until_ms},
                    {"flaps", l.flaps}};
  Json history = Json::array();
  for (const auto& a : s.history)
    history.push_back({{"kind", to_string(a.kind)},
                       {"layer", a.layer},
                       {"target", a.target},
                       {"cause", a.cause},
                       {"at_ms", a.at_ms},
                       {"dry_run", a.dry_run},
                       {"result", a.result}});
  Json j = {{"version", 1},
            {"layers", layers},
            {"outage_ms", s.outage_ms},
            {"cycled_this_outage", s.cycled_this_outage},
            {"restarted_this_outage", s.restarted_this_outage},
            {"reapply_pending", s.reapply_pending},
            {"reset_ms", s.reset_ms},
            {"history", history}};
  return j.dump() + "\n";
}

State state_from_json(const std::string& text, const std::string& source) {
  State s;
  try {
    auto j = Json::parse(text);
    if (j.at("version").get<int>() != 1) throw SystemError(fmt::format("{}: unknown version", source));
    for (const auto& [name, l] : j.at("layers").items())
      s.layers[name] = Layer{health_of(l.at("health").get<std::string>()), l.at("since_ms").get<std::int64_t>(),
                             l.at("down_ms").get<std::int64_t>(), l.at("settle_until_ms").get<std::int64_t>(),
                             l.at("flaps").get<int>()};
    s.outage_ms = j.at("outage_ms").get<std::int64_t>();
    s.cycled_this_outage = j.at("cycled_this_outage").get<bool>();
    s.restarted_this_outage = j.at("restarted_this_outage").get<bool>();
    s.reapply_pending = j.at("reapply_pending").get<bool>();
    s.reset_ms = j.at("reset_ms").get<std::int64_t>();
    for (const auto& a : j.at("history"))
      s.history.push_back(Action{kind_of(a.at("kind").get<std::string>(), source), a.at("layer").get<std::string>(),
                                 a.at("target").get<std::string>(), a.at("cause").get<std::string>(),
                                 a.at("at_ms").get<std::int64_t>(), a.at("dry_run").get<bool>(),
                                 a.at("result").get<std::string>()});
  } catch (const nlohmann::json::exception& e) {
    // A state file the daemon cannot read must not silently reset the reboot budget.
    throw SystemError(fmt::format("{}: not a bdctl-watch state file ({})", source, e.what()));
  }
  return s;
}

std::optional<State> read_state() {
  auto text = read_own_file(state_path(), 1 << 20);
  if (!text) return std::nullopt;
  return state_from_json(*text, state_path());
}

State load_state() { return read_state().value_or(State{}); }

void save_state(const State& s) {
  std::string text = state_json(s);
  if (read_own_file(state_path(), 1 << 20) == text) return;
  make_dirs(paths::state_dir() + "/watch");
  write_file_atomic(state_path(), text, 0644);
}

}  // namespace bdctl::watch
