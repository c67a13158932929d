#include "render.hpp"
#include "verbs.hpp"

namespace bdctl::relay_tool {

cli::Outcome pulse_relay(Context& ctx, const std::string& name, const std::optional<std::string>& length) {
  std::optional<Millis> len;
  if (length) len = cli::duration_option("--for", *length);  // InputError (exit 2) before any device I/O
  return outcome("pulse", ctx.config.source, ctx.recovered, {ctx.controller->pulse(name, len)});
}

}  // namespace bdctl::relay_tool
