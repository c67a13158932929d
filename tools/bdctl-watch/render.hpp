// bdctl-watch's documents and text, side by side: the verbs do no formatting.
#pragma once
#include <string>
#include <vector>

#include "bdctl/hwdog.hpp"
#include "bdctl/systemd.hpp"
#include "bdctl/watch.hpp"
#include "cli.hpp"

namespace bdctl::watch_tool {

// What the state file says of each layer, and what comes next (exit 1 when
// a layer is down or not observed yet, or no daemon keeps the record current).
cli::Outcome status_outcome(const watch::Ladder& l, const watch::Clock& t, bool state_exists, bool running);
// One probe round now: what was seen, what the daemon would do, and why.
cli::Outcome plan_outcome(const watch::Observation& o, const std::vector<watch::Action>& would,
                          const watch::Ladder& after, const watch::Clock& t);
cli::Outcome history_outcome(const watch::State& s);
cli::Outcome reset_outcome(std::int64_t at_ms, int cleared);
// What hwdog saw (and, for enable/disable, changed), judged.
struct HwdogReport {
  std::string action = "show";
  std::vector<hwdog::Device> devices;
  std::optional<hwdog::Device> device;  // the one judged: systemd's, or --device
  std::optional<systemd::ManagerWatchdog> manager;
  std::string manager_error;  // why the manager could not be asked
  hwdog::DropIn dropin;
  bool changed = false;
  std::vector<std::string> problems;  // empty: the hardware watchdog is seen to work
};
cli::Outcome hwdog_outcome(const HwdogReport& r);
// The daemon stopped (a signal): how many rounds, and the last action.
cli::Outcome run_outcome(int rounds, const watch::State& s);

}  // namespace bdctl::watch_tool
