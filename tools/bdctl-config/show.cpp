// bdctl-config show: the site as every tool resolves it, with sources.
#include "bdctl/config.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/site.hpp"
#include "config_verbs.hpp"
#include "render.hpp"

namespace bdctl::config_tool {

namespace {
struct ShowArgs {
  std::optional<std::string> config, zt_home, zt_token_file;
  std::optional<int> zt_port;
};

// Complete: both interfaces known and nothing contradicting them.
bool complete(const site::Site& s) { return s.zt_if && s.lan_if && s.conflicts.empty(); }
}  // namespace

cli::Runner setup_show(CLI::App& sub) {
  auto a = std::make_shared<ShowArgs>();
  sub.add_option("-c,--config", a->config, "Configuration file (default /etc/bdctl/bdctl.toml or $BDCTL_CONFIG)")
      ->type_name("FILE");
  sub.add_option("--zt-home", a->zt_home, "ZeroTier home directory (default $ZEROTIER_HOME or /var/lib/zerotier-one)")
      ->type_name("DIR");
  sub.add_option("--zt-port", a->zt_port, "ZeroTier local API port (default from <home>/zerotier-one.port, else 9993)")
      ->type_name("PORT");
  sub.add_option("--zt-token-file", a->zt_token_file, "File holding the ZeroTier API token")->type_name("FILE");
  return [a] {
    Config cfg = Config::load(a->config);
    print_warnings(cfg.warnings());
    auto given = site::with_config({}, cfg);
    site::ObserveOptions opt;
    opt.zt.home = a->zt_home;
    opt.zt.port = a->zt_port;
    opt.zt.token_file = a->zt_token_file;
    Rtnl rtnl;
    auto s = site::resolve(given, site::observe(given, opt, rtnl));
    return show_outcome(cfg.path(), s, complete(s));
  };
}

}  // namespace bdctl::config_tool
