// up and down: the filters in one nftables transaction, then the layout, and
// the record of what was moved, so that down puts back exactly that.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "bdctl/bridge.hpp"
#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/paths.hpp"

namespace bdctl::bridge {

using Json = nlohmann::ordered_json;

namespace {

bool owns(const std::string& chain) { return chain == kChain; }

// Returns whether the kernel's table was (or, dry, would be) changed.
bool apply_filters(const Filters& f, bool dry_run) {
  nft::Session s;
  auto have = s.read_table(nft::kBridgeTable);
  auto want = desired_chains(f);
  auto plan = nft::plan_owned(have, want, owns);
  if (plan.in_sync) return false;
  nft::Transaction tx(s, nft::kBridgeTable);
  tx.reconcile(have, want, plan);
  tx.commit(dry_run);
  return true;
}

// Staged before the change: a full or read-only state directory fails
// before anything is changed.
StagedFile staged(const Recorded& r) {
  Json j;
  j["schema_version"] = 1;
  j["network"] = r.network;
  j["lan_broadcast_limit"] = r.filters.broadcast_limit;
  j["mss"] = r.filters.mss;
  Json routed;
  to_json(routed, r.routed);
  j["routed"] = routed;
  make_dirs(paths::state_dir());
  return StagedFile(state_path(), j.dump(2) + "\n");
}

// A failed up or down leaves the kernel as it found it, confirmed or not:
// the layout, then the filters, each tried even when the other fails.
void put_back(Rtnl& rtnl, const Layout& layout, const nft::TableImage& filters, const std::exception& cause) {
  std::vector<std::string> failed;
  try {
    put(rtnl, layout);
  } catch (const std::exception& e) {
    failed.push_back(fmt::format("the layout: {}", e.what()));
  }
  try {
    nft::Session s;
    nft::Transaction tx(s, nft::kBridgeTable);
    tx.restore_table(filters);
    tx.commit();
  } catch (const std::exception& e) {
    failed.push_back(fmt::format("table bridge bdctl: {}", e.what()));
  }
  if (!failed.empty())
    throw SystemError(fmt::format("{}; putting back failed too: {}", cause.what(), fmt::join(failed, "; ")));
}

}  // namespace

std::optional<Recorded> recorded() {
  auto text = read_own_file(state_path());
  if (!text) return std::nullopt;
  try {
    auto j = Json::parse(*text);
    Recorded r;
    r.routed = layout_from(j.at("routed"), state_path());
    r.names = r.routed.names;
    r.network = j.at("network").get<std::string>();
    // As [bridge] allows them: a limit of at least 1, an MSS of 536-9000 or 0.
    const auto& limit = j.at("lan_broadcast_limit");
    const auto& mss = j.at("mss");
    if (!limit.is_number_unsigned() || limit.get<std::uint64_t>() < 1)
      throw std::invalid_argument("lan_broadcast_limit " + limit.dump());
    if (!mss.is_number_unsigned() ||
        (mss.get<std::uint64_t>() != 0 && (mss.get<std::uint64_t>() < 536 || mss.get<std::uint64_t>() > 9000)))
      throw std::invalid_argument("mss " + mss.dump());
    r.filters = {r.names.lan, limit.get<std::uint64_t>(), std::uint16_t(mss.get<std::uint64_t>())};
    return r;
  } catch (const InputError&) {
    throw;  // layout_from's, naming the file already
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: not bdctl-bridge's record ({}); remove it", state_path(), e.what()));
  }
}

Layout routed_of(const Layout& now) {
  auto rec = recorded();
  if (rec && rec->names == now.names) return rec->routed;
  return now.bridge_exists ? routed_from(now) : now;
}

UpResult up(Rtnl& rtnl, const Names& n, const Filters& f, bool dry_run, const std::string& network) {
  FileLock lock(kRulesetLock, kRulesetLockWait);
  UpResult r;
  r.dry_run = dry_run;
  r.before = observe(rtnl, n);
  // Run again while bridged, the record of the routed layout stands: it is
  // what down must put back, not the half-bridged layout seen now.
  Layout routed = routed_of(r.before);
  Layout want = bridged_from(routed);
  // Filters first: DHCP is blocked before the first frame is bridged.
  if (dry_run) {
    r.filters_changed = apply_filters(f, true);
    r.after = want;
    r.steps = differences(r.before, want);
    return r;
  }
  auto record = staged({n, network, f, routed});
  nft::TableImage filters_before;
  {
    nft::Session s;
    filters_before = s.image(nft::kBridgeTable);
  }
  try {
    r.filters_changed = apply_filters(f, false);
    r.steps = put(rtnl, want);
    r.after = observe(rtnl, n);
    record.commit();  // a bridge with no record could never be taken down
  } catch (const std::exception& e) {
    put_back(rtnl, r.before, filters_before, e);
    throw;
  }
  return r;
}

DownResult down(Rtnl& rtnl) {
  FileLock lock(kRulesetLock, kRulesetLockWait);
  DownResult r;
  auto rec = recorded();
  nft::Session s;
  auto filters_before = s.image(nft::kBridgeTable);
  if (rec) {
    r.before = observe(rtnl, rec->names);
    r.was_bridged = r.before.bridge_exists;
  }
  try {
    // The layout first: the filters stay until the bridge is gone.
    if (rec) {
      r.steps = put(rtnl, rec->routed);
      r.after = observe(rtnl, rec->names);
    }
    if (s.read_table(nft::kBridgeTable).exists) {
      nft::Transaction tx(s, nft::kBridgeTable);
      tx.restore_table({});  // bdctl-bridge owns the whole table
      tx.commit();
      r.filters_removed = true;
    }
  } catch (const std::exception& e) {
    if (rec) put_back(rtnl, r.before, filters_before, e);
    throw;
  }
  remove_file(state_path());
  return r;
}

}  // namespace bdctl::bridge
