// The [repeat.NAME] rules (bdctl/repeater.hpp): a preset's port and group,
// or the user's own, a direction and a rate.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstdlib>
#include <set>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/repeater.hpp"

namespace bdctl::repeat {

const char* side_name(Side s) { return s == lan ? "lan" : "zerotier"; }
const char* direction_name(Side heard_on) { return heard_on == lan ? "lan-to-zerotier" : "zerotier-to-lan"; }

const std::vector<Preset>& presets() {
  static const std::vector<Preset> p{
      {"flexradio", 4992, std::nullopt, "FlexRadio SmartSDR discovery (broadcast)"},
      {"hpsdr", 1024, std::nullopt, "OpenHPSDR and Hermes-Lite discovery (broadcast)"},
      {"mdns", 5353, Ipv4{224, 0, 0, 251}, "mDNS, DNS-SD (multicast)"},
      {"ssdp", 1900, Ipv4{239, 255, 255, 250}, "SSDP, UPnP (multicast)"},
  };
  return p;
}

std::string ipv4_text(const Ipv4& a) { return fmt::format("{}.{}.{}.{}", a[0], a[1], a[2], a[3]); }

double parse_rate(const std::string& text, const std::string& where) {
  auto slash = text.find('/');
  auto bad = [&] {
    return InputError(fmt::format("{}'{}' is not a rate (N/second, N/minute or N/hour, N at least 1)", where, text));
  };
  if (slash == std::string::npos || slash == 0) throw bad();
  std::string n = text.substr(0, slash), unit = text.substr(slash + 1);
  char* end = nullptr;
  unsigned long v = std::strtoul(n.c_str(), &end, 10);
  if (*end || n.find_first_not_of("0123456789") != std::string::npos || v == 0 || v > 1000000) throw bad();
  if (unit == "second") return double(v);
  if (unit == "minute") return double(v) / 60;
  if (unit == "hour") return double(v) / 3600;
  throw bad();
}

namespace {
const Preset* find_preset(const std::string& name) {
  for (const auto& p : presets())
    if (name == p.name) return &p;
  return nullptr;
}

Rule load_rule(const Config& c, const std::string& name) {
  const std::string k = "repeat." + name + ".";
  Rule r;
  r.name = name;
  if (auto preset = c.get_string(k + "preset")) {
    const Preset* p = find_preset(*preset);
    if (!p)
      throw InputError(
          fmt::format("{}'{}' is not a preset (flexradio, hpsdr, mdns or ssdp)", c.where(k + "preset"), *preset));
    r.preset = p->name;
    r.port = p->port;
    r.group = p->group;
  }
  // A port or group of one's own overrides the preset's.
  if (auto port = c.get_int(k + "port")) {
    if (*port < 1 || *port > 65535)
      throw InputError(fmt::format("{}{} is not a port (1-65535)", c.where(k + "port"), *port));
    r.port = std::uint16_t(*port);
  }
  if (r.port == 0) throw InputError(fmt::format("{}missing (or a preset)", c.where(k + "port")));
  if (auto group = c.get_string(k + "group")) {
    in_addr a{};
    if (::inet_pton(AF_INET, group->c_str(), &a) != 1 || (ntohl(a.s_addr) >> 28) != 0xe)
      throw InputError(
          fmt::format("{}'{}' is not an IPv4 multicast group (224.0.0.0/4)", c.where(k + "group"), *group));
    const auto* b = reinterpret_cast<const std::uint8_t*>(&a.s_addr);
    r.group = Ipv4{b[0], b[1], b[2], b[3]};
  }
  if (auto dir = c.get_string(k + "direction")) {
    if (*dir == "lan-to-zerotier")
      r.from = {true, false};
    else if (*dir == "zerotier-to-lan")
      r.from = {false, true};
    else if (*dir != "both")
      throw InputError(fmt::format("{}'{}' is not a direction (lan-to-zerotier, zerotier-to-lan or both)",
                                   c.where(k + "direction"), *dir));
  }
  if (auto rate = c.get_string(k + "rate")) {
    r.per_second = parse_rate(*rate, c.where(k + "rate"));
    r.rate_text = *rate;
  }
  return r;
}
}  // namespace

std::vector<Rule> rules_from(const Config& c) {
  std::vector<Rule> rules;
  std::set<std::pair<std::uint16_t, std::string>> seen;
  for (const auto& name : c.table_keys("repeat")) {
    auto r = load_rule(c, name);
    std::string group = r.group ? ipv4_text(*r.group) : "broadcast";
    if (!seen.emplace(r.port, group).second)
      throw InputError(fmt::format("{}port {} ({}) is repeated by another [repeat] rule already",
                                   c.where("repeat." + name), r.port, group));
    rules.push_back(std::move(r));
  }
  return rules;
}

}  // namespace bdctl::repeat
