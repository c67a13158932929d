// Reading what the site model is resolved from: one rtnetlink pass, the
// state file of the last `bdctl-route up`, and one question to the ZeroTier
// service (its joined networks). What cannot be read is recorded as such.
#include <sys/socket.h>

#include "bdctl/route.hpp"
#include "bdctl/site.hpp"

namespace bdctl::site {

Observed observe(const Given& g, const ObserveOptions& opt, Rtnl& rtnl) {
  Observed o;
  o.links = rtnl.links();
  o.addresses = rtnl.addresses(0);
  o.default_v4 = rtnl.default_route(AF_INET);
  o.default_v6 = rtnl.default_route(AF_INET6);
  if (g.lan_subnet) {
    o.routes = rtnl.routes(AF_INET);
    auto v6 = rtnl.routes(AF_INET6);
    o.routes.insert(o.routes.end(), v6.begin(), v6.end());
  }
  if (opt.read_recorded) {
    try {
      if (auto a = route::applied_options()) o.recorded = Recorded{a->zt_if, a->lan_if};
    } catch (const std::exception&) {
      // A corrupt state file: bdctl-route reports it; the site is found without it.
    }
  }
  if (opt.ask_zerotier) {
    try {
      zerotier::Client c(opt.zt);
      if (g.network) {
        o.networks.emplace();
        if (auto n = c.network(g.network->value)) o.networks->push_back(*n);
      } else {
        o.networks = c.networks();
      }
    } catch (const SystemError& e) {
      o.networks.reset();
      o.zerotier_error = e.what();
    }
  }
  return o;
}

}  // namespace bdctl::site
