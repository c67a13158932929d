#include "change_steps.hpp"

#include <fmt/format.h>

#include "bdctl/printable.hpp"
#include "safe_change.hpp"

namespace bdctl::cli {

ChangeState current_change(AuditLog& audit, const std::string& tool) {
  ChangeState st;
  st.pending = change::load_pending();
  if (st.pending && st.pending->rollback_left.empty() && st.pending->expired(unix_ms_now())) {
    st.late_command = st.pending->command;
    st.late = change::roll_back(*st.pending, "deadline (rolled back late, by " + tool + ")", audit);
    st.pending = change::load_pending();
  }
  return st;
}

Outcome change_document(const std::string& command, const std::optional<change::Pending>& p) {
  Outcome o;
  o.json = document();
  o.json["command"] = command;
  o.json["ok"] = true;
  o.json["pending"] = pending_json(p, unix_ms_now());
  return o;
}

nlohmann::ordered_json rollback_json(const std::string& cause, const change::RollbackResult& r) {
  return {{"cause", cause}, {"complete", r.complete()}, {"restored", r.restored}, {"left", r.left}};
}

std::string rollback_text(const std::string& command, const std::string& cause, const change::RollbackResult& r) {
  std::string t =
      fmt::format("rolled back '{}' ({}){}\n", printable(command), cause, r.complete() ? "" : ": INCOMPLETE");
  for (const auto& x : r.restored) t += fmt::format("  restored {}\n", x);
  for (const auto& x : r.left) t += fmt::format("  NOT restored: {}\n", x);
  if (r.complete() && r.restored.empty()) t += "  (nothing had changed)\n";
  return t;
}

}  // namespace bdctl::cli
