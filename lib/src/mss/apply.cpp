// set, clear and status against the kernel's `inet bdctl` table. Only mss_*
// chains are ever replaced or deleted; other tools' chains stay untouched.
#include <algorithm>
#include <chrono>
#include <optional>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/mss.hpp"
#include "bdctl/paths.hpp"

namespace bdctl::mss {

namespace {

std::vector<std::string> own_chains(const nft::TableState& have) {
  std::vector<std::string> out;
  for (const auto& [name, c] : have.chains)
    if (owns(name)) out.push_back(name);
  return out;
}

bool wanted(const std::vector<nft::DesiredChain>& want, const std::string& name) {
  return std::any_of(want.begin(), want.end(), [&](const auto& c) { return c.spec.name == name; });
}

}  // namespace

bool owns(const std::string& chain) { return chain.rfind(kChainPrefix, 0) == 0; }

SetResult set(const Options& o, bool check_only) {
  validate_live(o);
  SetResult res;
  res.chains = desired_chains(o);
  FileLock lock(kRulesetLock, kRulesetLockWait);
  nft::Session s;
  auto have = s.read_table();

  auto plan = nft::plan_owned(have, res.chains, owns);
  res.removed = plan.stale;

  // The state file is staged before the commit: a full or read-only state
  // dir fails the run while the kernel still holds the old ruleset.
  std::optional<StagedFile> state;
  if (!check_only) {
    // Unchanged options need no fsync'd rewrite (set from cron stays cheap).
    std::string text = options_to_json(o) + "\n";
    if (read_own_file(state_file()) != text) {
      make_dirs(paths::state_dir());
      state.emplace(state_file(), text);
    }
  }
  if (!plan.in_sync) {
    // One batch: wanted chains are deleted and recreated, stale ones go.
    nft::Transaction tx(s);
    tx.reconcile(have, res.chains, plan);
    res.operations = tx.size();
    tx.commit(check_only);
    res.changed = !check_only;
  }
  if (state) state->commit();
  return res;
}

ClearResult clear(bool check_only) {
  ClearResult res;
  FileLock lock(kRulesetLock, kRulesetLockWait);
  nft::Session s;
  auto have = s.read_table();
  res.removed = own_chains(have);
  // A state file that could not be removed afterwards (read-only state dir)
  // fails the run before the kernel changes.
  if (!check_only && read_own_file(state_file())) check_dir_writable(state_file());
  if (!res.removed.empty()) {
    nft::Transaction tx(s);
    for (const auto& name : res.removed) tx.delete_chain(name);
    // The table goes too when nothing else lives in it (no other tool's chains).
    if (res.removed.size() == have.chains.size()) {
      tx.delete_table();
      res.table_removed = true;
    }
    tx.commit(check_only);
    res.changed = !check_only;
  }
  if (!check_only) remove_file(state_file());
  return res;
}

bool Status::present() const {
  return std::any_of(chains.begin(), chains.end(), [](const auto& c) { return c.present; });
}

bool Status::drift() const {
  return std::any_of(chains.begin(), chains.end(), [](const auto& c) { return c.drift(); });
}

Status status(const std::optional<Options>& expected) {
  Status st;
  if (expected) {
    validate(*expected);
    st.expected = expected;
    st.expected_source = "options";
  } else {
    st.expected = load_state();
    st.expected_source = st.expected ? "state" : "none";
  }
  std::vector<nft::DesiredChain> want;
  if (st.expected) want = desired_chains(*st.expected);

  nft::Session s;
  auto have = s.read_table();
  auto drifts = nft::diff(have, want);
  for (std::size_t i = 0; i < want.size(); ++i) {
    ChainStatus c;
    c.name = want[i].spec.name;
    c.expected = true;
    c.present = !drifts[i].missing;
    c.spec_differs = drifts[i].spec_differs;
    c.missing_rules = drifts[i].missing_rules;
    c.extra_rules = drifts[i].extra_rules;
    st.chains.push_back(std::move(c));
  }
  for (const auto& name : own_chains(have)) {
    if (wanted(want, name)) continue;
    ChainStatus c;
    c.name = name;
    c.present = true;
    c.extra_rules = have.chains.at(name).rules;
    st.chains.push_back(std::move(c));
  }
  return st;
}

}  // namespace bdctl::mss
