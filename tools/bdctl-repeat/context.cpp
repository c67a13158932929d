#include "bdctl/config.hpp"
#include "bdctl/route.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/site.hpp"
#include "repeat_verbs.hpp"

namespace bdctl::repeat_tool {

void add_options(CLI::App& sub, Flags& f) {
  sub.add_option("-c,--config", f.config, "Configuration file (default /etc/bdctl/bdctl.toml or $BDCTL_CONFIG)")
      ->type_name("FILE");
  sub.add_option("--lan", f.lan, "The LAN interface (default: the site's, as bdctl-route finds it)")->type_name("IF");
  sub.add_option("--zt", f.zt, "The ZeroTier interface (default: the site's network's)")->type_name("IF");
  sub.add_option("--zt-home", f.zt_home, "ZeroTier home directory (default $ZEROTIER_HOME or /var/lib/zerotier-one)")
      ->type_name("DIR");
}

Setup load(const Flags& f) {
  Config cfg = Config::load(f.config);
  Setup s;
  s.config_path = cfg.path();
  s.rules = repeat::rules_from(cfg);
  site::Given flags;
  if (f.zt) flags.zt_if = site::Sourced<std::string>{*f.zt, "--zt"};
  if (f.lan) flags.lan_if = site::Sourced<std::string>{*f.lan, "--lan"};
  auto given = site::with_config(flags, cfg);
  site::ObserveOptions oo;
  oo.ask_zerotier = !(given.zt_if && given.lan_if);
  oo.zt.home = f.zt_home;
  Rtnl rtnl;
  auto observed = site::observe(given, oo, rtnl);
  // As the boot unit: a named interface may not exist yet (ZeroTier still starting).
  auto d = route::interfaces(given, observed, site::resolve(given, observed), true);
  s.lan_if = d.lan_if;
  s.lan_source = d.lan_source;
  s.zt_if = d.zt_if;
  s.zt_source = d.zt_source;
  return s;
}

}  // namespace bdctl::repeat_tool
