// Safe changes (bdctl/change.hpp) on the tool side: the --confirm, --no-confirm
// and --verify options every change verb takes, the guard that records,
// applies, arms and verifies, and the holder process that outlives the
// session and rolls back at the deadline.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bdctl/change.hpp"
#include "cli.hpp"

namespace bdctl::cli {

struct SafetyFlags {
  CLI::Option* confirm_opt = nullptr;
  std::string confirm;  // "" with a bare --confirm: the default window
  bool no_confirm = false;
  std::vector<std::string> verify;
};
void add_safety_flags(CLI::App& sub, SafetyFlags& f);

struct Change {
  std::string command;                     // what a re-run with --confirm extends ("bdctl-route up eth0 ...")
  std::optional<std::string> config_path;  // --config, for [safety] confirm
  bool dry_run = false;                    // changes nothing: no record, no window
  std::function<Outcome()> apply;          // the verb's own work and document
  // A change that can cut the path (a bridge moving the Pi's addresses): its
  // interfaces' layout is recorded too, and --confirm is on unless --no-confirm.
  std::optional<bridge::Names> layout = std::nullopt;
};

// Refuses while another change is pending (exit 1, naming it), rolls back one
// whose deadline passed and whose holder did not, extends the same change run
// again with --confirm; otherwise records, applies, arms and verifies. The
// verb's document gains "pending" (null when the change is final) and "verify".
Outcome guarded(const SafetyFlags& f, const Change& c);

// The process that waits for a change's deadline: a transient systemd unit
// (bdctl-rollback-ID.service, outside every login session) where systemd
// runs, else a process of bdctl's own in its own session. Neither SIGHUP,
// the session's end nor this process's death reaches it.
struct Holder {
  int pid = 0;
  std::string unit;  // "" for bdctl's own process
};
Holder arm_holder(const std::string& id);
// Stops p's holder, if it is still the one armed (its name is checked).
void stop_holder(const change::Pending& p);
// The holder's work (bdctl-rollback --hold ID): sleep to the deadline, then
// roll back unless the change was confirmed, extended or rolled back. Its exit code.
int hold_change(const std::string& id);

}  // namespace bdctl::cli
