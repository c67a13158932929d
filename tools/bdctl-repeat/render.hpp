// bdctl-repeat's documents and text, side by side: the verbs do no formatting.
#pragma once
#include <optional>
#include <string>

#include "bdctl/repeater.hpp"
#include "cli.hpp"
#include "repeat_verbs.hpp"

namespace bdctl::repeat_tool {

// ok when a run is seen to hold its lock and both sides listen.
cli::Outcome status_outcome(const std::optional<repeat::Status>& st, bool running);
cli::Outcome show_outcome(const Setup& s);
// The daemon stopped (a signal): its last counters.
cli::Outcome run_outcome(const repeat::Status& st, const std::string& signal);

}  // namespace bdctl::repeat_tool
