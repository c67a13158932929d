// repeat.*: whether bdctl-repeat carries discovery across the backdoor. Only
// with [repeat.NAME] rules in the config. repeat.daemon: a run holds its lock
// and both sides listen; repeat.loops: no copies of another repeater (or of
// a loop), none over the rate and no storm the kernel had to drop. Read from the daemon's own
// lock and counters: what cannot be read is unknown.
#include <fmt/format.h>

#include "bdctl/audit.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/printable.hpp"
#include "bdctl/repeater.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

using nlohmann::ordered_json;

namespace {
constexpr std::int64_t kRecentMs = std::int64_t{3600} * 1000;

void daemon_check(bool running, const std::optional<repeat::Status>& st, Sink& sink) {
  Timer t;
  ordered_json d{{"running", running}, {"status_file", repeat::status_path()}};
  if (!running) {
    sink.add(make("repeat.daemon", State::warning,
                  "[repeat] is configured but no bdctl-repeat run carries discovery (systemctl enable --now "
                  "bdctl-repeat)",
                  t, d));
    return;
  }
  if (!st) {
    sink.add(make("repeat.daemon", State::unknown, "bdctl-repeat runs but has written no counters yet", t, d));
    return;
  }
  std::vector<std::string> deaf;
  ordered_json sides = ordered_json::object();
  for (auto s : {repeat::lan, repeat::zerotier}) {
    const auto& v = st->sides[s];
    sides[repeat::side_name(s)] = {{"interface", v.interface},
                                   {"error", v.error.empty() ? ordered_json(nullptr) : ordered_json(v.error)}};
    if (!v.error.empty()) deaf.push_back(fmt::format("{} side: {}", repeat::side_name(s), printable(v.error)));
  }
  d["sides"] = sides;
  if (!deaf.empty())
    sink.add(make("repeat.daemon", State::warning,
                  "bdctl-repeat runs but does not listen on the " + fmt::format("{}", fmt::join(deaf, "; ")), t, d));
  else
    sink.add(make("repeat.daemon", State::ok,
                  fmt::format("bdctl-repeat carries {} rule(s) between {} and {}", st->rules.size(),
                              st->sides[repeat::lan].interface, st->sides[repeat::zerotier].interface),
                  t, d));
}

void loops_check(bool running, const std::optional<repeat::Status>& st, Sink& sink) {
  Timer t;
  if (!running || !st) {
    sink.add(make("repeat.loops", State::unknown, "no bdctl-repeat run: nothing heard to judge", t));
    return;
  }
  // Judged over the last hour: a second repeater met once, months ago, is
  // not a warning for the rest of the run.
  const std::int64_t since = unix_ms_now() - kRecentMs;
  std::vector<std::string> found;
  std::uint64_t older = 0;
  ordered_json rules = ordered_json::array();
  for (const auto& r : st->rules)
    for (auto s : {repeat::lan, repeat::zerotier}) {
      const auto& c = r.by_side[s];
      rules.push_back({{"rule", r.rule.name},
                       {"direction", repeat::direction_name(s)},
                       {"other_marks", c.other_marks},
                       {"rate_limited", c.rate_limited},
                       {"overflows", c.overflows},
                       {"last_trouble", c.last_trouble_ms ? ordered_json(iso8601_ms(c.last_trouble_ms)) : nullptr}});
      if (c.last_trouble_ms < since) {
        older += c.other_marks + c.rate_limited + c.overflows;
        continue;
      }
      if (c.other_marks)
        found.push_back(fmt::format("{}: {} copies of another repeater (or of a loop) on the {} side", r.rule.name,
                                    c.other_marks, repeat::side_name(s)));
      if (c.rate_limited)
        found.push_back(fmt::format("{} {}: {} over the rate, dropped (a loop or a storm?)", r.rule.name,
                                    repeat::direction_name(s), c.rate_limited));
      if (c.overflows)
        found.push_back(fmt::format("{} {}: {} dropped by the kernel (a storm)", r.rule.name, repeat::direction_name(s),
                                    c.overflows));
    }
  ordered_json d{{"rules", rules}};
  if (!found.empty())
    sink.add(make("repeat.loops", State::warning, fmt::format("{}", fmt::join(found, "; ")), t, d));
  else if (older)
    sink.add(make(
        "repeat.loops", State::ok,
        fmt::format("none in the last hour (earlier in this run: {} other marks, over the rate or dropped)", older), t,
        d));
  else
    sink.add(
        make("repeat.loops", State::ok, "no other repeater's copies heard, nothing over the rate, no storm", t, d));
}
}  // namespace

void repeat_group(const Settings& s, Sink& sink) {
  if (!s.repeat) return;
  bool running = false;
  std::optional<repeat::Status> st;
  try {
    running = lock_held(repeat::kRunLock);
    st = repeat::read_status();
  } catch (const std::exception& e) {
    // The lock is root's (/run/bdctl/lock, 0700): a user cannot look, which says nothing of the daemon.
    for (const char* n : {"repeat.daemon", "repeat.loops"})
      if (sink.wants(n)) sink.add(make(n, State::unknown, e.what(), Timer{}));
    return;
  }
  if (sink.wants("repeat.daemon")) daemon_check(running, st, sink);
  if (sink.wants("repeat.loops")) loops_check(running, st, sink);
}

}  // namespace bdctl::check::detail
