// bdctl-watch reset: the budgets count only actions after now (an operator
// who fixed the site by hand gives the ladder its full budget back). Audited.
#include "bdctl/audit.hpp"
#include "bdctl/lock.hpp"
#include "render.hpp"
#include "watch_verbs.hpp"

namespace bdctl::watch_tool {

cli::Runner setup_reset(CLI::App& sub) {
  auto path = std::make_shared<std::optional<std::string>>();
  add_config_option(sub, *path);
  return [path] {
    auto l = load(*path);
    FileLock lock(kWatchLock, std::chrono::milliseconds(10000));
    AuditLog audit(kWatchAudit, "bdctl-watch", {"bdctl-watch", "reset"});
    watch::Ladder ladder(l.watch, watch::load_state());
    auto now = unix_ms_now();
    int cleared = 0;
    for (const auto& b : ladder.budgets(now)) cleared += b.used;
    ladder.state().reset_ms = now;
    audit.log({{"event", "reset"}, {"cleared", cleared}});
    watch::save_state(ladder.state());
    return reset_outcome(now, cleared);
  };
}

}  // namespace bdctl::watch_tool
