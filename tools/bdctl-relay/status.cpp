#include "relay_verbs.hpp"
#include "render.hpp"

namespace bdctl::relay_tool {

cli::Runner setup_status(CLI::App& sub) {
  auto names = std::make_shared<std::vector<std::string>>();
  sub.add_option("names", *names, "Relay names (default: all)");
  return [names] {
    return with_context(
        [&](const relay::RelayConfig& c) {
          for (const auto& n : *names) c.relay(n);
        },
        [&](Context& ctx) {
          return outcome("status", ctx.config.source, ctx.recovered, ctx.controller->status(*names));
        });
  };
}

}  // namespace bdctl::relay_tool
