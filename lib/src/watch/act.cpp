// The ladder's actions, each through the interface a person would use by
// hand, never a shell: sd-bus for systemd and logind, the relay Controller
// (so a watch pulse is journalled and recovered like any other), route::up,
// bridge::up.
#include <fmt/format.h>

#include "bdctl/bridge.hpp"
#include "bdctl/change.hpp"
#include "bdctl/error.hpp"
#include "bdctl/relay_config.hpp"
#include "bdctl/relay_ops.hpp"
#include "bdctl/route.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/site.hpp"
#include "bdctl/systemd.hpp"
#include "bdctl/watch.hpp"

namespace bdctl::watch {

namespace {
constexpr Millis kBoardWait{30000};

std::string pulse(const Config& cfg, const std::string& relay, std::optional<Millis> len, bool cycle,
                  relay::Interrupt& interrupt) {
  relay::Audit audit({"bdctl-watch", "run"});
  relay::Controller c(relay::RelayConfig::from(cfg), audit, interrupt, kBoardWait);
  (void)c.recover();  // a pulse a killed run left ends first
  auto res = c.pulse(relay, len, cycle);
  if (res.ok()) return fmt::format("ok ({} ms)", res.pulse_ms.value_or(0));
  return fmt::format("{}: {}", res.result, res.error);
}

// Bridged: the last bdctl-bridge up again, from its record (a ZeroTier
// restart recreates its port outside the bridge), with the filters the
// config says now, as the boot unit's bdctl-bridge up --if-bridged does.
std::string rebridge(const bridge::Recorded& rec, const Config& cfg) {
  auto s = bridge::settings_from(cfg);
  Rtnl rtnl;
  auto r = bridge::up(rtnl, rec.names, {rec.names.lan, s.broadcast_limit, s.mss}, false, rec.network);
  if (!r.changed()) return fmt::format("ok (bridge {} was in place)", rec.names.bridge);
  return fmt::format("ok (bridge {}: {}{})", rec.names.bridge,
                     r.steps.empty() ? "layout in place" : fmt::format("{}", fmt::join(r.steps, "; ")),
                     r.filters_changed ? "; filters re-installed" : "");
}

// The last up's options on the interfaces found now, as the boot unit finds
// them (ZeroTier may be back under another name after a restart or a move);
// the recorded names when they cannot be found.
std::string reapply(const Config& cfg) {
  // A pending change owns the layout until it is confirmed or rolled back:
  // re-making it now could undo a rollback half-way through.
  if (auto p = change::load_pending()) return fmt::format("not now: change {} ({}) is pending", p->id, p->command);
  if (auto rec = bridge::recorded()) return rebridge(*rec, cfg);
  auto o = route::applied_options();
  if (!o) return "nothing to re-apply: no bdctl-route up recorded";
  Rtnl rtnl;
  std::string moved;
  try {
    auto given = site::with_config({}, cfg);
    auto observed = site::observe(given, {}, rtnl);
    auto d = route::interfaces(given, observed, site::resolve(given, observed), false);
    if (d.zt_if != o->zt_if || d.lan_if != o->lan_if)
      moved = fmt::format(", now {} and {} (were {} and {})", d.zt_if, d.lan_if, o->zt_if, o->lan_if);
    o->zt_if = d.zt_if;
    o->lan_if = d.lan_if;
  } catch (const InputError&) {
    // Not resolvable now (the service silent, a link missing): the recorded names.
  }
  auto r = route::up(*o, {false, true}, rtnl);
  return fmt::format("ok (rules {}{})", r.rules_changed ? "re-installed" : "were in place", moved);
}
}  // namespace

std::string carry_out(const Action& a, const WatchConfig& w, const Config& cfg, relay::Interrupt& interrupt) {
  try {
    switch (a.kind) {
      case Kind::restart_zerotier: return "ok (job " + systemd::Manager().restart(a.target) + ")";
      case Kind::reboot: systemd::Manager().reboot(); return "ok";
      case Kind::cycle_hotspot: return pulse(cfg, a.target, w.hotspot_cycle, true, interrupt);
      case Kind::pulse: return pulse(cfg, w.rules.at(a.target).relay, std::nullopt, false, interrupt);
      case Kind::reapply_route: return reapply(cfg);
    }
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
  return "error: unknown action";
}

}  // namespace bdctl::watch
