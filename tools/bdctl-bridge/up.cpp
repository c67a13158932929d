// bdctl-bridge up: preconditions first, then one guarded change.
#include <fmt/format.h>
#include <sys/socket.h>

#include "bdctl/error.hpp"
#include "bdctl/rtnl.hpp"
#include "bridge_verbs.hpp"
#include "render.hpp"
#include "safe_change.hpp"

namespace bdctl::bridge_tool {

namespace {
struct UpFlags {
  Flags common;
  cli::SafetyFlags safety;
  bool dry_run = false;
  bool force = false;
  bool if_bridged = false;
};
}  // namespace

cli::Runner setup_up(CLI::App& sub) {
  auto f = std::make_shared<UpFlags>();
  add_options(sub, f->common);
  sub.add_flag("--dry-run", f->dry_run, "Check the preconditions and the filters against the kernel; change nothing");
  sub.add_flag("--force", f->force, "Go on when a precondition is unknown (the ZeroTier service cannot be asked)");
  sub.add_flag("--if-bridged", f->if_bridged,
               "Only with a bridge on record: make it again as recorded, unknown preconditions allowed; else "
               "change nothing and exit 0 (the boot unit)");
  cli::add_safety_flags(sub, f->safety);
  return [f] {
    if (f->if_bridged && !bridge::recorded()) return not_recorded_outcome();
    auto t = resolve(f->common);
    Rtnl rtnl;
    bridge::Inputs in{t.names, t.network, t.zt, t.zt_error, rtnl.links(), rtnl.addresses()};
    if (const auto& rec = t.recorded) {
      // Other ports while bridged would book the old port's addresses as
      // the new one's, and down would put them there.
      if (!(rec->names == t.names)) {
        bool lan = rec->names.lan != t.names.lan;
        throw InputError(fmt::format("{} {} ({}): the site is bridged over {} and {}; run bdctl-bridge down first",
                                     lan ? "the LAN port" : "the ZeroTier port", lan ? t.names.lan : t.names.zt,
                                     lan ? t.lan_source : t.zt_source, rec->names.lan, rec->names.zt));
      }
      for (const auto& a : rec->routed.addresses)
        in.recorded_v4 = in.recorded_v4 || a.address.prefix.addr.family == AF_INET;
    }
    auto pre = bridge::preconditions(in);
    // The record is a bridge an operator confirmed: an unknown (the service
    // not up yet at boot) does not stop its re-making; a failure still does.
    if (!bridge::may_proceed(pre, f->force || f->if_bridged)) return refused_outcome(t, pre);
    std::string command = fmt::format("bdctl-bridge up --lan {} --zt {}", t.names.lan, t.names.zt);
    cli::Change c{command, t.config_path, f->dry_run,
                  [&] { return up_outcome(t, pre, bridge::up(rtnl, t.names, t.filters, f->dry_run, t.network)); }};
    c.layout = t.names;  // confirmed by default: moving the Pi's addresses is how people lock themselves out
    return cli::guarded(f->safety, c);
  };
}

}  // namespace bdctl::bridge_tool
