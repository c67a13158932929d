// bdctl-pending: the change waiting for 'bdctl confirm', who started it, and
// when it rolls back. One whose deadline passed is rolled back now.
#include <chrono>

#include "bdctl/lock.hpp"
#include "change_render.hpp"
#include "verbs.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  static const cli::Tool tool{"bdctl-pending",
                              "Show the change that rolls itself back unless confirmed: what it was, who started\n"
                              "it (uid, SUDO_USER, SSH_CLIENT), when, and its deadline. A change whose deadline\n"
                              "passed without its rollback (the holder was killed) is rolled back now.",
                              "Examples:\n"
                              "  bdctl pending\n"
                              "  bdctl pending --json | jq .pending.deadline\n"
                              "Exit status: 0 (pending or not), 1 a rollback did not complete or the record\n"
                              "cannot be read. See bdctl-pending(8), bdctl(7)."};
  return cli::run_command(
      tool,
      [](CLI::App&) -> cli::Runner {
        return [] {
          FileLock lock(change::kChangeLock, change::kChangeLockWait);
          AuditLog audit(change::kAuditFile, "bdctl", {"bdctl-pending"});
          auto st = cli::current_change(audit, "bdctl-pending");
          return cli::pending_outcome(st);
        };
      },
      argc, argv);
}
