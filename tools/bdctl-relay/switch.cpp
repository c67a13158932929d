#include "relay_verbs.hpp"
#include "render.hpp"

namespace bdctl::relay_tool {

namespace {
cli::Runner setup_switch(CLI::App& sub, bool on) {
  auto name = std::make_shared<std::string>();
  sub.add_option("name", *name, "Relay name")->required();
  return [name, on] {
    return with_context([&](const relay::RelayConfig& c) { c.relay(*name); },
                        [&](Context& ctx) {
                          return outcome(on ? "on" : "off", ctx.config.source, ctx.recovered,
                                         {ctx.controller->set(*name, on)});
                        });
  };
}
}  // namespace

cli::Runner setup_on(CLI::App& sub) { return setup_switch(sub, true); }
cli::Runner setup_off(CLI::App& sub) { return setup_switch(sub, false); }

}  // namespace bdctl::relay_tool
