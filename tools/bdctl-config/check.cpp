// bdctl-config check: every reading of the file the tools do, without acting.
#include "bdctl/check.hpp"
#include "bdctl/config.hpp"
#include "bdctl/mss.hpp"
#include "bdctl/relay_config.hpp"
#include "bdctl/route.hpp"
#include "bdctl/site.hpp"
#include "bdctl/watch.hpp"
#include "config_verbs.hpp"
#include "render.hpp"

namespace bdctl::config_tool {

namespace {
Checked validate(const std::optional<std::string>& path) {
  Checked c;
  Config cfg = Config::load(path);  // syntax and unknown keys
  c.file = cfg.path();
  c.exists = cfg.exists();
  c.warnings = cfg.warnings();
  // Each tool's own reading: a value of the wrong type or out of range is
  // the error the tool itself would give.
  (void)site::with_config({}, cfg);
  (void)route::file_settings(cfg);
  c.mss = mss::options_from_config(cfg).has_value();
  check::Settings s;
  check::apply_config(cfg, s);
  c.targets = s.targets.size();
  auto relays = relay::RelayConfig::from(cfg);
  c.boards = relays.boards.size();
  c.relays = relays.relays.size();
  (void)watch::WatchConfig::from(cfg);  // [watch], its relays and targets
  return c;
}
}  // namespace

cli::Runner setup_check(CLI::App& sub) {
  auto path = std::make_shared<std::optional<std::string>>();
  sub.add_option("-c,--config", *path, "Configuration file (default /etc/bdctl/bdctl.toml or $BDCTL_CONFIG)")
      ->type_name("FILE");
  return [path] {
    auto c = validate(*path);
    print_warnings(c.warnings);
    return check_outcome(c);
  };
}

}  // namespace bdctl::config_tool
