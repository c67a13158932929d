#include "bdctl/rtnl.hpp"
#include "render.hpp"
#include "route_verbs.hpp"

namespace bdctl::tool {

cli::Runner setup_status(CLI::App& sub) {
  auto f = std::make_shared<RouteFlags>();
  add_route_flags(sub, *f);
  return [f] {
    Rtnl rtnl;
    auto r = resolve(*f, true, rtnl);
    auto s = route::status(r.options, rtnl);
    s.conflicts = r.site.conflicts;
    return status_outcome(r, s);
  };
}

}  // namespace bdctl::tool
