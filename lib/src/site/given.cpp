// [site] in bdctl.toml as a source of the site model, below the flags.
#include <fmt/format.h>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/ifname.hpp"
#include "bdctl/site.hpp"

namespace bdctl::site {

namespace {
std::string source(const Config& cfg, const std::string& key) {
  // where() is "FILE:LINE: key 'k': " (an error prefix); the source is "config FILE:LINE".
  std::string w = cfg.where(key);
  auto k = w.find(": key ");
  return "config " + (k == std::string::npos ? w : w.substr(0, k));
}

template <class F>
auto read(const Config& cfg, const std::string& key, F&& parse) {
  try {
    return parse();
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", cfg.where(key), e.what()));
  }
}
}  // namespace

Given with_config(Given g, const Config& cfg) {
  if (!g.network)
    if (auto v = cfg.get_string("site.zerotier_network"))
      g.network =
          Sourced<std::string>{read(cfg, "site.zerotier_network", [&] { return zerotier::validate_network_id(*v); }),
                               source(cfg, "site.zerotier_network")};
  if (!g.zt_if)
    if (auto v = cfg.get_string("site.zerotier_interface")) {
      read(cfg, "site.zerotier_interface", [&] { validate_ifname(*v, "site.zerotier_interface"); });
      g.zt_if = Sourced<std::string>{*v, source(cfg, "site.zerotier_interface")};
    }
  if (!g.lan_if)
    if (auto v = cfg.get_string("site.lan_interface")) {
      read(cfg, "site.lan_interface", [&] { validate_ifname(*v, "site.lan_interface"); });
      g.lan_if = Sourced<std::string>{*v, source(cfg, "site.lan_interface")};
    }
  if (!g.lan_subnet)
    if (auto v = cfg.get_string("site.subnet"))
      g.lan_subnet =
          Sourced<Prefix>{read(cfg, "site.subnet", [&] { return parse_prefix(*v); }), source(cfg, "site.subnet")};
  return g;
}

}  // namespace bdctl::site
