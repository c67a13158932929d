#include <arpa/inet.h>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/ifname.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/route.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/sysctl.hpp"
#include "state.hpp"

namespace bdctl::route {

namespace {

// With --no-masquerade the LAN sees ZeroTier source addresses, so the site
// router needs a route back to the ZeroTier subnet via the Pi.
std::vector<RouterRoute> router_routes(const Options& o, Rtnl& rtnl) {
  std::vector<RouterRoute> out;
  if (is_wildcard_ifname(o.zt_if) || is_wildcard_ifname(o.lan_if)) return out;
  auto zt = rtnl.link(o.zt_if);
  auto lan = rtnl.link(o.lan_if);
  if (!zt || !lan) return out;
  auto addrs = rtnl.addresses();
  for (int fam : {AF_INET, AF_INET6}) {
    if ((fam == AF_INET && !o.ipv4) || (fam == AF_INET6 && !o.ipv6)) continue;
    const Address* zta = nullptr;
    const Address* lana = nullptr;
    for (const auto& a : addrs) {
      if (a.prefix.addr.family != fam) continue;
      // Link-local addresses cannot be a router's gateway across links.
      if (fam == AF_INET6 && a.prefix.addr.bytes[0] == 0xfe && (a.prefix.addr.bytes[1] & 0xc0) == 0x80) continue;
      if (a.ifindex == zt->index && !zta) zta = &a;
      if (a.ifindex == lan->index && !lana) lana = &a;
    }
    if (zta && lana) out.push_back({zta->prefix.network().to_string(), lana->prefix.addr.to_string()});
  }
  return out;
}

}  // namespace

bool owns(const std::string& chain) { return chain == kForwardChain || chain == kNatChain; }

namespace {
// What up writes besides the ruleset, staged before the commit so a full or
// read-only /var or /etc fails the run while the kernel still holds the old
// ruleset; committed after it, sharing one journal commit.
struct Staged {
  std::vector<std::pair<std::string, std::string>> to_set;  // sysctl key, value before
  std::optional<StagedFile> state, dropin;
};

Staged stage(const Options& o, const UpParams& p, Sysctl& sysctl, SysctlDropins& dropins) {
  Staged st;
  auto keys = forwarding_keys(o);
  // Remember what we change before changing it, so a killed run is still
  // undone correctly by `down`.
  SavedState saved = load_state();
  for (const auto& k : keys) {
    auto cur = sysctl.get(k);
    if (!cur) throw SystemError(k + ": not present in this kernel");
    if (*cur != "1") {
      if (!saved.prior.count(k)) saved.prior[k] = *cur;
      st.to_set.emplace_back(k, *cur);
    }
  }
  saved.applied = o;
  if (auto staged = stage_state(saved)) st.state.emplace(std::move(*staged));
  if (p.persist) {
    std::map<std::string, std::string> values;
    for (const auto& k : keys) values[k] = "1";
    if (auto staged = dropins.stage(kDropin, values, "Forwarding for bdctl-route (ZeroTier <-> LAN)"))
      st.dropin.emplace(std::move(*staged));
  }
  return st;
}

void commit(Staged& st, Sysctl& sysctl, UpResult& res) {
  if (st.state) st.state->commit();
  for (const auto& [k, before] : st.to_set) {
    sysctl.set(k, "1");
    res.sysctl.push_back({k, before, "1"});
  }
  if (st.dropin) st.dropin->commit();
  res.persisted_changed = st.dropin.has_value();
}
}  // namespace

UpResult up(const Options& o, const UpParams& p, Rtnl& rtnl) {
  UpResult res;
  res.dry_run = p.dry_run;
  auto want = desired_chains(o);  // validates names before anything changes
  if (!o.masquerade) res.router_routes = router_routes(o, rtnl);

  FileLock lock(kRulesetLock, kRulesetLockWait);
  nft::Session session;
  auto in = interference(o, session);
  res.warnings = std::move(in.warnings);
  res.blockers = std::move(in.blockers);
  auto have = session.read_table();
  auto plan = nft::plan_owned(have, want, owns);

  Sysctl sysctl;
  SysctlDropins dropins;
  res.dropin = dropins.path(kDropin);
  Staged staged = p.dry_run ? Staged{} : stage(o, p, sysctl, dropins);
  if (!plan.in_sync) {
    nft::Transaction tx(session);
    tx.reconcile(have, want, plan);
    tx.commit(p.dry_run);
    res.rules_changed = true;
  }
  if (!p.dry_run) commit(staged, sysctl, res);
  return res;
}

}  // namespace bdctl::route
