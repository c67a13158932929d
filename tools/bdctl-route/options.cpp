#include "options.hpp"

#include <fmt/format.h>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/ipaddr.hpp"
#include "bdctl/rtnl.hpp"
#include "zt_lookup.hpp"

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
  cli::add_output_flags(cmd, f.out);
}

ResolvedRoute resolve(const RouteFlags& f, bool prefer_applied, Rtnl& rtnl) {
  Config cfg = Config::load(f.config);
  auto pick = [&](const std::optional<std::string>& flag, const char* key) {
    return flag ? flag : cfg.get_string(key);
  };
  auto zt = pick(f.zt, "site.zerotier_interface");
  auto lan = pick(f.lan, "site.lan_interface");
  auto subnet_text = pick(f.lan_subnet, "site.subnet");
  auto family = pick(f.family, "route.family").value_or("both");
  if (family != "ipv4" && family != "ipv6" && family != "both")
    throw InputError(fmt::format("{}: family '{}' is not ipv4, ipv6 or both", cfg.where("route.family"), family));

  ResolvedRoute r;
  r.warnings = cfg.warnings();
  const bool file_masquerade = cfg.get_bool("route.masquerade").value_or(true);
  const bool file_lan_initiated = cfg.get_bool("route.allow_lan_initiated").value_or(false);
  const std::string file_family = cfg.get_string("route.family").value_or("both");
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

  // status/show without interface flags describe what up installed.
  if (prefer_applied && !zt && !lan && !subnet_text) {
    if (auto applied = route::applied_options()) {
      r.options = *applied;
      r.zt_source = r.lan_source = "last up";
      return r;
    }
  }

  route::DiscoverInput in;
  in.zt_if = zt;
  in.lan_if = lan;
  if (subnet_text) in.lan_subnet = parse_prefix(*subnet_text);
  in.allow_missing = f.allow_missing;
  if (!zt) {
    ZtLookup lookup{f.zt_home, f.zt_port, f.zt_token_file, pick(f.network, "site.zerotier_network")};
    in.zerotier_device = [lookup] { return zerotier_device(lookup); };
  }
  auto d = route::discover(in, rtnl);
  r.options.zt_if = d.zt_if;
  r.options.lan_if = d.lan_if;
  r.zt_source = zt && !f.zt ? "config site.zerotier_interface" : d.zt_source;
  r.lan_source = lan && !f.lan ? "config site.lan_interface" : d.lan_source;
  return r;
}

}  // namespace bdctl::tool
