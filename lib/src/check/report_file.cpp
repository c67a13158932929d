// A saved report (bdctl-check --report) read back, so that a user without
// root's rights (NRPE, a login shell) renders what the root timer observed.
#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "internal.hpp"

namespace bdctl::check {

namespace {
State parse_state(const nlohmann::json& v, const std::string& where) {
  if (v.is_string())
    for (State s : {State::ok, State::warning, State::critical, State::unknown})
      if (v.get<std::string>() == state_name(s)) return s;
  throw InputError(fmt::format("{}: status is not ok, warning, critical or unknown", where));
}
}  // namespace

Report report_from_json(const std::string& text, const std::string& source) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&](const std::string& why) {
    return InputError(fmt::format("{}: not a bdctl-check report: {}", source, why));
  };
  if (doc.is_discarded() || !doc.is_object()) throw bad("not a JSON object");
  if (doc.value("schema_version", 0) != 1) throw bad("schema_version is not 1");
  if (doc.value("command", "") != "check") throw bad("command is not \"check\"");
  if (!doc.contains("checks") || !doc["checks"].is_array()) throw bad("no checks array");
  if (!doc.contains("timestamp") || !doc["timestamp"].is_number_integer()) throw bad("no timestamp");
  Report r;
  r.state = parse_state(doc["status"], source);
  r.timestamp = doc["timestamp"].get<std::int64_t>();
  r.duration = Millis(doc.value("duration_ms", 0));
  for (const auto& c : doc["checks"]) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) throw bad("a check without a name");
    Result x;
    x.name = c["name"].get<std::string>();
    x.state = parse_state(c.value("status", nlohmann::json()), fmt::format("{}: check {}", source, x.name));
    x.summary = c.value("summary", "");
    if (c.contains("details") && c["details"].is_object())
      x.details = nlohmann::ordered_json::parse(c["details"].dump());
    x.duration = Millis(c.value("duration_ms", 0));
    r.checks.push_back(std::move(x));
  }
  return r;
}

Report stale(const Report& saved, const std::string& source, std::int64_t now, Millis max_age) {
  auto age = now - saved.timestamp;
  if (age * 1000 <= max_age.count() && age >= -60) return saved;
  Report r;
  r.state = State::unknown;
  r.timestamp = now;
  Result x;
  x.name = "bdctl.report";
  x.state = State::unknown;
  x.summary = age < 0 ? fmt::format("{} is dated {} s in the future: the clock moved", source, -age)
                      : fmt::format("{} is {} s old (more than {}): is bdctl-check.timer running?", source, age,
                                    format_duration(max_age));
  x.details = {{"report", source}, {"report_timestamp", saved.timestamp}, {"report_status", state_name(saved.state)}};
  r.checks.push_back(std::move(x));
  return r;
}

}  // namespace bdctl::check
