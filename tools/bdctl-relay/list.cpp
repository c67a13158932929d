#include <fmt/format.h>

#include "bdctl/http.hpp"
#include "relay_verbs.hpp"
#include "render.hpp"

namespace bdctl::relay_tool {

using nlohmann::ordered_json;

namespace {
cli::Outcome list_relays(const Context& ctx) {
  cli::Outcome o = outcome("list", ctx.config.source, ctx.recovered, {});
  o.json["boards"] = ordered_json::array();
  for (const auto& [name, b] : ctx.config.boards) {
    ordered_json j;
    j["name"] = name;
    j["driver"] = b.driver;
    // Where the board is; never its credentials.
    j["address"] = !b.url.empty()      ? http::redact_url(b.url)
                   : !b.host.empty()   ? fmt::format("{}:{}", b.host, b.port)
                   : !b.device.empty() ? b.device
                                       : b.chip;
    j["auth"] = !b.user.empty() || !b.password.empty();
    j["timeout_ms"] = b.timeout.count();
    j["spacing_ms"] = b.spacing.count();
    o.json["boards"].push_back(j);
  }
  std::string text = fmt::format("{:<12} {:<10} {:<15} {:>3} {:<6} {:<9} {:<6} {:>7}  {}\n", "NAME", "BOARD", "DRIVER",
                                 "CH", "WIRING", "KIND", "REST", "PULSE", "LIMITS");
  for (const auto& [name, r] : ctx.config.relays) {
    const auto& b = ctx.config.board(r.board);
    bool rest_on = r.output_of(ctx.config.rest_raw(r));
    ordered_json j;
    j["name"] = name;
    j["board"] = r.board;
    j["driver"] = b.driver;
    j["channel"] = r.channel;
    j["wiring"] = relay::to_string(r.wiring);
    j["momentary"] = r.momentary;
    j["protected"] = r.is_protected;
    j["rest"] = rest_on ? "on" : "off";
    j["pulse_ms"] = r.pulse.count();
    j["max_pulse_ms"] = r.max_pulse.count();
    j["cooldown_ms"] = r.cooldown ? ordered_json(r.cooldown->count()) : ordered_json(nullptr);
    j["max_per_hour"] = r.max_per_hour ? ordered_json(*r.max_per_hour) : ordered_json(nullptr);
    o.json["relays"].push_back(j);
    std::string limits;
    if (r.cooldown) limits += "cooldown " + format_duration(*r.cooldown) + " ";
    if (r.max_per_hour) limits += fmt::format("max {}/h", *r.max_per_hour);
    text += fmt::format("{:<12} {:<10} {:<15} {:>3} {:<6} {:<9} {:<6} {:>7}  {}\n", name, r.board, b.driver, r.channel,
                        relay::to_string(r.wiring),
                        r.is_protected ? "protected"
                        : r.momentary  ? "momentary"
                                       : "latched",
                        rest_on ? "on" : "off", format_duration(r.pulse), limits);
  }
  if (ctx.config.relays.empty()) text = fmt::format("no relays configured in {}\n", ctx.config.source);
  o.text += text;
  return o;
}
}  // namespace

cli::Runner setup_list(CLI::App&) {
  return [] { return with_context({}, [](Context& ctx) { return list_relays(ctx); }); };
}

}  // namespace bdctl::relay_tool
