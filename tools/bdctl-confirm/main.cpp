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
#include "change_steps.hpp"
#include "safe_change.hpp"
#include "verbs.hpp"

using namespace bdctl;

namespace {
using Json = nlohmann::ordered_json;

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

// Which way this session came (null: not over SSH). Throws when it came by
// another interface than ZeroTier's and --any-path was not given; note gets
// a line when the way is unknown.
Json session_via(const Args& a, std::string& note) {
  Rtnl rt;
  auto links = rt.links();
  auto path = change::session_path(std::getenv("SSH_CONNECTION"), rt.addresses(), links);
  if (!path) return nullptr;
  std::optional<bool> zt;
  if (!path->interface.empty()) zt = is_zerotier(path->interface, a.config, rt);
  Json via = {{"address", path->address},
              {"interface", path->interface.empty() ? Json(nullptr) : Json(path->interface)},
              {"zerotier", zt ? Json(*zt) : Json(nullptr)}};
  if (zt == false && !a.any_path)
    throw SystemError(
        fmt::format("this session reaches the Pi at {} on {}, not over ZeroTier: a confirm from here does "
                    "not prove the backdoor works; confirm over ZeroTier, or give --any-path",
                    printable(path->address), path->interface));
  if (!zt) note = fmt::format("(no interface holds {}, so the path is unknown)\n", printable(path->address));
  return via;
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
          std::string note;
          Json via = session_via(*a, note);
          auto p = *st.pending;
          change::clear_pending();
          auto line = change::step("confirm", p);
          line["via"] = via;
          audit.log(line);
          cli::stop_holder(p);
          auto o = cli::change_document("confirm", std::nullopt);
          o.json["confirmed"] = cli::pending_json(p, unix_ms_now());
          o.json["via"] = via;
          o.text = fmt::format("confirmed: '{}' is final\n{}", printable(p.command), note);
          return o;
        };
      },
      argc, argv);
}
