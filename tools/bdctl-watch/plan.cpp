// bdctl-watch plan: one probe round now, and what the daemon would do with
// it given its recorded timers and budgets; nothing is changed or saved.
#include "render.hpp"
#include "watch_verbs.hpp"

namespace bdctl::watch_tool {

cli::Runner setup_plan(CLI::App& sub) {
  auto path = std::make_shared<std::optional<std::string>>();
  add_config_option(sub, *path);
  return [path] {
    auto l = load(*path);
    watch::Ladder ladder(l.watch, watch::load_state());
    auto t = clock_now();
    auto o = watch::probe(l.watch, l.config);
    auto would = ladder.step(o, t);  // on a copy of the state: never saved
    return plan_outcome(o, would, ladder, t);
  };
}

}  // namespace bdctl::watch_tool
