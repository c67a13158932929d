// bdctl-watch's documents and text, side by side: the verbs do no formatting.
#pragma once
#include <string>
#include <vector>

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
// The daemon stopped (a signal): how many rounds, and the last action.
cli::Outcome run_outcome(int rounds, const watch::State& s);

}  // namespace bdctl::watch_tool
