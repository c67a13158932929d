#include "relay_verbs.hpp"
#include "render.hpp"

namespace bdctl::relay_tool {

cli::Runner setup_pulse(CLI::App& sub) {
  struct Flags {
    std::string name;
    std::optional<std::string> length;
  };
  auto f = std::make_shared<Flags>();
  sub.add_option("name", f->name, "Relay name")->required();
  sub.add_option("-f,--for", f->length, "Pulse length, e.g. 500ms or 2s (default: the relay's pulse)");
  return [f] {
    std::optional<Millis> len;
    if (f->length) len = cli::duration_option("--for", *f->length);  // InputError (exit 2) before any device I/O
    return with_context([&](const relay::RelayConfig& c) { c.relay(f->name); },
                        [&](Context& ctx) {
                          return outcome("pulse", ctx.config.source, ctx.recovered,
                                         {ctx.controller->pulse(f->name, len)});
                        });
  };
}

}  // namespace bdctl::relay_tool
