#include "bdctl/fileio.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/route.hpp"
#include "bdctl/sysctl.hpp"
#include "state.hpp"

namespace bdctl::route {

std::optional<Options> applied_options() { return load_state().applied; }

DownResult down() {
  DownResult res;
  FileLock lock(kRulesetLock, kRulesetLockWait);
  nft::Session session;
  auto have = session.read_table();
  // A state file that could not be removed afterwards (read-only state dir)
  // fails the run before the kernel changes.
  if (read_file(state_path())) check_dir_writable(state_path());
  nft::Transaction tx(session);
  for (const char* c : {kForwardChain, kNatChain})
    if (have.chains.count(c)) {
      tx.delete_chain(c);
      res.chains_removed.push_back(c);
    }
  // The table goes only when nothing else (bdctl-mss's chains) lives in it.
  if (have.exists && have.chains.size() == res.chains_removed.size()) {
    tx.delete_table();
    res.table_removed = true;
  }
  tx.commit();

  Sysctl sysctl;
  SavedState saved = load_state();
  for (const auto& [k, prior] : saved.prior) {
    auto cur = sysctl.get(k);
    // Restore only what is still as bdctl left it.
    if (cur && *cur == "1" && prior != "1") {
      sysctl.set(k, prior);
      res.sysctl.push_back({k, *cur, prior});
    }
  }
  remove_state();
  res.dropin_removed = SysctlDropins().remove(kDropin);
  return res;
}

}  // namespace bdctl::route
