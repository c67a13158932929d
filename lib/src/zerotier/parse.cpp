// Typed views of the service's JSON. Shapes as in the 1.14.1 fixtures; a key
// that is missing or of another type is a protocol error naming the key.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "bdctl/error.hpp"
#include "bdctl/printable.hpp"
#include "bdctl/zerotier.hpp"

namespace bdctl::zerotier {

namespace {
using nlohmann::json;

[[noreturn]] void bad(const char* what, const std::string& key, const char* type) {
  throw ApiError(Failure::protocol, fmt::format("ZeroTier {} object: key '{}' is missing or not {}", what, key, type));
}
const json& need(const json& j, const char* what, const std::string& key) {
  if (!j.is_object()) throw ApiError(Failure::protocol, fmt::format("ZeroTier {}: expected a JSON object", what));
  auto it = j.find(key);
  if (it == j.end()) bad(what, key, "present");
  return *it;
}
std::string str(const json& j, const char* what, const std::string& key) {
  const auto& v = need(j, what, key);
  if (!v.is_string()) bad(what, key, "a string");
  return printable(v.get<std::string>());
}
std::int64_t num(const json& j, const char* what, const std::string& key) {
  const auto& v = need(j, what, key);
  if (!v.is_number_integer()) bad(what, key, "an integer");
  return v.get<std::int64_t>();
}
bool flag(const json& j, const char* what, const std::string& key) {
  const auto& v = need(j, what, key);
  if (!v.is_boolean()) bad(what, key, "true or false");
  return v.get<bool>();
}
// Optional keys keep their defaults: older and newer daemons add or drop a few.
template <class T>
void opt(const json& j, const std::string& key, T& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) {
    try {
      out = it->get<T>();
      if constexpr (std::is_same_v<T, std::string>) out = printable(out);
    } catch (const json::exception&) {
    }
  }
}
std::vector<std::string> strings(const json& j, const char* what, const std::string& key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) bad(what, key, "an array");
  for (const auto& e : *it) {
    if (!e.is_string()) bad(what, key, "an array of strings");
    out.push_back(printable(e.get<std::string>()));
  }
  return out;
}
}  // namespace

std::string Status::state() const {
  if (tcp_fallback_active) return "TUNNELED";
  return online ? "ONLINE" : "OFFLINE";
}

Status parse_status(const json& j) {
  Status s;
  s.address = str(j, "status", "address");
  s.version = str(j, "status", "version");
  s.online = flag(j, "status", "online");
  opt(j, "tcpFallbackActive", s.tcp_fallback_active);
  opt(j, "clock", s.clock_ms);
  auto cfg = j.find("config");
  if (cfg != j.end() && cfg->is_object()) {
    auto st = cfg->find("settings");
    if (st != cfg->end() && st->is_object()) {
      opt(*st, "primaryPort", s.primary_port);
      s.listening_on = strings(*st, "status", "listeningOn");
    }
  }
  return s;
}

Network parse_network(const json& j) {
  Network n;
  n.id = str(j, "network", "id");
  n.status = str(j, "network", "status");
  opt(j, "name", n.name);
  opt(j, "type", n.type);
  opt(j, "mac", n.mac);
  opt(j, "portDeviceName", n.port_device_name);
  opt(j, "mtu", n.mtu);
  opt(j, "portError", n.port_error);
  opt(j, "netconfRevision", n.netconf_revision);
  opt(j, "allowManaged", n.allow_managed);
  opt(j, "allowGlobal", n.allow_global);
  opt(j, "allowDefault", n.allow_default);
  opt(j, "allowDNS", n.allow_dns);
  opt(j, "bridge", n.bridge);
  n.assigned_addresses = strings(j, "network", "assignedAddresses");
  auto rt = j.find("routes");
  if (rt != j.end()) {
    if (!rt->is_array()) bad("network", "routes", "an array");
    for (const auto& r : *rt) {
      ManagedRoute m;
      m.target = str(r, "route", "target");
      auto via = r.find("via");
      if (via != r.end() && via->is_string()) m.via = via->get<std::string>();
      opt(r, "flags", m.flags);
      opt(r, "metric", m.metric);
      n.routes.push_back(std::move(m));
    }
  }
  return n;
}

Peer parse_peer(const json& j) {
  Peer p;
  p.address = str(j, "peer", "address");
  opt(j, "role", p.role);
  std::int64_t lat = num(j, "peer", "latency");
  if (lat >= 0) p.latency_ms = static_cast<int>(lat);
  std::string ver;
  opt(j, "version", ver);
  if (!ver.empty() && ver != "-1.-1.-1") p.version = ver;
  opt(j, "tunneled", p.tunneled);
  auto paths = j.find("paths");
  if (paths != j.end() && paths->is_array()) {
    for (const auto& e : *paths) {
      PeerPath pp;
      pp.address = str(e, "path", "address");
      opt(e, "lastSend", pp.last_send);
      opt(e, "lastReceive", pp.last_receive);
      opt(e, "active", pp.active);
      opt(e, "expired", pp.expired);
      opt(e, "preferred", pp.preferred);
      p.paths.push_back(std::move(pp));
    }
  }
  return p;
}

const PeerPath* Peer::direct_path() const {
  const PeerPath* best = nullptr;
  for (const auto& pp : paths) {
    if (!pp.active || pp.expired) continue;
    if (!best || (pp.preferred && !best->preferred)) best = &pp;
  }
  return best;
}

std::string explain_network_status(std::string_view s) {
  if (s == "OK") return "configured";
  if (s == "REQUESTING_CONFIGURATION")
    return "waiting for the network controller: check that the network ID is right and the node is online";
  if (s == "ACCESS_DENIED") return "not authorised: tick 'Auth' for this node in ZeroTier Central (Members)";
  if (s == "NOT_FOUND") return "the controller does not know this network ID: check the ID";
  if (s == "PORT_ERROR") return "the virtual interface could not be created (is /dev/net/tun available?)";
  if (s == "CLIENT_TOO_OLD") return "the controller needs a newer zerotier-one";
  if (s == "AUTHENTICATION_REQUIRED") return "the network uses SSO: log in through its authentication URL";
  return "unknown status";
}

namespace {
std::string hex_id(std::string_view v, std::size_t len, const char* what) {
  std::string out;
  bool ok = v.size() == len;
  for (char c : v) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) ok = false;
    out.push_back(c);
  }
  if (!ok) throw InputError(fmt::format("invalid {} '{}': expected {} hex digits", what, v, len));
  return out;
}
}  // namespace

std::string validate_network_id(std::string_view id) { return hex_id(id, 16, "ZeroTier network ID"); }
std::string validate_node_address(std::string_view a) { return hex_id(a, 10, "ZeroTier node address"); }

}  // namespace bdctl::zerotier
