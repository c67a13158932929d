// The clamp options set, show and status share, and their JSON form.
#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "verbs.hpp"

namespace bdctl::mss_tool {

void add_mode_options(CLI::App& sub, ModeArgs& a) {
  auto* mss = sub.add_option("--mss", a.mss, "Clamp to this MSS (536..65495), both families")->type_name("N");
  auto* mtu = sub.add_option("--mtu", a.mtu, "Clamp to a link MTU: MSS = MTU-40 (IPv4), MTU-60 (IPv6)")->type_name("N");
  auto* ppp = sub.add_flag("--pppoe", a.pppoe, "Same as --mtu 1492");
  auto* pmtu = sub.add_flag("--pmtu", a.pmtu, "Clamp to the route's MTU (nft `rt mtu`)");
  mss->excludes(mtu)->excludes(ppp)->excludes(pmtu);
  mtu->excludes(ppp)->excludes(pmtu);
  ppp->excludes(pmtu);
  sub.add_option("--iface", a.iface, "Only SYNs entering or leaving this interface (\"zt*\" allowed)")
      ->type_name("NAME");
  sub.add_flag("--local", a.local, "Also clamp connections this host opens or accepts (output hook)");
  sub.add_option("--family", a.family, "inet (both, default), ipv4 or ipv6")->type_name("FAMILY");
}

unsigned parse_count(const std::string& flag, const std::string& text) {
  std::size_t used = 0;
  unsigned long long v = 0;
  bool ok = !text.empty() && text[0] != '-' && text[0] != '+';
  try {
    if (ok) v = std::stoull(text, &used, 10);
  } catch (const std::exception&) {
    ok = false;
  }
  if (!ok || used != text.size()) throw InputError(fmt::format("{} {}: not a number", flag, text));
  if (v > 1000000) throw InputError(fmt::format("{} {}: out of range", flag, text));
  return unsigned(v);
}

mss::Options to_options(const ModeArgs& a) {
  mss::Options o;
  if (a.mss)
    o.mode = mss::Mode::mss, o.value = parse_count("--mss", *a.mss);
  else if (a.mtu)
    o.mode = mss::Mode::mtu, o.value = parse_count("--mtu", *a.mtu);
  else if (a.pppoe)
    o.mode = mss::Mode::mtu, o.value = mss::kPppoeMtu, o.pppoe = true;
  else if (a.pmtu)
    o.mode = mss::Mode::pmtu;
  else
    throw InputError("one of --mss N, --mtu N, --pppoe or --pmtu is required");
  o.iface = a.iface;
  o.local = a.local;
  if (a.family) {
    if (*a.family == "ipv4")
      o.families = mss::Families::ipv4;
    else if (*a.family == "ipv6")
      o.families = mss::Families::ipv6;
    else if (*a.family != "inet")
      throw InputError(fmt::format("--family {}: not inet, ipv4 or ipv6", *a.family));
  }
  mss::validate(o);
  return o;
}

nlohmann::ordered_json options_json(const mss::Options& o) {
  nlohmann::ordered_json j;
  j["mode"] = mss::mode_name(o.mode);
  j["mss"] = o.mode == mss::Mode::mss ? nlohmann::ordered_json(o.value) : nlohmann::ordered_json(nullptr);
  j["mtu"] = o.mode == mss::Mode::mtu ? nlohmann::ordered_json(o.value) : nlohmann::ordered_json(nullptr);
  j["pppoe"] = o.pppoe;
  j["iface"] = o.iface ? nlohmann::ordered_json(*o.iface) : nlohmann::ordered_json(nullptr);
  j["local"] = o.local;
  j["family"] = mss::families_name(o.families);
  return j;
}

nlohmann::ordered_json clamps_json(const mss::Options& o) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& c : mss::clamps(o)) {
    nlohmann::ordered_json j;
    j["family"] = !c.family ? "inet" : *c.family == nft::Family::ipv4 ? "ipv4" : "ipv6";
    j["mss"] = c.mss ? nlohmann::ordered_json(*c.mss) : nlohmann::ordered_json(nullptr);
    arr.push_back(j);
  }
  return arr;
}

nlohmann::ordered_json chains_json(const std::vector<nft::DesiredChain>& chains) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& c : chains) {
    nlohmann::ordered_json j;
    j["name"] = c.spec.name;
    j["hook"] = c.spec.hook;
    j["priority"] = c.spec.priority;
    auto rules = nlohmann::ordered_json::array();
    for (const auto& r : c.rules) rules.push_back(r.text());
    j["rules"] = rules;
    arr.push_back(j);
  }
  return arr;
}

}  // namespace bdctl::mss_tool
