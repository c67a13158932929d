// Every bridge verb's document and text, side by side, so that each key
// means the same in all of them and the verbs do no formatting.
#pragma once
#include "bdctl/bridge.hpp"
#include "bridge_verbs.hpp"
#include "cli.hpp"

namespace bdctl::bridge_tool {

// Up refused before it changed anything: exit 1, each failed precondition with its fix.
cli::Outcome refused_outcome(const Target& t, const std::vector<bridge::Precondition>& p);
// up --if-bridged with no bridge on record: exit 0, nothing changed.
cli::Outcome not_recorded_outcome();
cli::Outcome up_outcome(const Target& t, const std::vector<bridge::Precondition>& p, const bridge::UpResult& u);
cli::Outcome down_outcome(const bridge::DownResult& d);
cli::Outcome status_outcome(const std::optional<bridge::Recorded>& r, const bridge::Status* s);
cli::Outcome show_outcome(const Target& t, const std::vector<std::string>& plan);

}  // namespace bdctl::bridge_tool
