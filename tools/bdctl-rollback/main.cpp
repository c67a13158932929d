// bdctl-rollback: undo the pending change now; at boot (--boot), before the
// boot unit applies anything.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "bdctl/error.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/printable.hpp"
#include "change_render.hpp"
#include "safe_change.hpp"
#include "verbs.hpp"

using namespace bdctl;

namespace {
// When this boot began (unix ms, /proc/stat btime); 0 when unknown.
std::int64_t boot_time_ms() {
  std::ifstream f("/proc/stat");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("btime ", 0) == 0) return std::stoll(line.substr(6)) * 1000;
  return 0;
}

// --hold ID: the holder unit's work, then one document for the journal.
cli::Outcome hold_until_end(const std::string& id) {
  // Not a change id: nothing to wait for (ids are made by new_id, [0-9A-Z-]).
  if (id.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-") != std::string::npos)
    throw InputError(fmt::format("--hold: '{}' is not a change id", printable(id)));
  return cli::held_to_end(id, cli::hold_change(id));
}

cli::Outcome roll_back_now(bool boot) {
  FileLock lock(change::kChangeLock, std::chrono::seconds(30));
  AuditLog audit(change::kAuditFile, "bdctl", {"bdctl-rollback"});
  auto p = change::load_pending();
  if (!p) return cli::nothing_to_roll_back();
  // The boot unit also runs whenever zerotier-one recreates its
  // interface: a change made since this boot is its holder's to end.
  if (boot && p->rollback_left.empty() && p->started_ms >= boot_time_ms()) return cli::left_to_deadline(*p);
  std::string cause = boot ? "boot" : p->rollback_left.empty() ? "operator" : "operator (retry)";
  auto r = change::roll_back(*p, cause, audit);
  cli::stop_holder(*p);
  return cli::rolled_back(p->command, cause, r, change::load_pending());
}
}  // namespace

int main(int argc, char** argv) {
  static const cli::Tool tool{"bdctl-rollback",
                              "Undo the pending change now: bdctl's table inet bdctl, the forwarding sysctls,\n"
                              "its state files and drop-in come back exactly as they were before it. Also retries\n"
                              "a rollback that did not complete. Nothing pending is not an error.",
                              "Examples:\n"
                              "  bdctl rollback\n"
                              "  bdctl-rollback --boot     (bdctl-apply.service, before it applies anything)\n"
                              "  bdctl-rollback --hold ID  (the transient unit a change with --confirm arms)\n"
                              "Exit status: 0 rolled back or nothing pending, 1 the rollback did not complete\n"
                              "(what is left is named). See bdctl-rollback(8), bdctl(7)."};
  auto boot = std::make_shared<bool>(false);
  auto hold = std::make_shared<std::string>();
  return cli::run_command(
      tool,
      [boot, hold](CLI::App& app) -> cli::Runner {
        auto* b = app.add_flag("--boot", *boot,
                               "At boot: roll back a change made before this boot (its session is gone); leave one "
                               "made since");
        app.add_option("--hold", *hold,
                       "Wait for change ID's deadline, then roll it back unless it was confirmed (what the holder "
                       "unit runs)")
            ->type_name("ID")
            ->excludes(b);
        return [boot, hold] { return hold->empty() ? roll_back_now(*boot) : hold_until_end(*hold); };
      },
      argc, argv);
}
