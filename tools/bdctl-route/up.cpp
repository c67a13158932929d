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

std::string text(const ResolvedRoute& r, const route::UpResult& u) {
  std::string t = fmt::format("{}{} ({}) <-> {} ({}), {}, {}\n", u.dry_run ? "dry run: " : "", r.options.zt_if,
                              r.zt_source, r.options.lan_if, r.lan_source, families_text(r.options),
                              r.options.masquerade ? "masquerading" : "no NAT");
  t += fmt::format("  rules:      {}\n",
                   u.dry_run ? (u.rules_changed ? "would change; the kernel accepts them" : "already in place")
                             : (u.rules_changed ? "installed in table inet bdctl" : "already in place"));
  if (!u.dry_run) {
    if (u.sysctl.empty()) t += "  forwarding: already on\n";
    for (const auto& c : u.sysctl) t += fmt::format("  forwarding: {} {} -> {}\n", c.key, c.before, c.after);
    if (!u.dropin.empty())
      t += fmt::format("  persisted:  {}{}\n", u.dropin, u.persisted_changed ? "" : " (unchanged)");
  }
  for (const auto& rr : u.router_routes)
    t += fmt::format("  site router needs: route {} via {}\n", rr.destination, rr.gateway);
  if (!r.options.masquerade && u.router_routes.empty())
    t += "  site router needs: a route to the ZeroTier subnet via this Pi's LAN address\n";
  for (const auto& w : u.warnings) t += fmt::format("  warning: {}\n", w);
  t += blockers_text(u.blockers);
  return t;
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
  auto u = route::up(r.options, {f.dry_run, !f.no_persist}, rtnl);
  cli::Outcome o;
  o.json = cli::document();
  o.json["command"] = "up";
  o.json["ok"] = u.blockers.empty();
  o.json["dry_run"] = u.dry_run;
  o.json["changed"] = u.changed();
  put_options(o.json, r);
  o.json["rules_changed"] = u.rules_changed;
  o.json["sysctl"] = sysctl_changes(u.sysctl);
  o.json["persisted"] = {{"file", u.dropin}, {"changed", u.persisted_changed}};
  auto rr = nlohmann::ordered_json::array();
  for (const auto& x : u.router_routes) rr.push_back({{"destination", x.destination}, {"gateway", x.gateway}});
  o.json["router_routes"] = rr;
  o.json["warnings"] = u.warnings;
  o.json["blockers"] = blockers_json(u.blockers);
  o.text = text(r, u);
  o.exit_code = u.blockers.empty() ? 0 : 1;
  return o;
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
    for (const auto& w : r.warnings) fmt::print(stderr, "bdctl-route: warning: {}\n", w);
    return cli::guarded(f->safety,
                        {command_of(r.options), f->route.config, f->dry_run, [&] { return apply(*f, r, rtnl); }});
  };
}

}  // namespace bdctl::tool
