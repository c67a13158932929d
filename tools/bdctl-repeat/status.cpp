// bdctl-repeat status: the counters the running daemon keeps, read from its
// status file; whether it runs is read from its lock, not assumed.
#include "bdctl/lock.hpp"
#include "render.hpp"
#include "repeat_verbs.hpp"

namespace bdctl::repeat_tool {

cli::Runner setup_status(CLI::App& /*sub*/) {
  return [] {
    bool running = lock_held(repeat::kRunLock);
    return status_outcome(repeat::read_status(), running);
  };
}

}  // namespace bdctl::repeat_tool
