// The reconcile route and mss share: their chains in `inet bdctl` become
// exactly what they want, in one batch, or nothing is sent at all.
#include <algorithm>

#include "bdctl/nft.hpp"

namespace bdctl::nft {

OwnedPlan plan_owned(const TableState& have, const std::vector<DesiredChain>& want,
                     const std::function<bool(const std::string&)>& owns) {
  OwnedPlan p;
  for (const auto& entry : have.chains) {
    // Not a structured binding: clang before 16 cannot capture one in a lambda.
    const std::string& name = entry.first;
    bool wanted = std::any_of(want.begin(), want.end(), [&](const auto& w) { return w.spec.name == name; });
    if (owns(name) && !wanted) p.stale.push_back(name);
  }
  p.in_sync = have.exists && p.stale.empty();
  for (const auto& d : diff(have, want)) p.in_sync = p.in_sync && d.empty();
  return p;
}

void Transaction::reconcile(const TableState& have, const std::vector<DesiredChain>& want, const OwnedPlan& plan) {
  replace_chains(have, want);
  for (const auto& name : plan.stale) delete_chain(name);
}

}  // namespace bdctl::nft
