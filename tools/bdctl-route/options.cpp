#include "options.hpp"

#include <fmt/format.h>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/ipaddr.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/site.hpp"
#include "bdctl/zerotier.hpp"

namespace bdctl::tool {

void add_route_flags(CLI::App& cmd, RouteFlags& f) {
  cmd.add_option("--zt", f.zt, "ZeroTier interface (name, or a prefix wildcard such as zt*)")->type_name("IFACE");
  cmd.add_option("--lan", f.lan, "Site LAN interface")->type_name("IFACE");
  cmd.add_option("--lan-subnet", f.lan_subnet, "Find the LAN interface as the one routing this subnet")
      ->type_name("CIDR");
  cmd.add_option("--network", f.network, "ZeroTier network whose interface to use (16 hex digits)")->type_name("NWID");
  cmd.add_option("--zt-home", f.zt_home, "ZeroTier home directory (default $ZEROTIER_HOME or /var/lib/zerotier-one)")
      ->type_name("DIR");
  cmd.add_option("--zt-port", f.zt_port, "ZeroTier local API port (default from <home>/zerotier-one.port, else 9993)")
      ->type_name("PORT");
  cmd.add_option("--zt-token-file", f.zt_token_file, "File holding the ZeroTier API token")->type_name("FILE");
  cmd.add_option("--family", f.family, "Address families to route: ipv4, ipv6 or both (default both)")
      ->type_name("FAMILY")
      ->check(CLI::IsMember({"ipv4", "ipv6", "both"}));
  cmd.add_flag("--no-masquerade", f.no_masquerade,
               "Do not NAT; the site router needs a route back to the ZeroTier subnet (printed)");
  cmd.add_flag("--allow-lan-initiated", f.allow_lan_initiated,
               "Let LAN hosts open new connections to the ZeroTier side (refused by default)");
  cmd.add_flag("--allow-missing", f.allow_missing, "Accept interfaces that do not exist yet (boot units)");
  cmd.add_option("--config", f.config, "Configuration file (default /etc/bdctl/bdctl.toml)")->type_name("FILE");
}

namespace {
site::Given given_flags(const RouteFlags& f) {
  site::Given g;
  if (f.zt) g.zt_if = site::Sourced<std::string>{*f.zt, "--zt"};
  if (f.lan) g.lan_if = site::Sourced<std::string>{*f.lan, "--lan"};
  if (f.lan_subnet) g.lan_subnet = site::Sourced<Prefix>{parse_prefix(*f.lan_subnet), "--lan-subnet"};
  if (f.network) g.network = site::Sourced<std::string>{zerotier::validate_network_id(*f.network), "--network"};
  return g;
}
}  // namespace

ResolvedRoute resolve(const RouteFlags& f, bool prefer_applied, Rtnl& rtnl) {
  Config cfg = Config::load(f.config);
  const auto file = route::file_settings(cfg);
  const auto family = f.family.value_or(file.family);
  const bool file_masquerade = file.masquerade;
  const bool file_lan_initiated = file.allow_lan_initiated;
  const std::string& file_family = file.family;

  ResolvedRoute r;
  r.warnings = cfg.warnings();
  r.options.masquerade = !f.no_masquerade && file_masquerade;
  r.options.allow_lan_initiated = f.allow_lan_initiated || file_lan_initiated;
  r.options.ipv4 = family != "ipv6";
  r.options.ipv6 = family != "ipv4";
  // The boot unit runs `up` with the file alone: a flag that says otherwise
  // holds until the next boot or new ZeroTier interface, unless the file says it too.
  if (cfg.exists() && (r.options.masquerade != file_masquerade || r.options.allow_lan_initiated != file_lan_initiated ||
                       family != file_family)) {
    std::string lines = "[route]\n";
    lines += fmt::format("family = \"{}\"\n", family);
    lines += fmt::format("masquerade = {}\n", r.options.masquerade);
    lines += fmt::format("allow_lan_initiated = {}\n", r.options.allow_lan_initiated);
    r.warnings.push_back(fmt::format(
        "these options differ from {}; boot applies the file. To keep them, put there:\n{}", cfg.path(), lines));
  }

  auto given = site::with_config(given_flags(f), cfg);
  const bool named = given.zt_if || given.lan_if || given.lan_subnet;
  site::ObserveOptions oo;
  oo.zt.home = f.zt_home;
  oo.zt.port = f.zt_port;
  oo.zt.token_file = f.zt_token_file;
  // The service is asked whenever it can tell something: an interface, the
  // LAN behind its managed routes, or (status) whether the record is stale.
  oo.ask_zerotier = prefer_applied || !given.zt_if || !(given.lan_if || given.lan_subnet);
  auto observed = site::observe(given, oo, rtnl);
  r.site = site::resolve(given, observed);

  // status/show without interface flags describe what up installed.
  if (prefer_applied && !named) {
    if (auto applied = route::applied_options()) {
      r.options = *applied;
      r.zt_source = r.lan_source = "last up";
      return r;
    }
  }
  auto d = route::interfaces(given, observed, r.site, f.allow_missing);
  r.options.zt_if = d.zt_if;
  r.options.lan_if = d.lan_if;
  r.zt_source = d.zt_source;
  r.lan_source = d.lan_source;
  return r;
}

}  // namespace bdctl::tool
