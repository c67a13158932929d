#include "render.hpp"
#include "route_verbs.hpp"

namespace bdctl::tool {

cli::Runner setup_show(CLI::App& sub) {
  auto f = std::make_shared<RouteFlags>();
  add_route_flags(sub, *f);
  return [f] {
    Rtnl rtnl;
    auto r = resolve(*f, true, rtnl);
    return show_outcome(r, route::forwarding_keys(r.options), route::desired_chains(r.options));
  };
}

}  // namespace bdctl::tool
