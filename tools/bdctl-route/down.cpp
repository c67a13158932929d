#include "render.hpp"
#include "route_verbs.hpp"
#include "safe_change.hpp"

namespace bdctl::tool {

namespace {
struct DownFlags {
  std::optional<std::string> config;
  cli::SafetyFlags safety;
};

cli::Outcome apply() { return down_outcome(route::down()); }
}  // namespace

cli::Runner setup_down(CLI::App& sub) {
  auto f = std::make_shared<DownFlags>();
  sub.add_option("--config", f->config, "Configuration file, for [safety] (default /etc/bdctl/bdctl.toml)")
      ->type_name("FILE");
  cli::add_safety_flags(sub, f->safety);
  return [f] { return cli::guarded(f->safety, {"bdctl-route down", f->config, false, apply}); };
}

}  // namespace bdctl::tool
