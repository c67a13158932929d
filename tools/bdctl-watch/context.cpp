#include "bdctl/audit.hpp"
#include "watch_verbs.hpp"

namespace bdctl::watch_tool {

Loaded load(const std::optional<std::string>& path) {
  Config cfg = Config::load(path);
  auto w = watch::WatchConfig::from(cfg);
  return {std::move(cfg), std::move(w)};
}

void add_config_option(CLI::App& sub, std::optional<std::string>& path) {
  sub.add_option("-c,--config", path, "Configuration file (default /etc/bdctl/bdctl.toml or $BDCTL_CONFIG)")
      ->type_name("FILE");
}

watch::Clock clock_now() { return {unix_ms_now(), 0, watch::uptime_ms()}; }

}  // namespace bdctl::watch_tool
