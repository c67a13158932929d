#include "render.hpp"

#include <fmt/format.h>

namespace bdctl::config_tool {

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) fmt::print(stderr, "bdctl-config: warning: {}\n", w);
}

namespace {
std::string check_text(const Checked& c) {
  if (!c.exists) return fmt::format("ok: no file at {}: the tools run on their flags and defaults\n", c.file);
  return fmt::format("ok: {} is valid ({} board(s), {} relay(s), {} check target(s), {})\n", c.file, c.boards, c.relays,
                     c.targets, c.mss ? "an [mss] clamp" : "no [mss] clamp");
}
}  // namespace

cli::Outcome check_outcome(const Checked& c) {
  cli::Outcome o;
  o.json = cli::document();
  o.json["command"] = "check";
  o.json["ok"] = true;
  o.json["file"] = c.file;
  o.json["exists"] = c.exists;
  o.json["warnings"] = c.warnings;
  o.json["boards"] = c.boards;
  o.json["relays"] = c.relays;
  o.json["targets"] = c.targets;
  o.json["mss"] = c.mss;
  o.text = check_text(c);
  return o;
}

cli::Outcome show_outcome(const std::string& file, const site::Site& s, bool complete) {
  cli::Outcome o;
  o.json = cli::document();
  o.json["command"] = "show";
  o.json["ok"] = complete;
  o.json["file"] = file;
  site::to_json(o.json["site"], s);
  o.text = site::describe(s);
  o.exit_code = complete ? 0 : 1;
  return o;
}

}  // namespace bdctl::config_tool
