// [mss] in bdctl.toml: what the boot unit clamps to, so that a clamp set by
// hand survives zerotier-one recreating its interface.
#include <fmt/format.h>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/mss.hpp"

namespace bdctl::mss {

std::optional<Families> parse_families(const std::string& s) {
  if (s == "both" || s == "inet") return Families::both;
  if (s == "ipv4") return Families::ipv4;
  if (s == "ipv6") return Families::ipv6;
  return std::nullopt;
}

namespace {
unsigned count_in(const Config& c, const std::string& key, long long lo, long long hi) {
  auto v = c.get_int(key);
  if (*v < lo || *v > hi) throw InputError(fmt::format("{}: {} out of range {}..{}", c.where(key), *v, lo, hi));
  return static_cast<unsigned>(*v);
}
}  // namespace

std::optional<Options> options_from_config(const Config& c) {
  if (!c.has("mss")) return std::nullopt;
  Options o;
  int modes = 0;
  if (c.get_int("mss.mss")) o.mode = Mode::mss, o.value = count_in(c, "mss.mss", kMinMss, kMaxMss), ++modes;
  if (c.get_int("mss.mtu")) o.mode = Mode::mtu, o.value = count_in(c, "mss.mtu", kMinMtu4, kMaxMtu), ++modes;
  if (c.get_bool("mss.pppoe").value_or(false)) o.mode = Mode::mtu, o.value = kPppoeMtu, o.pppoe = true, ++modes;
  if (c.get_bool("mss.pmtu").value_or(false)) o.mode = Mode::pmtu, o.value = 0, ++modes;
  if (modes != 1)
    throw InputError(fmt::format("{}: [mss] needs exactly one of mss, mtu, pppoe = true or pmtu = true ({} given)",
                                 c.where("mss"), modes));
  o.iface = c.get_string("mss.iface");
  o.local = c.get_bool("mss.local").value_or(false);
  if (auto f = c.get_string("mss.family")) {
    auto fam = parse_families(*f);
    if (!fam) throw InputError(fmt::format("{}: '{}' is not ipv4, ipv6 or both", c.where("mss.family"), *f));
    o.families = *fam;
  }
  try {
    validate(o);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", c.where("mss"), e.what()));
  }
  return o;
}

std::string config_lines(const Options& o) {
  std::string s = "[mss]\n";
  switch (o.mode) {
    case Mode::mss: s += fmt::format("mss = {}\n", o.value); break;
    case Mode::mtu: s += o.pppoe ? "pppoe = true\n" : fmt::format("mtu = {}\n", o.value); break;
    case Mode::pmtu: s += "pmtu = true\n"; break;
  }
  if (o.iface) s += fmt::format("iface = \"{}\"\n", *o.iface);
  if (o.local) s += "local = true\n";
  if (o.families != Families::both) s += fmt::format("family = \"{}\"\n", families_name(o.families));
  return s;
}

}  // namespace bdctl::mss
