// bdctl-route's verbs (tools/common/verbs.hpp): each file adds one
// subcommand's options and returns what runs it.
#pragma once
#include "verbs.hpp"  // tools/common

namespace bdctl::tool {

cli::Runner setup_up(CLI::App& sub);
cli::Runner setup_down(CLI::App& sub);
cli::Runner setup_status(CLI::App& sub);
cli::Runner setup_show(CLI::App& sub);

}  // namespace bdctl::tool
