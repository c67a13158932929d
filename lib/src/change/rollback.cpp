// Rolling a pending change back, and the audit lines of every step.
#include <fmt/format.h>

#include "bdctl/audit.hpp"
#include "bdctl/change.hpp"

namespace bdctl::change {

nlohmann::ordered_json step(const std::string& event, const Pending& p) {
  return {{"event", event}, {"change", p.id}, {"command", p.command}, {"deadline", iso8601_ms(p.deadline_ms)}};
}

RollbackResult roll_back(Pending& p, const std::string& cause, AuditLog& audit) {
  auto r = restore(p.before);
  auto line = step("rollback", p);
  line["cause"] = cause;
  line["result"] = r.complete() ? "ok" : "incomplete";
  line["restored"] = r.restored;
  line["left"] = r.left;
  if (r.complete()) {
    clear_pending();
  } else {
    // Kept, with what is left: every change stays refused until it is fixed
    // (bdctl rollback again) and bdctl-check reports it critical.
    p.rollback_left = r.left;
    save_pending(p);
  }
  audit.log(line);
  return r;
}

}  // namespace bdctl::change
