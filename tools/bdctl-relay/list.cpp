#include "relay_verbs.hpp"
#include "render.hpp"

namespace bdctl::relay_tool {

cli::Runner setup_list(CLI::App&) {
  return [] {
    return with_context({}, [](Context& ctx) {
      cli::Outcome o = outcome("list", ctx.config.source, ctx.recovered, {});
      o.json["boards"] = boards_json(ctx.config);
      o.json["relays"] = relays_json(ctx.config);
      o.text += list_text(ctx.config);
      return o;
    });
  };
}

}  // namespace bdctl::relay_tool
