#include "render.hpp"

#include <fmt/format.h>

#include "bdctl/site.hpp"
#include "bdctl/sysctl.hpp"

namespace bdctl::tool {

using nlohmann::ordered_json;

void put_options(ordered_json& j, const ResolvedRoute& r) {
  j["zt_interface"] = r.options.zt_if;
  j["zt_source"] = r.zt_source;
  j["lan_interface"] = r.options.lan_if;
  j["lan_source"] = r.lan_source;
  j["masquerade"] = r.options.masquerade;
  j["allow_lan_initiated"] = r.options.allow_lan_initiated;
  auto fams = ordered_json::array();
  if (r.options.ipv4) fams.push_back("ipv4");
  if (r.options.ipv6) fams.push_back("ipv6");
  j["families"] = fams;
}

ordered_json sysctl_changes(const std::vector<route::SysctlChange>& v) {
  auto a = ordered_json::array();
  for (const auto& c : v) a.push_back({{"key", c.key}, {"before", c.before}, {"after", c.after}});
  return a;
}

ordered_json blockers_json(const std::vector<route::Blocker>& v) {
  auto a = ordered_json::array();
  for (const auto& b : v) a.push_back({{"chain", b.chain}, {"certain", b.certain}, {"fix", b.fix}});
  return a;
}

std::string blockers_text(const std::vector<route::Blocker>& v) {
  std::string t;
  for (const auto& b : v) t += fmt::format("  [FAIL] {}\n", b.text);
  return t;
}

std::string families_text(const route::Options& o) { return o.ipv4 && o.ipv6 ? "IPv4+IPv6" : o.ipv4 ? "IPv4" : "IPv6"; }

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) fmt::print(stderr, "bdctl-route: warning: {}\n", w);
}

// --- up

namespace {
std::string up_text(const ResolvedRoute& r, const route::UpResult& u) {
  std::string t = fmt::format("{}{} ({}) <-> {} ({}), {}, {}\n", u.dry_run ? "dry run: " : "", r.options.zt_if,
                              r.zt_source, r.options.lan_if, r.lan_source, families_text(r.options),
                              r.options.masquerade ? "masquerading" : "no NAT");
  t += fmt::format("  rules:      {}\n",
                   u.dry_run ? (u.rules_changed ? "would change; the kernel accepts them" : "already in place")
                             : (u.rules_changed ? "installed in table inet bdctl" : "already in place"));
  if (!u.dry_run) {
    if (u.sysctl.empty()) t += "  forwarding: already on\n";
    for (const auto& c : u.sysctl) t += fmt::format("  forwarding: {} {} -> {}\n", c.key, c.before, c.after);
    if (!u.dropin.empty())
      t += fmt::format("  persisted:  {}{}\n", u.dropin, u.persisted_changed ? "" : " (unchanged)");
  }
  for (const auto& rr : u.router_routes)
    t += fmt::format("  site router needs: route {} via {}\n", rr.destination, rr.gateway);
  if (!r.options.masquerade && u.router_routes.empty())
    t += "  site router needs: a route to the ZeroTier subnet via this Pi's LAN address\n";
  for (const auto& w : u.warnings) t += fmt::format("  warning: {}\n", w);
  t += blockers_text(u.blockers);
  return t;
}
}  // namespace

cli::Outcome up_outcome(const ResolvedRoute& r, const route::UpResult& u) {
  cli::Outcome o;
  o.json = cli::document();
  o.json["command"] = "up";
  o.json["ok"] = u.blockers.empty();
  o.json["dry_run"] = u.dry_run;
  o.json["changed"] = u.changed();
  put_options(o.json, r);
  o.json["rules_changed"] = u.rules_changed;
  o.json["sysctl"] = sysctl_changes(u.sysctl);
  o.json["persisted"] = {{"file", u.dropin}, {"changed", u.persisted_changed}};
  auto rr = ordered_json::array();
  for (const auto& x : u.router_routes) rr.push_back({{"destination", x.destination}, {"gateway", x.gateway}});
  o.json["router_routes"] = rr;
  o.json["warnings"] = u.warnings;
  o.json["blockers"] = blockers_json(u.blockers);
  o.text = up_text(r, u);
  o.exit_code = u.blockers.empty() ? 0 : 1;
  return o;
}

// --- down

cli::Outcome down_outcome(const route::DownResult& d) {
  cli::Outcome o;
  o.json = cli::document();
  o.json["command"] = "down";
  o.json["ok"] = true;  // a down that fails is an error (exit 1), not a document
  o.json["changed"] = d.changed();
  o.json["chains_removed"] = d.chains_removed;
  o.json["table_removed"] = d.table_removed;
  o.json["sysctl"] = sysctl_changes(d.sysctl);
  o.json["dropin_removed"] = d.dropin_removed;
  if (!d.changed()) {
    o.text = "nothing to remove: bdctl-route is not installed\n";
  } else {
    if (!d.chains_removed.empty())
      o.text += fmt::format("removed chains: {}{}\n", fmt::join(d.chains_removed, ", "),
                            d.table_removed ? " (and the now empty table inet bdctl)" : "");
    for (const auto& c : d.sysctl) o.text += fmt::format("restored: {} {} -> {}\n", c.key, c.before, c.after);
    if (d.dropin_removed) o.text += "removed the sysctl.d drop-in\n";
  }
  return o;
}

// --- status

namespace {
ordered_json status_json(const route::Status& s) {
  ordered_json j;
  j["ok"] = s.ok();
  auto fw = ordered_json::array();
  for (const auto& f : s.forwarding)
    fw.push_back({{"key", sysctl_dotted(f.key)},
                  {"runtime", f.runtime ? ordered_json(*f.runtime) : nullptr},
                  {"persisted", f.persisted ? ordered_json(*f.persisted) : nullptr},
                  {"persisted_file", f.persisted_file.empty() ? nullptr : ordered_json(f.persisted_file)},
                  {"ok", f.ok}});
  j["forwarding"] = fw;
  auto rules = ordered_json::array();
  for (const auto& d : s.rules)
    rules.push_back({{"chain", d.chain},
                     {"ok", d.empty()},
                     {"present", !d.missing},
                     {"definition_differs", d.spec_differs},
                     {"missing", d.missing_rules},
                     {"extra", d.extra_rules}});
  j["rules"] = rules;
  auto ifs = ordered_json::array();
  for (const auto& i : s.interfaces)
    ifs.push_back({{"role", i.role},
                   {"name", i.name},
                   {"exists", i.exists},
                   {"operstate", i.operstate},
                   {"mtu", i.mtu},
                   {"addresses", i.addresses}});
  j["interfaces"] = ifs;
  j["warnings"] = s.warnings;
  j["blockers"] = blockers_json(s.blockers);
  j["conflicts"] = s.conflicts;
  return j;
}

std::string status_text(const ResolvedRoute& r, const route::Status& s) {
  auto mark = [](bool ok) { return ok ? "ok  " : "FAIL"; };
  const char* verdict = s.ok() ? "ok" : !s.rules_ok() || !s.forwarding_ok() ? "DRIFT" : "FAIL";
  std::string t = fmt::format("{}: {} ({}) <-> {} ({}), {}\n", verdict, r.options.zt_if, r.zt_source, r.options.lan_if,
                              r.lan_source, families_text(r.options));
  for (const auto& f : s.forwarding)
    t += fmt::format("  [{}] {} = {} (at boot: {}{})\n", mark(f.ok), sysctl_dotted(f.key), f.runtime.value_or("?"),
                     f.persisted.value_or("unset"), f.persisted_file.empty() ? "" : " from " + f.persisted_file);
  for (const auto& d : s.rules) {
    t += fmt::format("  [{}] chain inet bdctl {}{}\n", mark(d.empty()), d.chain,
                     d.missing        ? ": missing"
                     : d.spec_differs ? ": defined differently"
                                      : "");
    if (!d.missing)
      for (const auto& m : d.missing_rules) t += fmt::format("         missing rule: {}\n", m);
    for (const auto& e : d.extra_rules) t += fmt::format("         unexpected rule: {}\n", e);
  }
  for (const auto& i : s.interfaces)
    t += fmt::format("  [{}] {} interface {}: {}\n", mark(i.exists), i.role, i.name,
                     i.exists ? fmt::format("{}, mtu {}{}{}", i.operstate, i.mtu, i.addresses.empty() ? "" : ", ",
                                            fmt::join(i.addresses, " "))
                              : "absent");
  for (const auto& c : s.conflicts) t += fmt::format("  [FAIL] site: {}: run bdctl-route up\n", c);
  for (const auto& w : s.warnings) t += fmt::format("  warning: {}\n", w);
  t += blockers_text(s.blockers);
  t += "site:\n";
  std::string d = site::describe(r.site);
  for (std::size_t at = 0; at < d.size();) {
    auto nl = d.find('\n', at);
    t += "  " + d.substr(at, nl - at + 1);
    at = nl + 1;
  }
  return t;
}
}  // namespace

cli::Outcome status_outcome(const ResolvedRoute& r, const route::Status& s) {
  cli::Outcome o;
  o.json = cli::document();
  o.json["command"] = "status";
  o.json["ok"] = s.ok();
  put_options(o.json, r);
  o.json.update(status_json(s));
  site::to_json(o.json["site"], r.site);
  o.text = status_text(r, s);
  o.exit_code = s.ok() ? 0 : 1;
  return o;
}

// --- show

cli::Outcome show_outcome(const ResolvedRoute& r, const std::vector<std::string>& sysctl_keys,
                          const std::vector<nft::DesiredChain>& chains) {
  std::string ruleset = nft::render(chains);
  cli::Outcome o;
  o.json = cli::document();
  o.json["command"] = "show";
  o.json["ok"] = true;
  put_options(o.json, r);
  ordered_json sysctl = ordered_json::object();
  for (const auto& k : sysctl_keys) sysctl[k] = "1";
  o.json["sysctl"] = sysctl;
  o.json["nft"] = ruleset;
  o.json["ruleset"] = ruleset;  // the older name of "nft", kept for schema_version 1
  for (const auto& k : sysctl_keys) o.text += fmt::format("# sysctl {} = 1\n", k);
  o.text += ruleset;
  return o;
}

}  // namespace bdctl::tool
