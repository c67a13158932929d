// One function per subcommand (one file each); main.cpp only wires CLI11 to them.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bdctl/relay_ops.hpp"
#include "cli.hpp"

namespace bdctl::relay_tool {

// What every verb gets: the loaded config and a controller whose unfinished
// pulses have already been recovered (every invocation does that first).
struct Context {
  relay::RelayConfig config;
  relay::Controller* controller = nullptr;
  std::vector<relay::ActionResult> recovered;
};

cli::Outcome list_relays(const Context& ctx);
cli::Outcome show_status(Context& ctx, const std::vector<std::string>& names);
cli::Outcome switch_relay(Context& ctx, const std::string& name, bool on);
cli::Outcome pulse_relay(Context& ctx, const std::string& name, const std::optional<std::string>& length);
cli::Outcome recover_pulses(Context& ctx);

}  // namespace bdctl::relay_tool
