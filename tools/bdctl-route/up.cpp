#include <fmt/format.h>

#include "bdctl/bridge.hpp"
#include "bdctl/error.hpp"
#include "bdctl/rtnl.hpp"
#include "guard_render.hpp"
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
  bool unless_bridged = false;
};

// Routing and bridging are two layouts of one site: a bridged site is not
// routed too (its LAN port is a bridge port; the rules would match nothing).
std::optional<cli::Outcome> bridged_site(bool unless_bridged) {
  auto rec = bridge::recorded();
  if (!rec) return std::nullopt;
  if (!unless_bridged)
    throw SystemError(fmt::format("the site is bridged ({} holds {} and {}; {}): run bdctl-bridge down first",
                                  rec->names.bridge, rec->names.lan, rec->names.zt, bridge::state_path()));
  auto o = cli::unchanged_outcome("route up");
  o.json["bridged"] = rec->names.bridge;
  o.text = fmt::format("the site is bridged ({}, bdctl-bridge): nothing routed\n", rec->names.bridge);
  return o;
}

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
  sub.add_flag("--unless-bridged", f->unless_bridged,
               "When the site is bridged (bdctl-bridge up on record), change nothing and exit 0 (the boot unit)");
  cli::add_safety_flags(sub, f->safety);
  return [f] {
    if (auto b = bridged_site(f->unless_bridged)) return *b;
    Rtnl rtnl;
    auto r = resolve(f->route, false, rtnl);
    print_warnings(r.warnings);
    return cli::guarded(f->safety,
                        {command_of(r.options), f->route.config, f->dry_run, [&] { return apply(*f, r, rtnl); }});
  };
}

}  // namespace bdctl::tool
