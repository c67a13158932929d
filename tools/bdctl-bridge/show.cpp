// bdctl-bridge show: what up would do, from what the kernel holds now.
#include "bdctl/rtnl.hpp"
#include "bridge_verbs.hpp"
#include "render.hpp"

namespace bdctl::bridge_tool {

cli::Runner setup_show(CLI::App& sub) {
  auto f = std::make_shared<Flags>();
  add_options(sub, *f);
  return [f] {
    auto t = resolve(*f);
    Rtnl rtnl;
    auto now = bridge::observe(rtnl, t.names);
    return show_outcome(t, bridge::differences(now, bridge::bridged_from(bridge::routed_of(now))));
  };
}

}  // namespace bdctl::bridge_tool
