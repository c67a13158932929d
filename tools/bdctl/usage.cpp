#include "usage.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "find_tool.hpp"

namespace bdctl::front {

namespace {
// One line each, short enough for an 80-column PuTTY window.
const std::vector<std::pair<std::string, std::string>>& known() {
  static const std::vector<std::pair<std::string, std::string>> tools = {
      {"bridge", "Bridge the site LAN and ZeroTier at layer 2 (a safe change)"},
      {"check", "Check that the backdoor works (text, JSON, Nagios, Prometheus)"},
      {"config", "Validate bdctl.toml; show the site the tools resolve from it"},
      {"confirm", "Keep the pending change (made with --confirm)"},
      {"mss", "Clamp the TCP MSS of forwarded connections; probe the path MTU"},
      {"pending", "Show the change that rolls back unless confirmed, and its deadline"},
      {"relay", "Reset equipment through relays and power rails, safely"},
      {"repeat", "Carry discovery (FlexRadio, HPSDR, mDNS, SSDP) across ZeroTier"},
      {"rollback", "Undo the pending change now"},
      {"route", "Route between the ZeroTier network and the site LAN"},
      {"watch", "Repair the broken layer of the backdoor, within budgets"},
  };
  return tools;
}
}  // namespace

std::optional<std::string> summary(const std::string& verb) {
  for (const auto& [name, text] : known())
    if (name == verb) return text;
  return std::nullopt;
}

std::string help_text(const std::optional<std::string>& beside) {
  auto found = available_verbs(beside);
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& [name, text] : known()) {
    bool present = std::find(found.begin(), found.end(), name) != found.end();
    rows.emplace_back(name, present ? text : text + " (not installed)");
  }
  for (const auto& v : found)
    if (!summary(v)) rows.emplace_back(v, "(bdctl-" + v + ", not part of bdctl)");
  std::size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.first.size());

  std::string s =
      "usage: bdctl [--help | --version] COMMAND [ARGS...]\n"
      "\n"
      "Run the tool bdctl-COMMAND with ARGS, as git runs git-COMMAND. Each tool does\n"
      "one job and prints one JSON document when piped. See bdctl(7) for setting up\n"
      "the backdoor step by step.\n"
      "\n"
      "Commands:\n";
  for (const auto& [name, text] : rows)
    s.append("  ").append(name).append(width - name.size() + 2, ' ').append(text).append("\n");
  s += "\n"
       "'bdctl help COMMAND' or 'bdctl COMMAND --help' shows a command's own help.\n"
       "Exit status: the command's own; 2 for bad usage or an unknown command,\n"
       "1 when the command is found but cannot be run.\n";
  return s;
}

}  // namespace bdctl::front
