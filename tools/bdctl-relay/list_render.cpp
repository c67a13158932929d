// `bdctl-relay list`: the configured boards and relays as JSON or a table.
#include <fmt/format.h>

#include "bdctl/http.hpp"
#include "render.hpp"

namespace bdctl::relay_tool {

using nlohmann::ordered_json;

namespace {
template <class T>
ordered_json opt_count(const std::optional<T>& v) {
  return v ? ordered_json(v->count()) : ordered_json(nullptr);
}

// Where the board is; never its credentials.
std::string address_of(const relay::BoardSpec& b) {
  if (!b.url.empty()) return http::redact_url(b.url);
  if (!b.host.empty()) return fmt::format("{}:{}", b.host, b.port);
  return !b.device.empty() ? b.device : b.chip;
}

const char* kind_of(const relay::RelaySpec& r) {
  if (r.is_protected) return "protected";
  return r.momentary ? "momentary" : "latched";
}

std::string limits_of(const relay::RelaySpec& r) {
  std::string limits;
  if (r.cooldown) limits += "cooldown " + format_duration(*r.cooldown) + " ";
  if (r.max_per_hour) limits += fmt::format("max {}/h", *r.max_per_hour);
  return limits;
}

constexpr const char* kRow = "{:<12} {:<10} {:<15} {:>3} {:<6} {:<9} {:<6} {:>7}  {}\n";
}  // namespace

ordered_json boards_json(const relay::RelayConfig& c) {
  ordered_json out = ordered_json::array();
  for (const auto& [name, b] : c.boards)
    out.push_back({{"name", name},
                   {"driver", b.driver},
                   {"address", address_of(b)},
                   {"auth", !b.user.empty() || !b.password.empty()},
                   {"timeout_ms", b.timeout.count()},
                   {"spacing_ms", b.spacing.count()}});
  return out;
}

ordered_json relays_json(const relay::RelayConfig& c) {
  ordered_json out = ordered_json::array();
  for (const auto& [name, r] : c.relays)
    out.push_back({{"name", name},
                   {"board", r.board},
                   {"driver", c.board(r.board).driver},
                   {"channel", r.channel},
                   {"wiring", relay::to_string(r.wiring)},
                   {"momentary", r.momentary},
                   {"protected", r.is_protected},
                   {"rest", r.output_of(c.rest_raw(r)) ? "on" : "off"},
                   {"pulse_ms", r.pulse.count()},
                   {"max_pulse_ms", r.max_pulse.count()},
                   {"cooldown_ms", opt_count(r.cooldown)},
                   {"max_per_hour", r.max_per_hour ? ordered_json(*r.max_per_hour) : ordered_json(nullptr)}});
  return out;
}

std::string list_text(const relay::RelayConfig& c) {
  if (c.relays.empty()) return fmt::format("no relays configured in {}\n", c.source);
  std::string text = fmt::format(kRow, "NAME", "BOARD", "DRIVER", "CH", "WIRING", "KIND", "REST", "PULSE", "LIMITS");
  for (const auto& [name, r] : c.relays)
    text += fmt::format(kRow, name, r.board, c.board(r.board).driver, r.channel, relay::to_string(r.wiring), kind_of(r),
                        r.output_of(c.rest_raw(r)) ? "on" : "off", format_duration(r.pulse), limits_of(r));
  return text;
}

}  // namespace bdctl::relay_tool
