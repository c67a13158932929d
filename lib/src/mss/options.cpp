// Checking clamp options and describing them (text, JSON, the state file).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/ifname.hpp"
#include "bdctl/mss.hpp"
#include "bdctl/paths.hpp"
#include "bdctl/rtnl.hpp"

namespace bdctl::mss {

void validate(const Options& o) {
  switch (o.mode) {
    case Mode::mss:
      if (o.value < kMinMss || o.value > kMaxMss)
        throw InputError(fmt::format("--mss {}: out of range {}..{}", o.value, kMinMss, kMaxMss));
      break;
    case Mode::mtu: {
      const char* flag = o.pppoe ? "--pppoe" : "--mtu";
      if (o.value > kMaxMtu) throw InputError(fmt::format("{} {}: above {}", flag, o.value, kMaxMtu));
      if (o.families != Families::ipv6 && o.value < kMinMtu4)
        throw InputError(fmt::format("{} {}: below {}, the IPv4 minimum", flag, o.value, kMinMtu4));
      if (o.families != Families::ipv4 && o.value < kMinMtu6)
        throw InputError(fmt::format("{} {}: below {}, the IPv6 minimum (add --family ipv4 to clamp IPv4 only)", flag,
                                     o.value, kMinMtu6));
      break;
    }
    case Mode::pmtu: break;
  }
  if (o.iface) validate_ifname(*o.iface, "--iface");
}

void validate_live(const Options& o) {
  validate(o);
  if (o.iface && !is_wildcard_ifname(*o.iface)) {
    Rtnl rt;
    if (!rt.link(*o.iface)) throw InputError(fmt::format("--iface {}: unknown interface", *o.iface));
  }
}

std::vector<Clamp> clamps(const Options& o) {
  std::vector<std::optional<nft::Family>> fams;
  switch (o.families) {
    case Families::ipv4: fams = {nft::Family::ipv4}; break;
    case Families::ipv6: fams = {nft::Family::ipv6}; break;
    case Families::both:
      // The MTU mode needs one value per family; the others mean the same
      // for both, and one rule is half the work per SYN.
      if (o.mode == Mode::mtu)
        fams = {nft::Family::ipv4, nft::Family::ipv6};
      else
        fams = {std::nullopt};
      break;
  }
  std::vector<Clamp> out;
  for (auto f : fams) {
    Clamp c{f, std::nullopt};
    if (o.mode == Mode::mss) c.mss = std::uint16_t(o.value);
    if (o.mode == Mode::mtu) c.mss = std::uint16_t(o.value - (f == nft::Family::ipv6 ? kHeaders6 : kHeaders4));
    out.push_back(c);
  }
  return out;
}

namespace {

nft::Rule clamp_rule(const Clamp& c, const std::optional<std::string>& iif, const std::optional<std::string>& oif) {
  nft::Rule r;
  if (iif) r.iifname(*iif);
  if (oif) r.oifname(*oif);
  if (c.family) r.nfproto(*c.family);
  r.tcp_syn();
  if (c.mss)
    r.tcp_mss_above(*c.mss).set_tcp_mss(*c.mss);
  else
    r.set_tcp_mss_rt_mtu();  // the kernel only ever lowers the MSS here
  return r;
}

}  // namespace

std::vector<nft::DesiredChain> desired_chains(const Options& o) {
  validate(o);
  // Policy accept and no verdicts: the clamp never decides a packet's fate.
  nft::DesiredChain fwd{{kForwardChain, "filter", "forward", nft::kPrioMangle, false}, {}};
  nft::DesiredChain out{{kOutputChain, "filter", "output", nft::kPrioMangle, false}, {}};
  for (const auto& c : clamps(o)) {
    if (o.iface) {
      // SYN arriving on the interface and SYN leaving through it: both
      // directions of the handshake (the SYN-ACK of a connection opened
      // from the other side goes out through it).
      fwd.rules.push_back(clamp_rule(c, o.iface, std::nullopt));
      fwd.rules.push_back(clamp_rule(c, std::nullopt, o.iface));
      out.rules.push_back(clamp_rule(c, std::nullopt, o.iface));
    } else {
      fwd.rules.push_back(clamp_rule(c, std::nullopt, std::nullopt));
      out.rules.push_back(clamp_rule(c, std::nullopt, std::nullopt));
    }
  }
  std::vector<nft::DesiredChain> chains{fwd};
  if (o.local) chains.push_back(out);
  return chains;
}

std::string mode_name(Mode m) {
  switch (m) {
    case Mode::mss: return "mss";
    case Mode::mtu: return "mtu";
    case Mode::pmtu: return "pmtu";
  }
  return "?";
}

std::string families_name(Families f) {
  switch (f) {
    case Families::both: return "inet";
    case Families::ipv4: return "ipv4";
    case Families::ipv6: return "ipv6";
  }
  return "?";
}

std::string describe(const Options& o) {
  std::string s;
  switch (o.mode) {
    case Mode::mss: s = fmt::format("--mss {}", o.value); break;
    case Mode::mtu: s = o.pppoe ? "--pppoe" : fmt::format("--mtu {}", o.value); break;
    case Mode::pmtu: s = "--pmtu"; break;
  }
  if (o.iface) s += " --iface " + *o.iface;
  if (o.local) s += " --local";
  if (o.families != Families::both) s += " --family " + families_name(o.families);
  return s;
}

nlohmann::ordered_json options_json(const Options& o) {
  nlohmann::ordered_json j;
  j["mode"] = mode_name(o.mode);
  j["mss"] = o.mode == Mode::mss ? nlohmann::ordered_json(o.value) : nlohmann::ordered_json(nullptr);
  j["mtu"] = o.mode == Mode::mtu ? nlohmann::ordered_json(o.value) : nlohmann::ordered_json(nullptr);
  j["pppoe"] = o.pppoe;
  j["iface"] = o.iface ? nlohmann::ordered_json(*o.iface) : nlohmann::ordered_json(nullptr);
  j["local"] = o.local;
  j["family"] = families_name(o.families);
  return j;
}

std::string options_to_json(const Options& o) { return options_json(o).dump(); }

Options options_from_json(const std::string& text, const std::string& source) {
  try {
    auto j = nlohmann::json::parse(text);
    Options o;
    std::string mode = j.at("mode").get<std::string>();
    if (mode == "mss")
      o.mode = Mode::mss, o.value = j.at("mss").get<unsigned>();
    else if (mode == "mtu")
      o.mode = Mode::mtu, o.value = j.at("mtu").get<unsigned>();
    else if (mode == "pmtu")
      o.mode = Mode::pmtu;
    else
      throw InputError(fmt::format("{}: unknown mode '{}'", source, mode));
    o.pppoe = j.value("pppoe", false);
    if (j.contains("iface") && !j["iface"].is_null()) o.iface = j["iface"].get<std::string>();
    o.local = j.value("local", false);
    std::string fam = j.value("family", "inet");
    if (fam == "ipv4")
      o.families = Families::ipv4;
    else if (fam == "ipv6")
      o.families = Families::ipv6;
    else if (fam != "inet")
      throw InputError(fmt::format("{}: unknown family '{}'", source, fam));
    validate(o);
    return o;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: {}", source, e.what()));
  }
}

std::string state_file() { return paths::state_dir() + "/mss.json"; }

std::optional<Options> load_state() {
  auto text = read_own_file(state_file());
  if (!text) return std::nullopt;
  return options_from_json(*text, state_file());
}

}  // namespace bdctl::mss
