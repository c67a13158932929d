#include "render.hpp"

#include <fmt/format.h>

#include "bdctl/paths.hpp"
#include "bdctl/printable.hpp"
#include "guard_render.hpp"

namespace bdctl::bridge_tool {

using Json = nlohmann::ordered_json;

namespace {

Json target_json(const Target& t) {
  return {{"name", t.names.bridge},
          {"lan", {{"value", t.names.lan}, {"source", t.lan_source}}},
          {"zerotier", {{"value", t.names.zt}, {"source", t.zt_source}}},
          {"network", t.network.empty() ? Json(nullptr) : Json{{"value", t.network}, {"source", t.network_source}}},
          {"broadcast_limit", t.filters.broadcast_limit},
          {"mss", t.filters.mss}};
}

std::string target_text(const Target& t) {
  return fmt::format("bridge {}: LAN {} ({}), ZeroTier {} ({}){}\n", t.names.bridge, t.names.lan, t.lan_source,
                     t.names.zt, t.zt_source,
                     t.network.empty() ? "" : fmt::format(", network {} ({})", t.network, t.network_source));
}

const char* mark(const std::string& status) {
  return status == "ok" ? "ok" : status == "warn" ? "WARN" : status == "fail" ? "FAIL" : "UNKNOWN";
}

Json pre_json(const std::vector<bridge::Precondition>& p) {
  Json a = Json::array();
  for (const auto& c : p)
    a.push_back({{"name", c.name},
                 {"status", c.status},
                 {"message", printable(c.message)},
                 {"fix", c.fix.empty() ? Json(nullptr) : Json(printable(c.fix))}});
  return a;
}

// Only what is not ok: a run that is fine says so in one line.
std::string pre_text(const std::vector<bridge::Precondition>& p) {
  std::string t;
  for (const auto& c : p) {
    if (c.status == "ok") continue;
    t += fmt::format("  [{}] {}: {}\n", mark(c.status), c.name, printable(c.message));
    if (!c.fix.empty()) t += fmt::format("         fix: {}\n", printable(c.fix));
  }
  return t;
}

std::string lines(const std::vector<std::string>& v, const char* indent = "  ") {
  std::string t;
  for (const auto& s : v) t += indent + printable(s) + "\n";
  return t;
}

std::vector<std::string> bridge_addresses(const bridge::Layout& l) {
  std::vector<std::string> out;
  for (const auto& a : l.addresses)
    if (a.ifname == l.names.bridge) out.push_back(a.address.prefix.to_string());
  return out;
}

}  // namespace

cli::Outcome refused_outcome(const Target& t, const std::vector<bridge::Precondition>& p) {
  auto o = cli::verdict("bridge up", false);
  o.json["changed"] = false;
  o.json["bridge"] = target_json(t);
  o.json["preconditions"] = pre_json(p);
  o.text = target_text(t) + "refused, nothing changed:\n" + pre_text(p);
  return o;
}

cli::Outcome not_recorded_outcome() {
  auto o = cli::unchanged_outcome("bridge up");
  o.json["recorded"] = false;
  o.text = "not bridged (no bdctl-bridge up on record): nothing changed\n";
  return o;
}

cli::Outcome up_outcome(const Target& t, const std::vector<bridge::Precondition>& p, const bridge::UpResult& u) {
  auto o = cli::verdict("bridge up", true);
  o.json["changed"] = !u.dry_run && u.changed();
  o.json["dry_run"] = u.dry_run;
  o.json["bridge"] = target_json(t);
  o.json["preconditions"] = pre_json(p);
  o.json["filters_changed"] = u.filters_changed;
  o.json["steps"] = printable(u.steps);
  o.json["addresses"] = printable(bridge_addresses(u.after));
  o.text = target_text(t) + pre_text(p);
  if (u.dry_run) {
    o.text += u.steps.empty() ? "dry run: already bridged, nothing would change\n"
                              : "dry run: up would change (nothing was):\n" + lines(u.steps);
    return o;
  }
  if (!u.changed()) {
    o.text += "already bridged, filters in place: nothing changed\n";
    return o;
  }
  o.text += lines(u.steps);
  if (u.filters_changed) o.text += "  filters installed in table bridge bdctl\n";
  auto addrs = bridge_addresses(u.after);
  if (!addrs.empty()) o.text += fmt::format("the Pi answers on {} at {}\n", t.names.bridge, fmt::join(addrs, ", "));
  return o;
}

cli::Outcome down_outcome(const bridge::DownResult& d) {
  auto o = cli::verdict("bridge down", true);
  o.json["changed"] = d.changed();
  o.json["was_bridged"] = d.was_bridged;
  o.json["steps"] = printable(d.steps);
  o.json["filters_removed"] = d.filters_removed;
  if (!d.changed()) {
    o.text = "not bridged by bdctl: nothing changed\n";
    return o;
  }
  o.text = lines(d.steps);
  if (d.filters_removed) o.text += "  table bridge bdctl removed\n";
  o.text += "the routed layout is back as up found it\n";
  return o;
}

cli::Outcome status_outcome(const std::optional<bridge::Recorded>& r, const bridge::Status* s) {
  auto o = cli::verdict("bridge status", s && s->ok());
  if (!r || !s) {
    o.json["bridge"] = nullptr;
    o.text = fmt::format("not bridged: no bdctl-bridge up on record ({})\n", bridge::state_path());
    return o;
  }
  o.json["bridge"] = {
      {"name", s->names.bridge}, {"lan", s->names.lan}, {"zerotier", s->names.zt}, {"network", r->network}};
  o.json["bridged"] = s->bridged;
  o.json["bridge_up"] = s->bridge_up;
  Json ports = Json::array();
  for (const auto& p : s->ports)
    ports.push_back({{"role", p.role},
                     {"name", p.name},
                     {"exists", p.exists},
                     {"in_bridge", p.in_bridge},
                     {"up", p.up},
                     {"mtu", p.mtu}});
  o.json["ports"] = ports;
  o.json["addresses"] = printable(s->addresses);
  o.json["filters_ok"] = s->filters_ok();
  Json drift = Json::array();
  for (const auto& d : s->filters) drift.push_back(d);
  o.json["filters"] = drift;
  o.json["layout_drift"] = printable(s->layout_drift);
  o.json["bridge_nf_call_iptables"] = s->bridge_nf_call ? Json(*s->bridge_nf_call) : Json(nullptr);

  auto& t = o.text;
  t = fmt::format("[{}] bridge {} {}\n", s->bridged && s->bridge_up ? "ok" : "FAIL", s->names.bridge,
                  !s->bridged    ? "does not hold both ports"
                  : s->bridge_up ? "up"
                                 : "has no carrier");
  for (const auto& p : s->ports)
    t += fmt::format("[{}] {} port {}: {}\n", p.exists && p.in_bridge && p.up ? "ok" : "FAIL", p.role, p.name,
                     !p.exists      ? "missing"
                     : !p.in_bridge ? "not in the bridge (ZeroTier restarted? run bdctl-bridge up again)"
                     : !p.up        ? "no carrier"
                                    : fmt::format("forwarding, MTU {}", p.mtu));
  t += fmt::format("[{}] filters in table bridge bdctl\n", s->filters_ok() ? "ok" : "FAIL");
  for (const auto& d : s->filters) {
    for (const auto& m : d.missing_rules) t += "      missing: " + printable(m) + "\n";
    for (const auto& e : d.extra_rules) t += "      extra: " + printable(e) + "\n";
  }
  t += fmt::format("[{}] the Pi's addresses and routes where up put them\n", s->layout_drift.empty() ? "ok" : "FAIL");
  t += lines(s->layout_drift, "      ");
  if (s->bridge_nf_call && *s->bridge_nf_call)
    t += "note: br_netfilter is loaded (bridge-nf-call-iptables=1): bridged IPv4 also passes the ip and inet "
         "forward chains\n";
  return o;
}

cli::Outcome show_outcome(const Target& t, const std::vector<std::string>& plan) {
  auto o = cli::verdict("bridge show", true);
  o.json["bridge"] = target_json(t);
  o.json["plan"] = printable(plan);
  auto ruleset = nft::render(bridge::desired_chains(t.filters), nft::kBridgeTable);
  o.json["ruleset"] = ruleset;
  o.text = target_text(t) +
           (plan.empty() ? "up would change nothing in the layout\n" : "up would change:\n" + lines(plan)) +
           "\nfilters (nft syntax):\n" + ruleset;
  return o;
}

}  // namespace bdctl::bridge_tool
