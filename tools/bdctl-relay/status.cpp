#include "render.hpp"
#include "verbs.hpp"

namespace bdctl::relay_tool {

cli::Outcome show_status(Context& ctx, const std::vector<std::string>& names) {
  return outcome("status", ctx.config.source, ctx.recovered, ctx.controller->status(names));
}

}  // namespace bdctl::relay_tool
