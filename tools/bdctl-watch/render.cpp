#include "render.hpp"

#include <fmt/format.h>

#include <limits>

#include "bdctl/audit.hpp"
#include "bdctl/printable.hpp"

namespace bdctl::watch_tool {

using Json = nlohmann::ordered_json;

namespace {
Json time_or_null(std::int64_t ms) { return ms > 0 ? Json(iso8601_ms(ms)) : Json(nullptr); }

bool healthy(watch::Health h) { return h == watch::Health::up || h == watch::Health::degraded; }

Json action_json(const watch::Action& a) {
  return {{"action", watch::to_string(a.kind)},
          {"layer", a.layer},
          {"target", a.target},
          {"cause", printable(a.cause)},
          {"at", iso8601_ms(a.at_ms)},
          {"dry_run", a.dry_run},
          {"result", a.result.empty() ? Json(nullptr) : Json(printable(a.result))}};
}

std::string action_text(const watch::Action& a) {
  return fmt::format("{}  {}{} {}: {}{}\n", iso8601_ms(a.at_ms), a.dry_run ? "(dry-run) " : "",
                     watch::to_string(a.kind), a.target, printable(a.cause),
                     a.result.empty() ? "" : " -> " + printable(a.result));
}

struct Layers {
  Json json = Json::array();
  std::string text;
  bool all_up = true;
};

Layers layers(const watch::Ladder& l, const watch::Clock& t) {
  Layers out;
  const auto& st = l.state().layers;
  for (const auto& n : l.next(t)) {
    auto it = st.find(n.layer);
    watch::Layer layer = it == st.end() ? watch::Layer{} : it->second;
    out.all_up = out.all_up && healthy(layer.health);
    Json next = nullptr;
    if (n.kind)
      next = {{"action", watch::to_string(*n.kind)},
              {"at", n.at_ms ? Json(iso8601_ms(*n.at_ms)) : Json(nullptr)},
              {"waiting", n.waiting.empty() ? Json(nullptr) : Json(n.waiting)}};
    out.json.push_back(
        {{"name", n.layer},
         {"health", watch::to_string(layer.health)},
         {"since", time_or_null(layer.since_ms)},
         {"down_ms", layer.down_ms},
         {"flaps", layer.flaps},
         {"settle_until", layer.settle_until_ms > t.now_ms ? time_or_null(layer.settle_until_ms) : Json(nullptr)},
         {"next", next}});
    std::string what;
    if (n.kind)
      what = fmt::format("{} {}{}", watch::to_string(*n.kind),
                         n.at_ms ? "at " + iso8601_ms(*n.at_ms) : std::string("never"),
                         n.waiting.empty() ? "" : " (" + n.waiting + ")");
    else if (!n.waiting.empty())
      what = n.waiting;
    out.text += fmt::format("{:<16} {:<9} {}{}\n", n.layer, watch::to_string(layer.health),
                            layer.since_ms > 0 ? "since " + iso8601_ms(layer.since_ms) : std::string("-"),
                            what.empty() ? "" : "; next: " + what);
  }
  return out;
}

Json budgets(const watch::Ladder& l, std::int64_t now) {
  Json out = Json::array();
  for (const auto& b : l.budgets(now))
    out.push_back(
        {{"action", watch::to_string(b.kind)}, {"target", b.target}, {"used", b.used}, {"max", b.max}, {"per", b.per}});
  return out;
}

}  // namespace

cli::Outcome status_outcome(const watch::Ladder& l, const watch::Clock& t, bool state_exists, bool running) {
  auto ls = layers(l, t);
  // Nothing recorded, or a record no daemon keeps current, is nothing observed: not ok.
  cli::Outcome o = cli::verdict("status", state_exists && running && ls.all_up);
  o.json["mode"] = l.config().observe ? "observe" : "act";
  o.json["state_file"] = watch::state_path();
  o.json["recorded"] = state_exists;
  o.json["running"] = running;
  o.json["layers"] = ls.json;
  o.json["outage_ms"] = l.state().outage_ms;
  o.json["budgets"] = budgets(l, t.now_ms);
  const auto& h = l.state().history;
  o.json["last_action"] = h.empty() ? Json(nullptr) : action_json(h.back());
  if (!state_exists)
    o.text = fmt::format("nothing recorded yet in {} (is bdctl-watch run going?)\n", watch::state_path());
  else if (!running)
    o.text = "bdctl-watch run is not running: this is the last record, not now\n";
  o.text += ls.text;
  for (const auto& b : o.json["budgets"])
    o.text +=
        fmt::format("budget {} {}: {} of {} per {}\n", b["action"].get<std::string>(), b["target"].get<std::string>(),
                    b["used"].get<int>(), b["max"].get<int>(), b["per"].get<std::string>());
  if (!h.empty()) o.text += "last: " + action_text(h.back());
  return o;
}

cli::Outcome plan_outcome(const watch::Observation& ob, const std::vector<watch::Action>& would,
                          const watch::Ladder& after, const watch::Clock& t) {
  auto ls = layers(after, t);
  cli::Outcome o = cli::verdict("plan", ls.all_up && would.empty());
  o.json["mode"] = after.config().observe ? "observe" : "act";
  o.json["observed"] = {
      {"gateway", {{"health", watch::to_string(ob.gateway)}, {"why", printable(ob.why_gateway)}}},
      {"internet", {{"health", watch::to_string(ob.internet)}, {"why", printable(ob.why_internet)}}},
      {"zerotier", {{"health", watch::to_string(ob.zerotier)}, {"why", printable(ob.why_zerotier)}}},
      {"forwarding", {{"health", watch::to_string(ob.forwarding)}, {"why", printable(ob.why_forwarding)}}}};
  for (const auto& [name, h] : ob.rules) {
    auto why = ob.why_rules.find(name);
    o.json["observed"]["rule." + name] = {{"health", watch::to_string(h)},
                                          {"why", why == ob.why_rules.end() ? "" : printable(why->second)}};
  }
  Json w = Json::array();
  for (const auto& a : would) w.push_back(action_json(a));
  o.json["would"] = w;
  o.json["layers"] = ls.json;
  for (const auto& [name, v] : o.json["observed"].items())
    o.text += fmt::format("{:<16} {:<9} {}\n", name, v["health"].get<std::string>(), v["why"].get<std::string>());
  o.text += would.empty() ? "would do nothing now\n" : "would now:\n";
  for (const auto& a : would) o.text += "  " + action_text(a);
  o.text += ls.text;
  return o;
}

cli::Outcome history_outcome(const watch::State& s) {
  cli::Outcome o = cli::verdict("history", true);
  Json a = Json::array();
  for (const auto& x : s.history) a.push_back(action_json(x));
  o.json["actions"] = a;
  o.json["reset"] = time_or_null(s.reset_ms);
  for (const auto& x : s.history) o.text += action_text(x);
  if (s.history.empty()) o.text = "no actions recorded\n";
  if (s.reset_ms > 0) o.text += fmt::format("budgets reset at {}\n", iso8601_ms(s.reset_ms));
  return o;
}

cli::Outcome reset_outcome(std::int64_t at_ms, int cleared) {
  cli::Outcome o = cli::verdict("reset", true);
  o.json["changed"] = true;
  o.json["reset"] = iso8601_ms(at_ms);
  o.json["cleared"] = cleared;
  o.text = fmt::format("budgets reset at {} ({} action(s) no longer counted)\n", iso8601_ms(at_ms), cleared);
  return o;
}

namespace {
Json opt(const std::optional<int>& s) { return s ? Json(std::int64_t(*s) * 1000) : Json(nullptr); }

Json device_json(const hwdog::Device& d) {
  return {{"name", d.name},
          {"device", d.path},
          {"identity", printable(d.identity)},
          {"timeout_ms", opt(d.timeout_s)},
          {"min_timeout_ms", opt(d.min_timeout_s)},
          {"max_timeout_ms", opt(d.max_timeout_s)},
          {"max_from", d.max_source.empty() ? Json(nullptr) : Json(d.max_source)},
          {"active", d.active ? Json(*d.active) : Json(nullptr)},
          {"nowayout", d.nowayout ? Json(*d.nowayout) : Json(nullptr)}};
}

Json manager_json(const HwdogReport& r) {
  if (!r.manager) return {{"reachable", false}, {"error", printable(r.manager_error)}};
  const auto& m = *r.manager;
  Json runtime = nullptr;
  if (m.runtime_usec)
    runtime =
        *m.runtime_usec == std::numeric_limits<std::uint64_t>::max() ? Json("default") : Json(*m.runtime_usec / 1000);
  Json ping = nullptr;
  if (m.last_ping_usec)
    ping = *m.last_ping_usec ? Json(iso8601_ms(std::int64_t(*m.last_ping_usec / 1000))) : Json("never");
  return {{"reachable", true},
          {"runtime_watchdog_ms", runtime},
          {"device", m.device ? Json(*m.device) : Json(nullptr)},
          {"last_ping", ping}};
}

std::string secs(const std::optional<int>& s) { return s ? fmt::format("{}s", *s) : "?"; }
}  // namespace

cli::Outcome hwdog_outcome(const HwdogReport& r) {
  // show: ok when the watchdog is seen to work; enable/disable: when the drop-in was written.
  cli::Outcome o = cli::verdict("hwdog", r.action != "show" || r.problems.empty());
  o.json["action"] = r.action;
  if (r.action != "show") o.json["changed"] = r.changed;
  Json devs = Json::array();
  for (const auto& d : r.devices) devs.push_back(device_json(d));
  o.json["devices"] = devs;
  o.json["used"] = r.device ? Json(r.device->name) : Json(nullptr);
  o.json["systemd"] = manager_json(r);
  o.json["dropin"] = {{"path", hwdog::dropin_path()},
                      {"exists", r.dropin.exists},
                      {"timeout_ms", opt(r.dropin.timeout_s)},
                      {"device", r.dropin.exists ? Json(r.dropin.device) : Json(nullptr)}};
  o.json["problems"] = r.problems;
  if (r.action != "show")
    o.text += fmt::format(
        "{} {}\n", r.changed ? (r.action == "enable" ? "wrote" : "removed") : "unchanged:", hwdog::dropin_path());
  for (const auto& d : r.devices)
    o.text +=
        fmt::format("{} {:<14} {}  timeout {}, max {}{}, {}\n", d.name == (r.device ? r.device->name : "") ? "*" : " ",
                    d.path, d.identity.empty() ? "(unnamed)" : printable(d.identity), secs(d.timeout_s),
                    secs(d.max_timeout_s), d.max_source == "driver" ? " (known driver)" : "",
                    !d.active   ? "state unknown"
                    : *d.active ? "counting"
                                : "stopped");
  if (r.manager) {  // unreachable: the problem says why
    const auto& m = *r.manager;
    std::string runtime = !m.runtime_usec ? "unknown"
                          : *m.runtime_usec == std::numeric_limits<std::uint64_t>::max()
                              ? "default"
                              : format_duration(Millis(*m.runtime_usec / 1000));
    std::string ping = !m.last_ping_usec   ? "unknown"
                       : *m.last_ping_usec ? iso8601_ms(std::int64_t(*m.last_ping_usec / 1000))
                                           : "never";
    o.text += fmt::format("systemd: RuntimeWatchdogSec {}, last ping {}\n", runtime, ping);
  }
  if (r.dropin.exists)
    o.text += fmt::format("drop-in {}: RuntimeWatchdogSec={}\n", hwdog::dropin_path(), secs(r.dropin.timeout_s));
  for (const auto& p : r.problems) o.text += "problem: " + p + "\n";
  if (r.problems.empty()) o.text += "ok: systemd pets the hardware watchdog within its maximum\n";
  return o;
}

cli::Outcome run_outcome(int rounds, const watch::State& s) {
  cli::Outcome o = cli::verdict("run", true);
  o.json["rounds"] = rounds;
  o.json["last_action"] = s.history.empty() ? Json(nullptr) : action_json(s.history.back());
  o.text = fmt::format("stopped after {} round(s)\n", rounds);
  if (!s.history.empty()) o.text += "last: " + action_text(s.history.back());
  return o;
}

}  // namespace bdctl::watch_tool
