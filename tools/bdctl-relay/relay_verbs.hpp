// The verbs of bdctl-relay, one file each: setup_X adds a verb's options and
// returns what runs it; context.cpp builds what they all need.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bdctl/relay_ops.hpp"
#include "cli.hpp"
#include "verbs.hpp"

namespace bdctl::relay_tool {

// The options before the verb, shared by every verb.
struct Globals {
  std::optional<std::string> config;
  std::string wait = "30s";
  std::vector<std::string> argv;  // for the audit trail
};
Globals& globals();
void add_globals(CLI::App& app);

// What every verb gets: the loaded config and a controller whose unfinished
// pulses have already been recovered (every invocation does that first).
struct Context {
  relay::RelayConfig config;
  relay::Controller* controller = nullptr;
  std::vector<relay::ActionResult> recovered;
};

// Loads the config, lets `validate` refuse bad input before anything
// (recovery included) touches a device, recovers, then runs `act`.
cli::Outcome with_context(const std::function<void(const relay::RelayConfig&)>& validate,
                          const std::function<cli::Outcome(Context&)>& act);

cli::Runner setup_list(CLI::App& sub);
cli::Runner setup_status(CLI::App& sub);
cli::Runner setup_on(CLI::App& sub);
cli::Runner setup_off(CLI::App& sub);
cli::Runner setup_pulse(CLI::App& sub);
cli::Runner setup_recover(CLI::App& sub);

}  // namespace bdctl::relay_tool
