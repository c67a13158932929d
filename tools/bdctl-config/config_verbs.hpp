// bdctl-config's verbs: each file adds one subcommand; render.hpp renders its result.
#pragma once
#include "verbs.hpp"

namespace bdctl::config_tool {

cli::Runner setup_check(CLI::App& sub);
cli::Runner setup_show(CLI::App& sub);

}  // namespace bdctl::config_tool
