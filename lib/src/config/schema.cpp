// Every key bdctl.toml may hold, in one table: a typo must be an error, not a
// setting silently left at its default (a misspelt `protected` once let
// `bdctl-relay off` cut the rail that feeds the Pi).
#include "schema.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "bdctl/error.hpp"

namespace bdctl::config_detail {
namespace {

// Dotted paths; "*" is a name of the user's choosing (a board, a relay, a
// target). A table is known when some key lies below it.
constexpr auto kKeys = std::to_array<std::string_view>({
    "site.subnet",
    "site.lan_interface",
    "site.zerotier_interface",
    "site.zerotier_network",
    "site.ranges.*",
    "site.static.*",
    //
    "route.family",
    "route.masquerade",
    "route.allow_lan_initiated",
    //
    "mss.mss",
    "mss.mtu",
    "mss.pppoe",
    "mss.pmtu",
    "mss.iface",
    "mss.family",
    "mss.local",
    "safety.confirm",
    //
    "check.timeout",
    "check.deadline",
    "check.targets.*",
    //
    "boards.*.driver",
    "boards.*.url",
    "boards.*.host",
    "boards.*.port",
    "boards.*.device",
    "boards.*.user",
    "boards.*.password",
    "boards.*.password_file",
    "boards.*.chip",
    "boards.*.lines",
    "boards.*.active_low",
    "boards.*.channels",
    "boards.*.timeout",
    "boards.*.spacing",
    //
    "relays.*.board",
    "relays.*.channel",
    "relays.*.wiring",
    "relays.*.momentary",
    "relays.*.protected",
    "relays.*.max_pulse",
    "relays.*.pulse",
    "relays.*.cooldown",
    "relays.*.max_per_hour",
    "relays.*.rest",
    //
    "watch.mode",
    "watch.interval",
    "watch.boot_grace",
    "watch.settle",
    "watch.internet_targets",
    "watch.hotspot_gateway",
    "watch.hotspot_relay",
    "watch.hotspot_cycle",
    "watch.zerotier_unit",
    "watch.zerotier_down_for",
    "watch.forwarding_down_for",
    "watch.uplink_down_for",
    "watch.reboot_after",
    "watch.slow_retry",
    "watch.max_restarts_per_hour",
    "watch.max_cycles_per_day",
    "watch.max_reboots_per_day",
    "watch.rules.*.target",
    "watch.rules.*.down_for",
    "watch.rules.*.action",
    "watch.rules.*.max_per_day",
    "watch.rules.*.interval",
    //
    "repeat.*.preset",
    "repeat.*.port",
    "repeat.*.group",
    "repeat.*.direction",
    "repeat.*.rate",
    //
    "bridge.name",
    "bridge.zerotier_network",
    "bridge.broadcast_limit",
    "bridge.mss",
});

// The segments of a pattern below `parent` (a pattern prefix, with '*').
std::vector<std::string_view> children(std::string_view parent) {
  std::vector<std::string_view> out;
  for (auto key : kKeys) {
    if (!parent.empty()) {
      if (key.size() <= parent.size() || key.substr(0, parent.size()) != parent || key[parent.size()] != '.') continue;
      key.remove_prefix(parent.size() + 1);
    }
    auto seg = key.substr(0, key.find('.'));
    if (std::find(out.begin(), out.end(), seg) == out.end()) out.push_back(seg);
  }
  return out;
}

bool is_leaf(std::string_view pattern) { return std::find(kKeys.begin(), kKeys.end(), pattern) != kKeys.end(); }

std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string suggestion(std::string_view word, const std::vector<std::string_view>& known) {
  std::string_view best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 2) + 1;
  for (auto k : known) {
    if (k == "*") continue;
    auto d = distance(word, k);
    if (d < best_d) best_d = d, best = k;
  }
  return best.empty() ? "" : fmt::format(" (did you mean {}?)", best);
}

void walk(const toml::table& t, const std::string& path, const std::string& pattern, const std::string& file) {
  auto known = children(pattern);
  for (const auto& [k, node] : t) {
    std::string name(k.str());
    std::string full = path.empty() ? name : fmt::format("{}.{}", path, name);
    bool named = std::find(known.begin(), known.end(), name) != known.end();
    bool wild = std::find(known.begin(), known.end(), "*") != known.end();
    if (!named && !wild) {
      throw InputError(fmt::format("{}:{}: unknown {} {}{}", file, node.source().begin.line,
                                   node.is_table() ? "table" : "key", full, suggestion(name, known)));
    }
    std::string leaf = named ? name : "*";
    std::string sub = pattern.empty() ? leaf : fmt::format("{}.{}", pattern, leaf);
    if (is_leaf(sub)) continue;  // its type is checked where it is read
    if (auto* inner = node.as_table()) {
      walk(*inner, full, sub, file);
    } else {
      throw InputError(
          fmt::format("{}:{}: key '{}': expected a table [{}]", file, node.source().begin.line, full, full));
    }
  }
}

}  // namespace

void check_keys(const toml::table& root, const std::string& file) { walk(root, "", "", file); }

}  // namespace bdctl::config_detail
