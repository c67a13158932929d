#include <fmt/format.h>

#include "bdctl/rtnl.hpp"
#include "bdctl/sysctl.hpp"
#include "render.hpp"
#include "route_verbs.hpp"

namespace bdctl::tool {

namespace {

nlohmann::ordered_json to_json(const route::Status& s) {
  nlohmann::ordered_json j;
  j["ok"] = s.ok();
  auto fw = nlohmann::ordered_json::array();
  for (const auto& f : s.forwarding)
    fw.push_back({{"key", sysctl_dotted(f.key)},
                  {"runtime", f.runtime ? nlohmann::ordered_json(*f.runtime) : nullptr},
                  {"persisted", f.persisted ? nlohmann::ordered_json(*f.persisted) : nullptr},
                  {"persisted_file", f.persisted_file.empty() ? nullptr : nlohmann::ordered_json(f.persisted_file)},
                  {"ok", f.ok}});
  j["forwarding"] = fw;
  auto rules = nlohmann::ordered_json::array();
  for (const auto& d : s.rules)
    rules.push_back({{"chain", d.chain},
                     {"ok", d.empty()},
                     {"present", !d.missing},
                     {"definition_differs", d.spec_differs},
                     {"missing", d.missing_rules},
                     {"extra", d.extra_rules}});
  j["rules"] = rules;
  auto ifs = nlohmann::ordered_json::array();
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

std::string text(const ResolvedRoute& r, const route::Status& s) {
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

cli::Runner setup_status(CLI::App& sub) {
  auto f = std::make_shared<RouteFlags>();
  add_route_flags(sub, *f);
  return [f] {
    Rtnl rtnl;
    auto r = resolve(*f, true, rtnl);
    auto s = route::status(r.options, rtnl);
    s.conflicts = r.site.conflicts;
    cli::Outcome o;
    o.json = cli::document();
    o.json["command"] = "status";
    o.json["ok"] = s.ok();
    put_options(o.json, r);
    o.json.update(to_json(s));
    site::to_json(o.json["site"], r.site);
    o.text = text(r, s);
    o.exit_code = s.ok() ? 0 : 1;
    return o;
  };
}

}  // namespace bdctl::tool
