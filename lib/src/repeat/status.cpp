// The daemon's counters in a file under /run (bdctl/repeater.hpp): written
// by `run`, read by `status` and bdctl-check.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "bdctl/audit.hpp"
#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/paths.hpp"
#include "bdctl/repeater.hpp"

namespace bdctl::repeat {

using Json = nlohmann::ordered_json;

std::string status_path() { return paths::run_dir() + "/repeat/status.json"; }

namespace {
Json opt_ip(const std::optional<Ipv4>& a) { return a ? Json(ipv4_text(*a)) : Json(nullptr); }

std::optional<Ipv4> ip_from(const Json& j) {
  if (j.is_null()) return std::nullopt;
  auto s = j.get<std::string>();
  in_addr a{};
  if (::inet_pton(AF_INET, s.c_str(), &a) != 1) throw std::runtime_error("not an address: " + s);
  Ipv4 v{};
  std::memcpy(v.data(), &a.s_addr, 4);
  return v;
}

Json counters_json(const Counters& c, bool enabled) {
  return {{"enabled", enabled},           {"heard", c.heard},
          {"repeated", c.repeated},       {"echoes", c.echoes},
          {"other_marks", c.other_marks}, {"rate_limited", c.rate_limited},
          {"overflows", c.overflows},     {"last_trouble_ms", c.last_trouble_ms},
          {"errors", c.errors},           {"last_error", c.last_error.empty() ? Json(nullptr) : Json(c.last_error)}};
}

Counters counters_from(const Json& j) {
  Counters c;
  c.heard = j.at("heard").get<std::uint64_t>();
  c.repeated = j.at("repeated").get<std::uint64_t>();
  c.echoes = j.at("echoes").get<std::uint64_t>();
  c.other_marks = j.at("other_marks").get<std::uint64_t>();
  c.rate_limited = j.at("rate_limited").get<std::uint64_t>();
  c.overflows = j.at("overflows").get<std::uint64_t>();
  c.last_trouble_ms = j.at("last_trouble_ms").get<std::int64_t>();
  c.errors = j.at("errors").get<std::uint64_t>();
  if (!j.at("last_error").is_null()) c.last_error = j.at("last_error").get<std::string>();
  return c;
}
}  // namespace

void to_json(Json& j, const Status& s) {
  Json sides = Json::object();
  for (Side side : {lan, zerotier}) {
    const auto& v = s.sides[side];
    sides[side_name(side)] = {{"interface", v.interface},
                              {"ifindex", v.ifindex ? Json(v.ifindex) : Json(nullptr)},
                              {"address", opt_ip(v.address)},
                              {"broadcast", opt_ip(v.broadcast)},
                              {"mtu", v.mtu ? Json(v.mtu) : Json(nullptr)},
                              {"error", v.error.empty() ? Json(nullptr) : Json(v.error)}};
  }
  Json rules = Json::array();
  for (const auto& r : s.rules) {
    Json dirs = Json::object();
    for (Side side : {lan, zerotier}) dirs[direction_name(side)] = counters_json(r.by_side[side], r.rule.from[side]);
    rules.push_back({{"name", r.rule.name},
                     {"preset", r.rule.preset.empty() ? Json(nullptr) : Json(r.rule.preset)},
                     {"port", r.rule.port},
                     {"group", opt_ip(r.rule.group)},
                     {"rate", r.rule.rate_text},
                     {"directions", dirs}});
  }
  j = {{"pid", s.pid}, {"started_ms", s.started_ms}, {"updated_ms", s.updated_ms}, {"sides", sides}, {"rules", rules}};
}

void write_status(const Status& s) {
  Json j;
  to_json(j, s);
  j["updated_ms"] = unix_ms_now();  // when the counters were written
  auto path = status_path();
  make_dirs(path.substr(0, path.rfind('/')));
  write_file_atomic(path, j.dump() + "\n");
}

std::optional<Status> read_status() {
  auto path = status_path();
  auto text = read_own_file(path);
  if (!text) return std::nullopt;
  try {
    auto j = Json::parse(*text);
    Status s;
    s.pid = j.at("pid").get<long>();
    s.started_ms = j.at("started_ms").get<std::int64_t>();
    s.updated_ms = j.at("updated_ms").get<std::int64_t>();
    for (Side side : {lan, zerotier}) {
      const auto& v = j.at("sides").at(side_name(side));
      auto& out = s.sides[side];
      out.interface = v.at("interface").get<std::string>();
      out.ifindex = v.at("ifindex").is_null() ? 0 : v.at("ifindex").get<int>();
      out.address = ip_from(v.at("address"));
      out.broadcast = ip_from(v.at("broadcast"));
      out.mtu = v.at("mtu").is_null() ? 0 : v.at("mtu").get<unsigned>();
      if (!v.at("error").is_null()) out.error = v.at("error").get<std::string>();
    }
    for (const auto& r : j.at("rules")) {
      RuleState rs;
      rs.rule.name = r.at("name").get<std::string>();
      if (!r.at("preset").is_null()) rs.rule.preset = r.at("preset").get<std::string>();
      rs.rule.port = r.at("port").get<std::uint16_t>();
      rs.rule.group = ip_from(r.at("group"));
      rs.rule.rate_text = r.at("rate").get<std::string>();
      for (Side side : {lan, zerotier}) {
        const auto& d = r.at("directions").at(direction_name(side));
        rs.rule.from[side] = d.at("enabled").get<bool>();
        rs.by_side[side] = counters_from(d);
      }
      s.rules.push_back(std::move(rs));
    }
    return s;
  } catch (const std::exception& e) {
    throw SystemError(fmt::format("{}: not a status bdctl-repeat wrote ({})", path, e.what()));
  }
}

}  // namespace bdctl::repeat
