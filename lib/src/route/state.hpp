// What bdctl-route remembers between `up` and `down`: the forwarding values it
// found before it changed them, so `down` restores only what bdctl turned on.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "bdctl/fileio.hpp"
#include "bdctl/route.hpp"

namespace bdctl::route {

struct SavedState {
  std::map<std::string, std::string> prior;  // sysctl key -> value before bdctl set it
  std::optional<Options> applied;            // what the last `up` installed
  std::optional<std::string> on_disk;        // the file as read, so a re-apply need not read it again
};

std::string state_path();
SavedState load_state();
// The state file written to its temporary path, renamed by commit() once the
// kernel holds what it describes; nothing when the file already holds it.
std::optional<StagedFile> stage_state(const SavedState& s);
void remove_state();

}  // namespace bdctl::route
