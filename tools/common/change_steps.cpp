#include "change_steps.hpp"

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

}  // namespace bdctl::cli
