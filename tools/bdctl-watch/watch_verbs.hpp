// bdctl-watch's verbs: each file adds one subcommand; render.hpp renders its result.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "bdctl/config.hpp"
#include "bdctl/watch.hpp"
#include "verbs.hpp"

namespace bdctl::watch_tool {

// The lock around each read-modify-write of the state file (a round, a
// reset), and the audit log of decisions, actions and resets.
inline constexpr const char* kWatchLock = "watch.lock";
inline constexpr const char* kWatchAudit = "watch-audit.log";

// The config file and its [watch], read and validated the same way for every verb.
struct Loaded {
  Config config;
  watch::WatchConfig watch;
};
Loaded load(const std::optional<std::string>& path);
void add_config_option(CLI::App& sub, std::optional<std::string>& path);

// The clock of one round: wall, no elapsed time (a plan adds none), uptime.
watch::Clock clock_now();

cli::Runner setup_run(CLI::App& sub);
cli::Runner setup_plan(CLI::App& sub);
cli::Runner setup_status(CLI::App& sub);
cli::Runner setup_history(CLI::App& sub);
cli::Runner setup_reset(CLI::App& sub);
cli::Runner setup_hwdog(CLI::App& sub);

}  // namespace bdctl::watch_tool
