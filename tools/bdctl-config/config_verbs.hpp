// bdctl-config's verbs: each file adds one subcommand and renders one result model.
#pragma once
#include "verbs.hpp"

namespace bdctl::config_tool {

cli::Runner setup_check(CLI::App& sub);
cli::Runner setup_show(CLI::App& sub);

}  // namespace bdctl::config_tool
