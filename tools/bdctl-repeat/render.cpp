#include "render.hpp"

#include <fmt/format.h>

#include "bdctl/audit.hpp"
#include "bdctl/printable.hpp"

namespace bdctl::repeat_tool {

using Json = nlohmann::ordered_json;
using repeat::lan;
using repeat::zerotier;

namespace {

std::string group_text(const repeat::Rule& r) { return r.group ? repeat::ipv4_text(*r.group) : "broadcast"; }

std::string side_text(const repeat::SideState& s) {
  if (!s.error.empty()) return printable(s.error);
  std::string t = s.interface;
  if (s.address) t += " " + repeat::ipv4_text(*s.address);
  if (s.broadcast) t += ", broadcast " + repeat::ipv4_text(*s.broadcast);
  return t;
}

// What the counters say is wrong (problems) or worth knowing (warnings).
void judge(const repeat::Status& st, std::vector<std::string>& problems, std::vector<std::string>& warnings) {
  for (auto s : {lan, zerotier})
    if (!st.sides[s].error.empty())
      problems.push_back(fmt::format("{} side not listening: {}", repeat::side_name(s), st.sides[s].error));
  for (const auto& r : st.rules)
    for (auto s : {lan, zerotier}) {
      const auto& c = r.by_side[s];
      if (c.other_marks)
        warnings.push_back(fmt::format(
            "{}: {} copies from another bdctl repeater heard on the {} side (dropped): one repeater per site is "
            "enough, and a bridge between the LAN and ZeroTier loops them back",
            r.rule.name, c.other_marks, repeat::side_name(s)));
      if (c.overflows)
        warnings.push_back(fmt::format("{} {}: {} dropped by the kernel before they were read (a storm?)", r.rule.name,
                                       repeat::direction_name(s), c.overflows));
      if (c.errors)
        warnings.push_back(fmt::format("{} {}: {} copies not sent, the last: {}", r.rule.name,
                                       repeat::direction_name(s), c.errors, printable(c.last_error)));
    }
}

std::string counters_table(const repeat::Status& st) {
  std::string t = fmt::format("{:<12} {:>5}  {:<15}  {:<15}  {:>7} {:>8} {:>6} {:>6} {:>7} {:>6}\n", "rule", "port",
                              "group", "direction", "heard", "repeated", "echoes", "others", "limited", "errors");
  for (const auto& r : st.rules)
    for (auto s : {lan, zerotier}) {
      const auto& c = r.by_side[s];
      bool first = s == lan;
      std::string dir = repeat::direction_name(s);
      if (!r.rule.from[s]) dir += " (off)";
      t += fmt::format("{:<12} {:>5}  {:<15}  {:<15}  {:>7} {:>8} {:>6} {:>6} {:>7} {:>6}\n", first ? r.rule.name : "",
                       first ? std::to_string(r.rule.port) : "", first ? group_text(r.rule) : "", dir, c.heard,
                       c.repeated, c.echoes, c.other_marks, c.rate_limited, c.errors);
    }
  return t;
}

Json strings(const std::vector<std::string>& v) { return v; }

// The file keeps milliseconds; the document says when, as every bdctl time.
void times_as_text(Json& body) {
  for (auto& r : body["rules"])
    for (auto& c : r["directions"]) {
      auto ms = c["last_trouble_ms"].get<std::int64_t>();
      c.erase("last_trouble_ms");
      c["last_trouble"] = ms ? Json(iso8601_ms(ms)) : Json(nullptr);
    }
}
}  // namespace

cli::Outcome status_outcome(const std::optional<repeat::Status>& st, bool running) {
  std::vector<std::string> problems, warnings;
  if (!running) problems.push_back("no bdctl-repeat run is running (start it: systemctl start bdctl-repeat)");
  if (!st) problems.push_back(fmt::format("no counters recorded ({} is missing)", repeat::status_path()));
  if (st) judge(*st, problems, warnings);
  cli::Outcome o = cli::verdict("status", problems.empty());
  o.json["running"] = running;
  o.json["status_file"] = repeat::status_path();
  if (st) {
    Json body;
    to_json(body, *st);
    body["started"] = iso8601_ms(st->started_ms);
    body["updated"] = iso8601_ms(st->updated_ms);
    body.erase("started_ms");
    body.erase("updated_ms");
    times_as_text(body);
    for (auto it = body.begin(); it != body.end(); ++it) o.json[it.key()] = it.value();
  } else {
    o.json["pid"] = nullptr;
    o.json["started"] = nullptr;
    o.json["updated"] = nullptr;
    o.json["sides"] = nullptr;
    o.json["rules"] = Json::array();
  }
  o.json["problems"] = strings(problems);
  o.json["warnings"] = strings(warnings);
  if (st) {
    o.text = running ? fmt::format("running (pid {}) since {}; counters of {}\n", st->pid, iso8601_ms(st->started_ms),
                                   iso8601_ms(st->updated_ms))
                     : fmt::format("not running; the last run's counters (pid {}, {} to {})\n", st->pid,
                                   iso8601_ms(st->started_ms), iso8601_ms(st->updated_ms));
    o.text += fmt::format("lan       {}\nzerotier  {}\n\n", side_text(st->sides[lan]), side_text(st->sides[zerotier]));
    o.text += counters_table(*st);
  }
  for (const auto& p : problems) o.text += "problem: " + p + "\n";
  for (const auto& w : warnings) o.text += "warning: " + w + "\n";
  return o;
}

cli::Outcome show_outcome(const Setup& s) {
  cli::Outcome o = cli::verdict("show", true);
  o.json["config"] = s.config_path;
  o.json["interfaces"] = {{"lan", {{"interface", s.lan_if}, {"source", s.lan_source}}},
                          {"zerotier", {{"interface", s.zt_if}, {"source", s.zt_source}}}};
  Json rules = Json::array();
  o.text = fmt::format("lan       {} ({})\nzerotier  {} ({})\n\n", s.lan_if, s.lan_source, s.zt_if, s.zt_source);
  if (s.rules.empty()) o.text += fmt::format("no [repeat.NAME] rule in {}: a run would refuse\n", s.config_path);
  for (const auto& r : s.rules) {
    Json dirs = Json::array();
    std::string dir_text;
    for (auto side : {lan, zerotier})
      if (r.from[side]) {
        dirs.push_back(repeat::direction_name(side));
        dir_text += (dir_text.empty() ? "" : ", ") + std::string(repeat::direction_name(side));
      }
    rules.push_back({{"name", r.name},
                     {"preset", r.preset.empty() ? Json(nullptr) : Json(r.preset)},
                     {"port", r.port},
                     {"group", r.group ? Json(repeat::ipv4_text(*r.group)) : Json(nullptr)},
                     {"directions", dirs},
                     {"rate", r.rate_text}});
    o.text +=
        fmt::format("{:<12} port {:<5} {:<15}  {}  at most {}\n", r.name, r.port, group_text(r), dir_text, r.rate_text);
  }
  o.json["rules"] = rules;
  Json presets = Json::array();
  o.text += "\npresets:\n";
  for (const auto& p : repeat::presets()) {
    presets.push_back({{"name", p.name},
                       {"port", p.port},
                       {"group", p.group ? Json(repeat::ipv4_text(*p.group)) : Json(nullptr)},
                       {"what", p.what}});
    o.text += fmt::format("  {:<10} {:>5}  {:<15}  {}\n", p.name, p.port,
                          p.group ? repeat::ipv4_text(*p.group) : "broadcast", p.what);
  }
  o.json["presets"] = presets;
  return o;
}

cli::Outcome run_outcome(const repeat::Status& st, const std::string& signal) {
  cli::Outcome o = cli::verdict("run", true);
  o.json["signal"] = signal.empty() ? Json(nullptr) : Json(signal);
  Json body;
  to_json(body, st);
  times_as_text(body);
  o.json["rules"] = body["rules"];
  o.text = fmt::format("stopped ({})\n", signal.empty() ? "no signal" : signal) + counters_table(st);
  return o;
}

}  // namespace bdctl::repeat_tool
