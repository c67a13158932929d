#include <fmt/format.h>

#include "bdctl/rtnl.hpp"
#include "options.hpp"
#include "render.hpp"
#include "route_verbs.hpp"
#include "safe_change.hpp"

namespace bdctl::tool {

namespace {

struct UpFlags {
  RouteFlags route;
  cli::SafetyFlags safety;
  bool dry_run = false;
  bool no_persist = false;
};

// What a re-run with --confirm must match to extend the pending change.
std::string command_of(const route::Options& o) {
  return fmt::format("bdctl-route up --zt {} --lan {}{}{}{}", o.zt_if, o.lan_if, o.masquerade ? "" : " --no-masquerade",
                     o.allow_lan_initiated ? " --allow-lan-initiated" : "",
                     o.ipv4 && o.ipv6 ? ""
                     : o.ipv4         ? " --family ipv4"
                                      : " --family ipv6");
}

cli::Outcome apply(const UpFlags& f, const ResolvedRoute& r, Rtnl& rtnl) {
  return up_outcome(r, route::up(r.options, {f.dry_run, !f.no_persist}, rtnl));
}

}  // namespace

cli::Runner setup_up(CLI::App& sub) {
  auto f = std::make_shared<UpFlags>();
  add_route_flags(sub, f->route);
  sub.add_flag("--dry-run", f->dry_run, "Validate the ruleset against the kernel without committing; change nothing");
  sub.add_flag("--no-persist", f->no_persist, "Do not write the sysctl.d drop-in that keeps forwarding on at boot");
  cli::add_safety_flags(sub, f->safety);
  return [f] {
    Rtnl rtnl;
    auto r = resolve(f->route, false, rtnl);
    print_warnings(r.warnings);
    return cli::guarded(f->safety,
                        {command_of(r.options), f->route.config, f->dry_run, [&] { return apply(*f, r, rtnl); }});
  };
}

}  // namespace bdctl::tool
