// bdctl-bridge down: the routed layout back, as a guarded change.
#include "bdctl/rtnl.hpp"
#include "bridge_verbs.hpp"
#include "render.hpp"
#include "safe_change.hpp"

namespace bdctl::bridge_tool {

namespace {
struct DownFlags {
  std::optional<std::string> config;
  cli::SafetyFlags safety;
};
}  // namespace

cli::Runner setup_down(CLI::App& sub) {
  auto f = std::make_shared<DownFlags>();
  sub.add_option("-c,--config", f->config, "Configuration file, for [safety] (default /etc/bdctl/bdctl.toml)")
      ->type_name("FILE");
  cli::add_safety_flags(sub, f->safety);
  return [f] {
    cli::Change c{"bdctl-bridge down", f->config, false, [] {
                    Rtnl rtnl;
                    return down_outcome(bridge::down(rtnl));
                  }};
    if (auto rec = bridge::recorded()) c.layout = rec->names;
    return cli::guarded(f->safety, c);
  };
}

}  // namespace bdctl::bridge_tool
