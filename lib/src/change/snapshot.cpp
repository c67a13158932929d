// Recording what bdctl owns, comparing the system with a record, and putting
// a record back.
#include <fmt/format.h>
#include <sys/stat.h>

#include "bdctl/change.hpp"
#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/paths.hpp"
#include "bdctl/route.hpp"
#include "bdctl/sysctl.hpp"

namespace bdctl::change {

namespace {

FileImage image_of(const std::string& path) {
  FileImage f;
  struct stat st {};
  auto text = read_own_file(path, kReadLimit, &st);
  if (!text) return f;
  f.exists = true;
  f.content = std::move(*text);
  f.mode = st.st_mode & 07777;
  return f;
}
}  // namespace

Owned owned() {
  Owned o;
  // Every key bdctl-route may turn on, whichever families the change names.
  route::Options both;
  o.sysctls = route::forwarding_keys(both);
  o.files = {paths::state_dir() + "/route.json", paths::state_dir() + "/mss.json", bridge::state_path(),
             SysctlDropins().path(route::kDropin)};
  return o;
}

Snapshot take(const Owned& what) {
  Snapshot s;
  {
    nft::Session session;
    s.table = session.image();
    s.bridge_table = session.image(nft::kBridgeTable);
  }
  if (what.layout) {
    Rtnl rtnl;
    s.layout = bridge::observe(rtnl, *what.layout);
  }
  Sysctl sysctl;
  for (const auto& k : what.sysctls) s.sysctls[k] = sysctl.get(k);
  for (const auto& f : what.files) s.files[f] = image_of(f);
  return s;
}

std::vector<std::string> differences(const Snapshot& s) {
  std::vector<std::string> out;
  {
    nft::Session session;
    if (!(session.image() == s.table)) out.push_back("table inet bdctl");
    if (!(session.image(nft::kBridgeTable) == s.bridge_table)) out.push_back("table bridge bdctl");
  }
  if (s.layout) {
    Rtnl rtnl;
    for (const auto& d : bridge::differences(bridge::observe(rtnl, s.layout->names), *s.layout))
      out.push_back("layout: " + d);
  }
  Sysctl sysctl;
  for (const auto& [k, v] : s.sysctls) {
    auto now = sysctl.get(k);
    if (now != v) out.push_back(fmt::format("{} {} (was {})", k, now.value_or("absent"), v.value_or("absent")));
  }
  for (const auto& [path, img] : s.files)
    if (!(image_of(path) == img)) out.push_back(path);
  return out;
}

RollbackResult restore(const Snapshot& s) {
  RollbackResult r;
  auto failed = [&](const std::string& what, const std::exception& e) {
    r.left.push_back(fmt::format("{}: {}", what, e.what()));
  };
  // The kernel's ruleset first: it is what cuts or restores the path.
  for (const auto& [id, image] :
       {std::pair{&nft::kInetTable, &s.table}, std::pair{&nft::kBridgeTable, &s.bridge_table}}) {
    try {
      FileLock lock(kRulesetLock, kRulesetLockWait);
      nft::Session session;
      if (!(session.image(*id) == *image)) {
        nft::Transaction tx(session, *id);
        tx.restore_table(*image);
        tx.commit();
        r.restored.push_back("table " + id->text());
      }
    } catch (const std::exception& e) {
      failed("table " + id->text(), e);
    }
  }
  // Then the bridge's interfaces: the Pi's addresses where they were.
  if (s.layout) {
    try {
      FileLock lock(kRulesetLock, kRulesetLockWait);
      Rtnl rtnl;
      for (const auto& step : bridge::put(rtnl, *s.layout)) r.restored.push_back(step);
    } catch (const std::exception& e) {
      failed("bridge layout", e);
    }
  }
  Sysctl sysctl;
  for (const auto& [k, v] : s.sysctls) {
    try {
      if (!v || sysctl.get(k) == v) continue;
      sysctl.set(k, *v);
      r.restored.push_back(fmt::format("{} = {}", k, *v));
    } catch (const std::exception& e) {
      failed(k, e);
    }
  }
  for (const auto& [path, img] : s.files) {
    try {
      if (image_of(path) == img) continue;
      if (img.exists)
        write_file_atomic(path, img.content, mode_t(img.mode));
      else
        remove_file(path);
      r.restored.push_back(path);
    } catch (const std::exception& e) {
      failed(path, e);
    }
  }
  return r;
}

}  // namespace bdctl::change
