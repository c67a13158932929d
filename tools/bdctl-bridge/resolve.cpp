// Which bridge, which ports, which network: resolved once for every verb.
#include <fmt/format.h>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/route.hpp"
#include "bdctl/site.hpp"
#include "bridge_verbs.hpp"

namespace bdctl::bridge_tool {

void add_options(CLI::App& sub, Flags& f) {
  sub.add_option("-c,--config", f.config, "Configuration file (default /etc/bdctl/bdctl.toml or $BDCTL_CONFIG)")
      ->type_name("FILE");
  sub.add_option("--lan", f.lan, "The LAN port (default: the last up's, else the site's, as bdctl-route finds it)")
      ->type_name("IF");
  sub.add_option("--zt", f.zt, "The ZeroTier port (default: the last up's, else the bridged network's interface)")
      ->type_name("IF");
  sub.add_option("--zt-home", f.zt_home, "ZeroTier home directory (default $ZEROTIER_HOME or /var/lib/zerotier-one)")
      ->type_name("DIR");
}

namespace {

// The network's view from the service; its error kept, never thrown: up
// explains an unknown as a precondition.
void ask_zerotier(Target& t, const Flags& f) {
  try {
    zerotier::ClientOptions o;
    o.home = f.zt_home;
    zerotier::Client client(o);
    if (t.network.empty()) {
      auto nets = client.networks();
      if (nets.size() != 1)
        throw InputError(
            fmt::format("which ZeroTier network to bridge? {} joined: set [bridge] zerotier_network", nets.size()));
      t.network = nets[0].id;
      t.network_source = "the only joined network";
    }
    t.zt = client.network(t.network);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    t.zt_error = e.what();
  }
}

}  // namespace

Target resolve(const Flags& f) {
  Config cfg = Config::load(f.config);
  auto s = bridge::settings_from(cfg);
  Target t;
  t.config_path = f.config;
  t.recorded = bridge::recorded();
  const auto& rec = t.recorded;
  t.names.bridge = rec ? rec->names.bridge : s.name;
  if (s.network) {
    t.network = *s.network;
    t.network_source = "config " + s.network_source;
  } else if (rec && !rec->network.empty()) {
    t.network = rec->network;
    t.network_source = "last up";
  } else if (auto v = site::with_config({}, cfg).network) {
    t.network = v->value;
    t.network_source = v->source;
  }
  ask_zerotier(t, f);
  if (f.zt) {
    t.names.zt = *f.zt;
    t.zt_source = "--zt";
  } else if (rec) {
    t.names.zt = rec->names.zt;
    t.zt_source = "last up";
  } else if (t.zt && !t.zt->port_device_name.empty()) {
    t.names.zt = t.zt->port_device_name;
    t.zt_source = "zerotier api";
  } else {
    throw InputError(fmt::format("which ZeroTier interface to bridge? {}: name it with --zt",
                                 t.zt_error.empty() ? "the service names none" : t.zt_error));
  }
  if (f.lan) {
    t.names.lan = *f.lan;
    t.lan_source = "--lan";
  } else if (rec) {
    t.names.lan = rec->names.lan;
    t.lan_source = "last up";
  } else {
    site::Given given;
    given.zt_if = site::Sourced<std::string>{t.names.zt, t.zt_source};
    given = site::with_config(given, cfg);
    site::ObserveOptions oo;
    oo.ask_zerotier = false;
    Rtnl rtnl;
    auto observed = site::observe(given, oo, rtnl);
    auto d = route::interfaces(given, observed, site::resolve(given, observed), false);
    t.names.lan = d.lan_if;
    t.lan_source = d.lan_source;
  }
  if (t.names.lan == t.names.zt || t.names.lan == t.names.bridge)
    throw InputError(fmt::format("--lan {}: the LAN port cannot be the {}", t.names.lan,
                                 t.names.lan == t.names.zt ? "ZeroTier port too" : "bridge itself"));
  t.filters = {t.names.lan, s.broadcast_limit, s.mss};
  return t;
}

}  // namespace bdctl::bridge_tool
