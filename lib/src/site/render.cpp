// The site as JSON (route status, check details, config show) and as text.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "bdctl/site.hpp"

namespace bdctl::site {

namespace {
using nlohmann::ordered_json;

ordered_json sourced(const std::optional<Sourced<std::string>>& v) {
  if (!v) return nullptr;
  return {{"value", v->value}, {"source", v->source}};
}

ordered_json prefixes(const std::vector<Prefix>& ps) {
  ordered_json a = ordered_json::array();
  for (const auto& p : ps) a.push_back(p.to_string());
  return a;
}

std::string route_text(const NeededRoute& r) {
  std::string via = r.via       ? r.via->to_string()
                    : r.present ? "(this node has no address of this family on the network)"
                                : "(this node's address, unknown)";
  std::string state = !r.present ? "unknown (ZeroTier service not asked)" : *r.present ? "present" : "missing";
  return fmt::format("{} via {}: {}", r.target.to_string(), via, state);
}
}  // namespace

void to_json(ordered_json& j, const Site& s) {
  j["network"] = sourced(s.network);
  j["zerotier_interface"] = sourced(s.zt_if);
  j["lan_interface"] = sourced(s.lan_if);
  ordered_json lp = ordered_json::array();
  for (const auto& p : s.lan_prefixes) lp.push_back({{"value", p.value.to_string()}, {"source", p.source}});
  j["lan_prefixes"] = lp;
  j["zerotier_addresses"] = prefixes(s.zt_addresses);
  j["lan_addresses"] = prefixes(s.lan_addresses);
  ordered_json routes = ordered_json::array();
  for (const auto& r : s.routes)
    routes.push_back({{"target", r.target.to_string()},
                      {"via", r.via ? ordered_json(r.via->to_string()) : ordered_json(nullptr)},
                      {"present", r.present ? ordered_json(*r.present) : ordered_json(nullptr)}});
  j["routes"] = routes;
  j["conflicts"] = s.conflicts;
  j["notes"] = s.notes;
}

std::string describe(const Site& s) {
  std::string out;
  auto line = [&](const char* what, const std::string& value, const std::string& source) {
    out += fmt::format("{:<19} {}{}\n", what, value, source.empty() ? "" : fmt::format("  ({})", source));
  };
  auto one = [&](const char* what, const std::optional<Sourced<std::string>>& v) {
    v ? line(what, v->value, v->source) : line(what, "unknown", "");
  };
  one("zerotier network", s.network);
  one("zerotier interface", s.zt_if);
  one("lan interface", s.lan_if);
  for (const auto& p : s.lan_prefixes) line("lan prefix", p.value.to_string(), p.source);
  for (const auto& a : s.zt_addresses) line("zerotier address", a.to_string(), "");
  for (const auto& a : s.lan_addresses) line("lan address", a.to_string(), "");
  for (const auto& r : s.routes) line("managed route", route_text(r), "");
  for (const auto& c : s.conflicts) out += "conflict: " + c + "\n";
  for (const auto& n : s.notes) out += "note: " + n + "\n";
  return out;
}

}  // namespace bdctl::site
