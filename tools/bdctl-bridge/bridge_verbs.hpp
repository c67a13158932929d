// bdctl-bridge's verbs (tools/common/verbs.hpp) and what they share: the
// options, and the bridge they name, resolved once.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bdctl/bridge.hpp"
#include "verbs.hpp"  // tools/common

namespace bdctl::bridge_tool {

struct Flags {
  std::optional<std::string> config, lan, zt, zt_home;
};
void add_options(CLI::App& sub, Flags& f);

// The bridge a verb works on, each name with where it came from.
struct Target {
  bridge::Names names;
  std::string lan_source, zt_source, network, network_source;
  bridge::Filters filters;
  std::optional<std::string> config_path;
  std::optional<bridge::Recorded> recorded;  // the last up's, if any
  std::optional<zerotier::Network> zt;       // the service's view of the network
  std::string zt_error;                      // why it could not be asked ("" when it was)
};
// What up names: flags, then the record of the last up, then [bridge] and
// [site], then the ZeroTier service (the network's interface) and the site
// model (the LAN). InputError naming what could not be resolved.
Target resolve(const Flags& f);

cli::Runner setup_up(CLI::App& sub);
cli::Runner setup_down(CLI::App& sub);
cli::Runner setup_status(CLI::App& sub);
cli::Runner setup_show(CLI::App& sub);

}  // namespace bdctl::bridge_tool
