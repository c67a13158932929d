// bdctl-watch status: what the daemon recorded of each layer, its budgets and
// what comes next; no probe, so it answers at once.
#include "bdctl/fileio.hpp"
#include "render.hpp"
#include "watch_verbs.hpp"

namespace bdctl::watch_tool {

cli::Runner setup_status(CLI::App& sub) {
  auto path = std::make_shared<std::optional<std::string>>();
  add_config_option(sub, *path);
  return [path] {
    auto l = load(*path);
    bool exists = read_own_file(watch::state_path(), 1 << 20).has_value();
    watch::Ladder ladder(l.watch, watch::load_state());
    return status_outcome(ladder, clock_now(), exists);
  };
}

}  // namespace bdctl::watch_tool
