// A layout as JSON: in the state file (what down puts back) and in the
// pending change's record (what a rollback puts back).
#include <fmt/format.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "bdctl/bridge.hpp"
#include "bdctl/error.hpp"

namespace bdctl::bridge {

using Json = nlohmann::ordered_json;

namespace {

Json ip_or_null(const std::optional<IpAddr>& a) { return a ? Json(a->to_string()) : Json(nullptr); }
std::optional<IpAddr> ip_from(const Json& j) {
  if (j.is_null()) return std::nullopt;
  return parse_address(j.get<std::string>());
}

}  // namespace

void to_json(Json& j, const Layout& l) {
  j = Json::object();
  j["bridge"] = l.names.bridge;
  j["lan"] = l.names.lan;
  j["zerotier"] = l.names.zt;
  j["bridge_exists"] = l.bridge_exists;
  j["lan_master"] = l.lan_master;
  j["zerotier_master"] = l.zt_master;
  j["mac"] = l.mac;
  Json addrs = Json::array();
  for (const auto& a : l.addresses)
    addrs.push_back({{"interface", a.ifname},
                     {"address", a.address.prefix.to_string()},
                     {"broadcast", ip_or_null(a.address.broadcast)},
                     {"flags", a.address.flags},
                     {"scope", a.address.scope}});
  j["addresses"] = addrs;
  Json routes = Json::array();
  for (const auto& p : l.routes) {
    const Route& r = p.route;
    routes.push_back({{"interface", p.ifname},
                      {"family", r.family == AF_INET6 ? "ipv6" : "ipv4"},
                      {"destination", r.dst ? Json(r.dst->to_string()) : Json(nullptr)},
                      {"gateway", ip_or_null(r.gateway)},
                      {"prefsrc", ip_or_null(r.prefsrc)},
                      {"table", r.table},
                      {"metric", r.metric},
                      {"mtu", r.mtu},
                      {"protocol", r.protocol},
                      {"scope", r.scope},
                      {"flags", r.flags}});
  }
  j["routes"] = routes;
}

Layout layout_from(const Json& j, const std::string& where) {
  try {
    Layout l;
    l.names = {j.at("bridge").get<std::string>(), j.at("lan").get<std::string>(), j.at("zerotier").get<std::string>()};
    l.bridge_exists = j.at("bridge_exists").get<bool>();
    l.lan_master = j.at("lan_master").get<std::string>();
    l.zt_master = j.at("zerotier_master").get<std::string>();
    l.mac = j.at("mac").get<std::string>();
    for (const auto& a : j.at("addresses")) {
      PlacedAddress p;
      p.ifname = a.at("interface").get<std::string>();
      p.address.prefix = parse_prefix(a.at("address").get<std::string>());
      p.address.broadcast = ip_from(a.at("broadcast"));
      p.address.flags = a.at("flags").get<unsigned>();
      p.address.scope = a.at("scope").get<unsigned char>();
      l.addresses.push_back(p);
    }
    for (const auto& r : j.at("routes")) {
      PlacedRoute p;
      p.ifname = r.at("interface").get<std::string>();
      p.route.family = r.at("family").get<std::string>() == "ipv6" ? AF_INET6 : AF_INET;
      if (!r.at("destination").is_null()) p.route.dst = parse_prefix(r.at("destination").get<std::string>());
      p.route.gateway = ip_from(r.at("gateway"));
      p.route.prefsrc = ip_from(r.at("prefsrc"));
      p.route.table = r.at("table").get<unsigned>();
      p.route.metric = r.at("metric").get<unsigned>();
      p.route.mtu = r.at("mtu").get<unsigned>();
      p.route.protocol = r.at("protocol").get<unsigned char>();
      p.route.scope = r.at("scope").get<unsigned char>();
      p.route.flags = r.at("flags").get<unsigned>();
      l.routes.push_back(p);
    }
    return l;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not a bridge layout ({})", where, e.what()));
  }
}

}  // namespace bdctl::bridge
