// bdctl-confirm: keep the pending change; its rollback is disarmed.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/printable.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/site.hpp"
#include "change_render.hpp"
#include "safe_change.hpp"
#include "verbs.hpp"

using namespace bdctl;

namespace {
struct Args {
  bool any_path = false;
  std::optional<std::string> config;
};

// The ZeroTier interfaces: the site's (config, or what the last up routed),
// else every zt* link. The service is not asked: a confirm must not wait on
// it while the deadline runs.
bool is_zerotier(const std::string& ifname, const std::optional<std::string>& cfg_path, Rtnl& rt) {
  auto given = site::with_config({}, Config::load(cfg_path));
  site::ObserveOptions oo;
  oo.ask_zerotier = false;
  auto s = site::resolve(given, site::observe(given, oo, rt));
  if (s.zt_if) return s.zt_if->value == ifname;
  return ifname.rfind("zt", 0) == 0;
}

// Which way this session came: path nullopt when not over SSH, zerotier
// nullopt when no interface holds its address. Throws when it came by
// another interface than ZeroTier's and --any-path was not given.
struct Via {
  std::optional<change::SessionPath> path;
  std::optional<bool> zerotier;
};
Via session_via(const Args& a) {
  Rtnl rt;
  auto links = rt.links();
  Via v;
  v.path = change::session_path(std::getenv("SSH_CONNECTION"), rt.addresses(), links);
  if (!v.path) return v;
  if (!v.path->interface.empty()) v.zerotier = is_zerotier(v.path->interface, a.config, rt);
  if (v.zerotier == false && !a.any_path)
    throw SystemError(
        fmt::format("this session reaches the Pi at {} on {}, not over ZeroTier: a confirm from here does "
                    "not prove the backdoor works; confirm over ZeroTier, or give --any-path",
                    printable(v.path->address), v.path->interface));
  return v;
}
}  // namespace

int main(int argc, char** argv) {
  static const cli::Tool tool{"bdctl-confirm",
                              "Keep the change that would otherwise roll itself back (made with --confirm, or\n"
                              "under [safety] confirm): its holder is stopped and the change is final.\n"
                              "Run it over the path the change affects: reaching the Pi is the proof. Over SSH,\n"
                              "a session that reaches the Pi by another interface than ZeroTier is refused.",
                              "Examples:\n"
                              "  bdctl-route up --lan eth0 --confirm=5m && bdctl confirm\n"
                              "  bdctl confirm --any-path      # on purpose, from a session on the site LAN\n"
                              "Exit status: 0 confirmed, 1 nothing pending, too late (rolled back), a failed\n"
                              "rollback, or a session that did not come over ZeroTier. See bdctl-confirm(8)."};
  return cli::run_command(
      tool,
      [](CLI::App& app) -> cli::Runner {
        auto a = std::make_shared<Args>();
        app.add_flag("--any-path", a->any_path,
                     "Confirm from a session that reaches the Pi by another way than ZeroTier");
        app.add_option("-c,--config", a->config, "Configuration file (default /etc/bdctl/bdctl.toml)")
            ->type_name("FILE");
        return [a] {
          FileLock lock(change::kChangeLock, change::kChangeLockWait);
          AuditLog audit(change::kAuditFile, "bdctl", {"bdctl-confirm"});
          auto st = cli::current_change(audit, "bdctl-confirm");
          if (st.late)
            throw SystemError(fmt::format("too late: the deadline of '{}' passed and it was rolled back{}",
                                          printable(st.late_command), st.late->complete() ? "" : " (INCOMPLETE)"));
          if (!st.pending) throw SystemError("nothing pending to confirm");
          if (!st.pending->rollback_left.empty())
            throw SystemError(fmt::format("the rollback of '{}' did not complete; run 'bdctl rollback' to retry",
                                          printable(st.pending->command)));
          auto via = session_via(*a);
          auto p = *st.pending;
          change::clear_pending();
          auto line = change::step("confirm", p);
          line["via"] = cli::via_json(via.path, via.zerotier);
          audit.log(line);
          cli::stop_holder(p);
          return cli::confirm_outcome(p, via.path, via.zerotier);
        };
      },
      argc, argv);
}
