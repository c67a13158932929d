// What bdctl-pending, bdctl-confirm and bdctl-rollback share: the pending
// change read under the change lock, an expired one rolled back first.
#pragma once
#include <optional>
#include <string>

#include "bdctl/audit.hpp"
#include "bdctl/change.hpp"
#include "cli.hpp"

namespace bdctl::cli {

struct ChangeState {
  std::optional<change::Pending> pending;      // after any late rollback
  std::optional<change::RollbackResult> late;  // a late rollback this run did
  std::string late_command;
};
// Reads the pending change; one whose deadline passed (its holder was killed)
// is rolled back now, cause "deadline (rolled back late, by TOOL)".
ChangeState current_change(AuditLog& audit, const std::string& tool);

}  // namespace bdctl::cli
