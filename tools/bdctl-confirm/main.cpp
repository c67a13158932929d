// bdctl-confirm: keep the pending change; its rollback is disarmed.
#include <fmt/format.h>

#include <chrono>

#include "bdctl/error.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/printable.hpp"
#include "change_steps.hpp"
#include "safe_change.hpp"
#include "verbs.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  static const cli::Tool tool{"bdctl-confirm",
                              "Keep the change that would otherwise roll itself back (made with --confirm, or\n"
                              "under [safety] confirm): its holder is stopped and the change is final.\n"
                              "Run it over the path the change affects: reaching the Pi is the proof.",
                              "Examples:\n"
                              "  bdctl-route up --lan eth0 --confirm=5m && bdctl confirm\n"
                              "Exit status: 0 confirmed, 1 nothing pending, too late (rolled back) or a failed\n"
                              "rollback. See bdctl-confirm(8), bdctl(7)."};
  return cli::run_command(
      tool,
      [](CLI::App&) -> cli::Runner {
        return [] {
          FileLock lock(change::kChangeLock, change::kChangeLockWait);
          AuditLog audit(change::kAuditFile, "bdctl", {"bdctl-confirm"});
          auto st = cli::current_change(audit, "bdctl-confirm");
          if (st.late)
            throw SystemError(fmt::format("too late: the deadline of '{}' passed and it was rolled back{}",
                                          printable(st.late_command), st.late->complete() ? "" : " (INCOMPLETE)"));
          if (!st.pending) throw SystemError("nothing pending to confirm");
          if (!st.pending->rollback_left.empty())
            throw SystemError(fmt::format("the rollback of '{}' did not complete; run 'bdctl rollback' to retry",
                                          printable(st.pending->command)));
          auto p = *st.pending;
          change::clear_pending();
          audit.log(change::step("confirm", p));
          cli::stop_holder(p.holder_pid);
          auto o = cli::change_document("confirm", std::nullopt);
          o.json["confirmed"] = cli::pending_json(p, unix_ms_now());
          o.text = fmt::format("confirmed: '{}' is final\n", printable(p.command));
          return o;
        };
      },
      argc, argv);
}
