// forwarding.pending: a safe change waiting for its confirmation is a warning
// (the operator must confirm it or it goes away), one whose safety net failed
// (a rollback left undone, a deadline passed with nothing rolling it back, no
// process armed to do it) is critical: the next drive to the site starts there.
#include <fmt/format.h>

#include "bdctl/audit.hpp"
#include "bdctl/change.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

using nlohmann::ordered_json;

void pending_check(Sink& sink) {
  Timer t;
  auto p = change::load_pending();  // throws (unknown) when it cannot be read
  if (!p) {
    sink.add(make("forwarding.pending", State::ok, "no change is waiting for confirmation", t, {{"pending", nullptr}}));
    return;
  }
  auto now = unix_ms_now();
  bool alive = change::holder_running(p->holder_pid);
  ordered_json d{{"pending",
                  {{"id", p->id},
                   {"command", p->command},
                   {"started", iso8601_ms(p->started_ms)},
                   {"deadline", iso8601_ms(p->deadline_ms)},
                   {"left_ms", std::max<std::int64_t>(0, p->deadline_ms - now)},
                   {"holder_alive", alive},
                   {"rollback_failed", !p->rollback_left.empty()},
                   {"left", p->rollback_left}}}};
  if (!p->rollback_left.empty()) {
    sink.add(make("forwarding.pending", State::critical,
                  fmt::format("the rollback of '{}' is incomplete, still to put back: {}; run 'bdctl rollback'",
                              p->command, fmt::join(p->rollback_left, "; ")),
                  t, d));
  } else if (p->expired(now)) {
    sink.add(make("forwarding.pending", State::critical,
                  fmt::format("'{}' passed its deadline {} and was not rolled back; run 'bdctl rollback' or 'bdctl "
                              "confirm'",
                              p->command, change::clock_text(p->deadline_ms)),
                  t, d));
  } else if (!alive) {
    sink.add(make("forwarding.pending", State::critical,
                  fmt::format("'{}' waits for confirmation, but no process is armed to roll it back at {}; run 'bdctl "
                              "confirm' or 'bdctl rollback'",
                              p->command, change::clock_text(p->deadline_ms)),
                  t, d));
  } else {
    sink.add(make("forwarding.pending", State::warning,
                  fmt::format("'{}' rolls back at {} unless confirmed ({} left): run 'bdctl confirm' to keep it",
                              p->command, change::clock_text(p->deadline_ms), change::left_text(p->deadline_ms - now)),
                  t, d));
  }
}

}  // namespace bdctl::check::detail
