// The clamp options set, show and status share.
#include <fmt/format.h>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "mss_verbs.hpp"

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
  sub.add_option("--family", a.family, "ipv4, ipv6 or both (default; 'inet' is the old name of both)")
      ->type_name("FAMILY");
  sub.add_option("--config", a.config, "Configuration file whose [mss] applies without mode flags")->type_name("FILE");
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
    throw InputError("one of --mss N, --mtu N, --pppoe or --pmtu is required (or [mss] in the config)");
  o.iface = a.iface;
  o.local = a.local;
  if (a.family) {
    auto fam = mss::parse_families(*a.family);
    if (!fam) throw InputError(fmt::format("--family: '{}' is not ipv4, ipv6 or both", *a.family));
    o.families = *fam;
  }
  mss::validate(o);
  return o;
}

std::optional<Resolved> resolve_options(const ModeArgs& a) {
  Config cfg = Config::load(a.config);
  Resolved r;
  r.warnings = cfg.warnings();
  auto from_file = mss::options_from_config(cfg);
  if (!a.any_mode()) {
    if (a.iface || a.local || a.family)
      throw InputError("--iface, --local and --family need one of --mss, --mtu, --pppoe, --pmtu");
    if (!from_file) return std::nullopt;
    r.options = *from_file;
    r.source = "config " + cfg.path();
    return r;
  }
  r.options = to_options(a);
  r.source = "options";
  // The boot unit applies the file: say how to make it do what this run does.
  if (cfg.exists() && from_file != r.options)
    r.warnings.push_back(fmt::format(
        "{} differs from {} ({}); boot applies the file. To keep this clamp, put there:\n{}", mss::describe(r.options),
        cfg.path(), from_file ? "[mss] " + mss::describe(*from_file) : "no [mss]", mss::config_lines(r.options)));
  return r;
}

}  // namespace bdctl::mss_tool
