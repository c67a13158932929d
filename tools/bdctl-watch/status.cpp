// bdctl-watch status: what the daemon recorded of each layer, its budgets and
// what comes next; no probe, so it answers at once.
#include "render.hpp"
#include "watch_verbs.hpp"

namespace bdctl::watch_tool {

cli::Runner setup_status(CLI::App& sub) {
  auto path = std::make_shared<std::optional<std::string>>();
  add_config_option(sub, *path);
  return [path] {
    auto l = load(*path);
    auto recorded = watch::read_state();  // one read: nothing recorded is not ok
    bool exists = recorded.has_value();
    watch::Ladder ladder(l.watch, std::move(recorded).value_or(watch::State{}));
    return status_outcome(ladder, clock_now(), exists, watch::daemon_running());
  };
}

}  // namespace bdctl::watch_tool
