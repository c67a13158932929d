// A layout as JSON: in the state file (what down puts back) and in the
// pending change's record (what a rollback puts back).
#include <fmt/format.h>
#include <sys/socket.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

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

namespace {
// bdctl's own file, but read as untrusted: a number out of its type's range
// or of another kind is an error, not a value truncated.
template <class T>
T uint_at(const Json& j, const char* key) {
  const auto& v = j.at(key);
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() > std::numeric_limits<T>::max())
    throw std::invalid_argument(fmt::format("{}: {} is not a number from 0 to {}", key, v.dump(),
                                            std::uint64_t(std::numeric_limits<T>::max())));
  return T(v.get<std::uint64_t>());
}

std::string port_at(const Json& j, const Names& n) {
  auto name = j.at("interface").get<std::string>();
  if (name != n.bridge && name != n.lan)
    throw std::invalid_argument(fmt::format("interface {} is neither {} nor {}", name, n.bridge, n.lan));
  return name;
}
}  // namespace

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
      p.ifname = port_at(a, l.names);
      p.address.prefix = parse_prefix(a.at("address").get<std::string>());
      p.address.broadcast = ip_from(a.at("broadcast"));
      p.address.flags = uint_at<std::uint32_t>(a, "flags");
      p.address.scope = uint_at<unsigned char>(a, "scope");
      l.addresses.push_back(p);
    }
    for (const auto& r : j.at("routes")) {
      PlacedRoute p;
      p.ifname = port_at(r, l.names);
      auto family = r.at("family").get<std::string>();
      if (family != "ipv4" && family != "ipv6") throw std::invalid_argument("family " + family);
      p.route.family = family == "ipv6" ? AF_INET6 : AF_INET;
      if (!r.at("destination").is_null()) p.route.dst = parse_prefix(r.at("destination").get<std::string>());
      p.route.gateway = ip_from(r.at("gateway"));
      p.route.prefsrc = ip_from(r.at("prefsrc"));
      p.route.table = uint_at<std::uint32_t>(r, "table");
      p.route.metric = uint_at<std::uint32_t>(r, "metric");
      p.route.mtu = uint_at<std::uint32_t>(r, "mtu");
      p.route.protocol = uint_at<unsigned char>(r, "protocol");
      p.route.scope = uint_at<unsigned char>(r, "scope");
      p.route.flags = uint_at<std::uint32_t>(r, "flags");
      l.routes.push_back(p);
    }
    return l;
  } catch (const std::exception& e) {
    // json's own errors, a bad prefix or address, a value out of range.
    throw InputError(fmt::format("{}: not a bridge layout ({})", where, e.what()));
  }
}

}  // namespace bdctl::bridge
