#include "render.hpp"
#include "verbs.hpp"

namespace bdctl::relay_tool {

cli::Outcome switch_relay(Context& ctx, const std::string& name, bool on) {
  return outcome(on ? "on" : "off", ctx.config.source, ctx.recovered, {ctx.controller->set(name, on)});
}

}  // namespace bdctl::relay_tool
