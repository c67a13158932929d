// bdctl-bridge status: the bridge against what the last up made.
#include "bdctl/rtnl.hpp"
#include "bridge_verbs.hpp"
#include "render.hpp"

namespace bdctl::bridge_tool {

cli::Runner setup_status(CLI::App&) {
  return [] {
    auto rec = bridge::recorded();
    if (!rec) return status_outcome(rec, nullptr);
    Rtnl rtnl;
    auto s = bridge::status(rtnl, *rec);
    return status_outcome(rec, &s);
  };
}

}  // namespace bdctl::bridge_tool
