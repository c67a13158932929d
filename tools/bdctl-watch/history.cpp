// bdctl-watch history: every action decided, oldest first, with its cause.
#include "render.hpp"
#include "watch_verbs.hpp"

namespace bdctl::watch_tool {

cli::Runner setup_history(CLI::App&) {
  return [] { return history_outcome(watch::load_state()); };
}

}  // namespace bdctl::watch_tool
