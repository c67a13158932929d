#include "render.hpp"
#include <fmt/format.h>

namespace bdctl::tool {

void put_options(nlohmann::ordered_json& j, const ResolvedRoute& r) {
  j["zt_interface"] = r.options.zt_if;
  j["zt_source"] = r.zt_source;
  j["lan_interface"] = r.options.lan_if;
  j["lan_source"] = r.lan_source;
  j["masquerade"] = r.options.masquerade;
  j["allow_lan_initiated"] = r.options.allow_lan_initiated;
  auto fams = nlohmann::ordered_json::array();
  if (r.options.ipv4) fams.push_back("ipv4");
  if (r.options.ipv6) fams.push_back("ipv6");
  j["families"] = fams;
}

nlohmann::ordered_json sysctl_changes(const std::vector<route::SysctlChange>& v) {
  auto a = nlohmann::ordered_json::array();
  for (const auto& c : v) a.push_back({{"key", c.key}, {"before", c.before}, {"after", c.after}});
  return a;
}

nlohmann::ordered_json blockers_json(const std::vector<route::Blocker>& v) {
  auto a = nlohmann::ordered_json::array();
  for (const auto& b : v) a.push_back({{"chain", b.chain}, {"certain", b.certain}, {"fix", b.fix}});
  return a;
}

std::string blockers_text(const std::vector<route::Blocker>& v) {
  std::string t;
  for (const auto& b : v) t += fmt::format("  [FAIL] {}\n", b.text);
  return t;
}

std::string families_text(const route::Options& o) { return o.ipv4 && o.ipv6 ? "IPv4+IPv6" : o.ipv4 ? "IPv4" : "IPv6"; }

}  // namespace bdctl::tool
