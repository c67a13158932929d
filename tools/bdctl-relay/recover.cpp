#include "relay_verbs.hpp"
#include "render.hpp"

namespace bdctl::relay_tool {

// The work is done before any verb runs; this verb only reports it (the
// boot-time unit runs it so a power cut mid-pulse is finished at boot).
cli::Runner setup_recover(CLI::App&) {
  return [] {
    return with_context({}, [](Context& ctx) { return outcome("recover", ctx.config.source, ctx.recovered, {}); });
  };
}

}  // namespace bdctl::relay_tool
