// watch.*: whether bdctl-watch keeps the backdoor healing itself. Only with
// [watch] in the config. watch.daemon: a run holds its lock; watch.budgets:
// none spent; watch.last_action: what it last did and whether that worked,
// and the reboot it caused, shown after the boot.
#include <fmt/format.h>

#include "bdctl/audit.hpp"
#include "bdctl/printable.hpp"
#include "bdctl/watch.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

using nlohmann::ordered_json;

namespace {
constexpr std::int64_t kDayMs = std::int64_t{24} * 3600 * 1000;

// An age as a person says it: "40s", "30m", "5h", "3d" (the time is in the details).
std::string ago(std::int64_t ms) {
  std::int64_t s = std::max<std::int64_t>(0, ms / 1000);
  if (s < 120) return fmt::format("{}s", s);
  if (s < std::int64_t{2} * 3600) return fmt::format("{}m", s / 60);
  if (s < std::int64_t{2} * 86400) return fmt::format("{}h", s / 3600);
  return fmt::format("{}d", s / 86400);
}

ordered_json action_json(const watch::Action& a) {
  return {{"action", watch::to_string(a.kind)}, {"target", a.target},   {"cause", printable(a.cause)},
          {"at", iso8601_ms(a.at_ms)},          {"dry_run", a.dry_run}, {"result", printable(a.result)}};
}

void daemon_check(const watch::Ladder& l, bool recorded, Sink& sink) {
  Timer t;
  bool running = false;
  try {
    running = watch::daemon_running();
  } catch (const std::exception& e) {
    // The lock is root's (/run/bdctl/lock, 0700): a user cannot look, which says nothing of the daemon.
    sink.add(make("watch.daemon", State::unknown, e.what(), t));
    return;
  }
  const bool observe = l.config().observe;
  ordered_json d{{"running", running},
                 {"mode", observe ? "observe" : "act"},
                 {"recorded", recorded},
                 {"state_file", watch::state_path()}};
  ordered_json layers = ordered_json::object();
  for (const auto& [name, layer] : l.state().layers) layers[name] = watch::to_string(layer.health);
  d["layers"] = layers;
  if (!running)
    sink.add(make("watch.daemon", State::warning,
                  "[watch] is configured but no bdctl-watch run is watching: nothing heals the backdoor (systemctl "
                  "enable --now bdctl-watch)",
                  t, d));
  else if (observe)
    sink.add(make("watch.daemon", State::warning,
                  "bdctl-watch runs in observe mode: it decides and logs, but repairs nothing", t, d));
  else
    sink.add(make("watch.daemon", State::ok, "bdctl-watch run is watching and may act", t, d));
}

void budgets_check(const watch::Ladder& l, std::int64_t now, Sink& sink) {
  Timer t;
  ordered_json list = ordered_json::array();
  std::vector<std::string> spent, parts;
  for (const auto& b : l.budgets(now)) {
    list.push_back({{"action", watch::to_string(b.kind)},
                    {"target", b.target},
                    {"used", b.used},
                    {"max", b.max},
                    {"per", b.per},
                    {"free_at", b.free_at_ms ? ordered_json(iso8601_ms(*b.free_at_ms)) : ordered_json(nullptr)}});
    parts.push_back(fmt::format("{} {} {}/{} per {}", watch::to_string(b.kind), b.target, b.used, b.max, b.per));
    if (b.used < b.max) continue;
    spent.push_back(fmt::format("{} {} ({} of {} per {}; {})", watch::to_string(b.kind), b.target, b.used, b.max, b.per,
                                !b.free_at_ms         ? "never again"
                                : *b.free_at_ms > now ? "next possible at " + iso8601_ms(*b.free_at_ms)
                                                      : "a slow retry is due"));
  }
  ordered_json d{{"budgets", list}};
  if (!spent.empty())
    sink.add(make("watch.budgets", State::warning,
                  fmt::format("spent: {}; 'bdctl-watch reset' gives them back", fmt::join(spent, "; ")), t, d));
  else
    sink.add(make("watch.budgets", State::ok, fmt::format("within budgets: {}", fmt::join(parts, ", ")), t, d));
}

void last_action_check(const watch::State& s, std::int64_t now, Sink& sink) {
  Timer t;
  // Decided but not yet carried out (the daemon died mid-action) has no result.
  const watch::Action* last = s.history.empty() ? nullptr : &s.history.back();
  ordered_json d{{"last_action", last ? action_json(*last) : ordered_json(nullptr)}, {"reboot", nullptr}};
  const watch::Action* reboot = nullptr;
  for (auto it = s.history.rbegin(); it != s.history.rend() && !reboot; ++it)
    if (it->kind == watch::Kind::reboot && !it->dry_run && now - it->at_ms < kDayMs) reboot = &*it;
  if (reboot) d["reboot"] = action_json(*reboot);
  if (!last) {
    sink.add(make("watch.last_action", State::ok, "no action recorded", t, d));
  } else if (!last->dry_run && last->result != "ok") {
    sink.add(make("watch.last_action", State::warning,
                  fmt::format("{} {} {} ago failed: {} (cause: {})", watch::to_string(last->kind), last->target,
                              ago(now - last->at_ms), printable(last->result.empty() ? "no result" : last->result),
                              printable(last->cause)),
                  t, d));
  } else if (reboot) {
    sink.add(make("watch.last_action", State::warning,
                  fmt::format("bdctl-watch rebooted the Pi {} ago ({}): {}", ago(now - reboot->at_ms),
                              iso8601_ms(reboot->at_ms), printable(reboot->cause)),
                  t, d));
  } else {
    sink.add(make("watch.last_action", State::ok,
                  fmt::format("{}{} {} {} ago: {}", last->dry_run ? "(dry-run) " : "", watch::to_string(last->kind),
                              last->target, ago(now - last->at_ms), printable(last->cause)),
                  t, d));
  }
}
}  // namespace

void watch_group(const Settings& s, Sink& sink) {
  if (!s.watch) return;
  auto recorded = watch::read_state();  // throws: every watch.* check unknown, with the reason
  bool exists = recorded.has_value();
  watch::Ladder l(*s.watch, std::move(recorded).value_or(watch::State{}));
  auto now = unix_ms_now();
  if (sink.wants("watch.daemon")) daemon_check(l, exists, sink);
  if (sink.wants("watch.budgets")) budgets_check(l, now, sink);
  if (sink.wants("watch.last_action")) last_action_check(l.state(), now, sink);
}

}  // namespace bdctl::check::detail
