// The one Report rendered four ways: JSON body, a checklist for a person, a
// Nagios plugin line, a node_exporter textfile.
#include <fmt/format.h>

#include "bdctl/printable.hpp"

#include <map>

#include "internal.hpp"

namespace bdctl::check {

namespace {
std::string upper(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return o;
}
std::map<State, int> counts(const Report& r) {
  std::map<State, int> c{{State::ok, 0}, {State::warning, 0}, {State::critical, 0}, {State::unknown, 0}};
  for (const auto& x : r.checks) ++c[x.state];
  return c;
}
std::string tally(const Report& r) {
  auto c = counts(r);
  std::string out;
  for (State s : {State::critical, State::warning, State::unknown, State::ok})
    if (c[s]) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", c[s], state_name(s));
  return out.empty() ? "no checks" : out;
}
}  // namespace

void to_json(nlohmann::ordered_json& doc, const Report& r) {
  doc["status"] = state_name(r.state);
  doc["duration_ms"] = r.duration.count();
  doc["timestamp"] = r.timestamp;
  auto c = counts(r);
  doc["counts"] = {{"ok", c[State::ok]},
                   {"warning", c[State::warning]},
                   {"critical", c[State::critical]},
                   {"unknown", c[State::unknown]}};
  auto& arr = doc["checks"] = nlohmann::ordered_json::array();
  for (const auto& x : r.checks) {
    nlohmann::ordered_json j;
    j["name"] = x.name;
    j["status"] = state_name(x.state);
    j["summary"] = x.summary;
    j["details"] = x.details;
    j["duration_ms"] = x.duration.count();
    arr.push_back(std::move(j));
  }
}

std::string to_text(const Report& r) {
  std::size_t w = 0;
  for (const auto& x : r.checks) w = std::max(w, x.name.size());
  std::string out = fmt::format("{}: {} ({} ms)\n", upper(state_name(r.state)), tally(r), r.duration.count());
  for (const auto& x : r.checks) {
    const char* mark = x.state == State::ok         ? " ok "
                       : x.state == State::warning  ? "WARN"
                       : x.state == State::critical ? "CRIT"
                                                    : " ?? ";
    out += fmt::format("[{}] {:<{}}  {} ({} ms)\n", mark, x.name, w, x.summary, x.duration.count());
    if (x.state != State::ok && x.details.is_object() && x.details.contains("hint") && x.details["hint"].is_string())
      out += fmt::format("       {:<{}}  hint: {}\n", "", w, x.details["hint"].get<std::string>());
  }
  return out;
}

std::string to_nagios(const Report& r) {
  // monitoring-plugins: "STATE - text | 'label'=value[UOM];warn;crit;min;max"; '|' must not
  // appear in the text, and one line only.
  // Controls escaped (a forged "\r\nOK ..." stays on this line) and the text
  // bounded: NRPE passes a few KiB at most.
  auto clean = [](const std::string& raw) {
    std::string s = printable(raw, 2048);
    for (auto& c : s)
      if (c == '|') c = '/';
    return s;
  };
  std::string text;
  // Worst first: the line may be cut short by the monitoring system.
  for (State want : {State::critical, State::warning, State::unknown})
    for (const auto& x : r.checks)
      if (x.state == want) text += fmt::format("{}{}: {}", text.empty() ? "" : "; ", x.name, x.summary);
  if (text.empty()) text = fmt::format("{} checks ok", r.checks.size());
  auto c = counts(r);
  std::string perf =
      fmt::format("'duration'={:.3f}s;;;0; 'ok'={};;;0; 'warning'={};;;0; 'critical'={};;;0; 'unknown'={};;;0;",
                  r.duration.count() / 1000.0, c[State::ok], c[State::warning], c[State::critical], c[State::unknown]);
  for (const auto& x : r.checks) {
    std::string label = x.name;
    for (auto& ch : label)
      if (ch == '\'' || ch == '=' || ch == ' ') ch = '_';
    perf += fmt::format(" '{}'={}ms;;;0;", label, x.duration.count());
  }
  return fmt::format("BDCTL {} - {}: {} | {}", upper(state_name(r.state)), tally(r), clean(text), perf);
}

std::string to_prometheus(const Report& r) {
  auto esc = [](const std::string& v) {
    std::string o;
    for (char c : v) {
      if (c == '\\')
        o += "\\\\";
      else if (c == '"')
        o += "\\\"";
      else if (c == '\n')
        o += "\\n";
      else
        o += c;
    }
    return o;
  };
  std::string o;
  o += "# HELP bdctl_check_status State of each check: 0 ok, 1 warning, 2 critical, 3 unknown.\n";
  o += "# TYPE bdctl_check_status gauge\n";
  for (const auto& x : r.checks)
    o += fmt::format("bdctl_check_status{{check=\"{}\"}} {}\n", esc(x.name), static_cast<int>(x.state));
  o += "# HELP bdctl_check_duration_seconds Time each check took.\n";
  o += "# TYPE bdctl_check_duration_seconds gauge\n";
  for (const auto& x : r.checks)
    o += fmt::format("bdctl_check_duration_seconds{{check=\"{}\"}} {:.3f}\n", esc(x.name), x.duration.count() / 1000.0);
  o += "# HELP bdctl_check_overall_status Worst state of the run: 0 ok, 1 warning, 2 critical, 3 unknown.\n";
  o += "# TYPE bdctl_check_overall_status gauge\n";
  o += fmt::format("bdctl_check_overall_status {}\n", static_cast<int>(r.state));
  o += "# HELP bdctl_check_run_duration_seconds Time the whole run took.\n";
  o += "# TYPE bdctl_check_run_duration_seconds gauge\n";
  o += fmt::format("bdctl_check_run_duration_seconds {:.3f}\n", r.duration.count() / 1000.0);
  o += "# HELP bdctl_check_last_run_timestamp_seconds When the run started (unix time).\n";
  o += "# TYPE bdctl_check_last_run_timestamp_seconds gauge\n";
  o += fmt::format("bdctl_check_last_run_timestamp_seconds {}\n", r.timestamp);
  return o;
}

}  // namespace bdctl::check
