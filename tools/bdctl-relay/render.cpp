#include "render.hpp"

#include <fmt/format.h>

namespace bdctl::relay_tool {

using nlohmann::ordered_json;

namespace {
ordered_json state_json(const std::optional<relay::RelayState>& s) {
  if (!s) return nullptr;
  ordered_json j;
  j["state"] = s->on ? "on" : "off";
  j["energised"] = s->energised;
  j["at_rest"] = s->at_rest;
  j["current_a"] = s->current_a ? ordered_json(*s->current_a) : ordered_json(nullptr);
  j["label"] = s->label.empty() ? ordered_json(nullptr) : ordered_json(s->label);
  return j;
}
template <class T>
ordered_json opt(const std::optional<T>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}
}  // namespace

ordered_json to_json(const relay::ActionResult& r) {
  ordered_json j;
  j["name"] = r.name;
  j["board"] = r.board;
  j["driver"] = r.driver;
  j["channel"] = r.channel;
  j["action"] = r.action;
  j["result"] = r.result;
  j["error"] = r.error.empty() ? ordered_json(nullptr) : ordered_json(r.error);
  j["pulse_ms"] = opt(r.pulse_ms);
  j["requested_ms"] = opt(r.requested_ms);
  j["before"] = state_json(r.before);
  j["during"] = state_json(r.during);
  j["after"] = state_json(r.after);
  j["supply_v"] = opt(r.supply_v);
  j["attempts"] = r.attempts;
  j["elapsed_ms"] = r.elapsed_ms;
  return j;
}

std::string to_text(const relay::ActionResult& r) {
  auto word = [](const std::optional<relay::RelayState>& s) { return relay::state_word(s); };
  std::string head =
      r.action == "pulse" || r.action == "recover"
          ? fmt::format("{} {}", r.action, format_duration(Millis(r.requested_ms.value_or(r.pulse_ms.value_or(0)))))
          : r.action;
  std::string line;
  if (r.action == "status") {
    std::string extra;
    if (r.after && r.after->current_a) extra += fmt::format("  {:.2f} A", *r.after->current_a);
    if (r.supply_v) extra += fmt::format("  supply {:.2f} V", *r.supply_v);
    if (r.after && !r.after->label.empty()) extra += fmt::format("  \"{}\"", r.after->label);
    line = fmt::format("{:<12} {:<10} ch {:<3} {:<8} {}{}", r.name, r.board, r.channel,
                       r.after ? word(r.after) : "unknown",
                       r.after ? (r.after->at_rest ? "at rest" : "NOT AT REST") : "", extra);
  } else {
    line = fmt::format("{}: {}: {} -> {}", r.name, head, word(r.before), word(r.after));
    if (r.during) line += fmt::format(" (during: {})", word(r.during));
    if (r.action == "pulse" && r.pulse_ms && r.requested_ms && r.attempts > 0)
      line += fmt::format("  [{}, held {} ms, {} ms in all]", r.result, *r.pulse_ms, r.elapsed_ms);
    else
      line += fmt::format("  [{}, {} ms]", r.result, r.elapsed_ms);
  }
  if (!r.error.empty()) line += fmt::format("\n  {}: {}", r.result, r.error);
  return line + "\n";
}

cli::Outcome outcome(const std::string& command, const std::string& config_path,
                     const std::vector<relay::ActionResult>& recovered,
                     const std::vector<relay::ActionResult>& results) {
  cli::Outcome o;
  o.json = cli::document();
  o.json["command"] = command;
  o.json["ok"] = true;  // set below; here for its place near the top
  const bool changes = command != "list" && command != "status";
  if (changes) o.json["changed"] = false;
  o.json["config"] = config_path;
  o.json["recovered"] = ordered_json::array();
  o.json["relays"] = ordered_json::array();
  for (const auto& r : recovered) {
    o.json["recovered"].push_back(to_json(r));
    o.text += "recovered unfinished pulse: " + to_text(r);
    if (!r.ok()) o.exit_code = 1;
  }
  for (const auto& r : results) {
    o.json["relays"].push_back(to_json(r));
    o.text += to_text(r);
    if (!r.ok()) o.exit_code = 1;
  }
  if (results.empty() && recovered.empty() && command == "recover") o.text += "no unfinished pulses\n";
  o.json["ok"] = o.exit_code == 0;
  // A command sent to a board changed something (recovery included, on any verb).
  bool sent = false;
  for (const auto* list : {&recovered, &results})
    for (const auto& r : *list) sent = sent || r.attempts > 0;
  if (changes) o.json["changed"] = sent;
  return o;
}

}  // namespace bdctl::relay_tool
