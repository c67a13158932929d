// [bridge]: the bridge's name, the ZeroTier network it holds, and its filters.
#include <fmt/format.h>

#include <cmath>

#include "bdctl/bridge.hpp"
#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/ifname.hpp"
#include "bdctl/paths.hpp"
#include "bdctl/repeater.hpp"
#include "bdctl/zerotier.hpp"

namespace bdctl::bridge {

std::string state_path() { return paths::state_dir() + "/bridge.json"; }

Settings settings_from(const Config& c) {
  Settings s;
  s.configured = c.has("bridge");
  auto where = [&](const char* key) { return c.where(std::string("bridge.") + key); };
  if (auto name = c.get_string("bridge.name")) {
    try {
      validate_ifname(*name, "bridge.name", false);
    } catch (const InputError& e) {
      throw InputError(where("name") + e.what());
    }
    s.name = *name;
    s.name_source = where("name");
  }
  if (auto net = c.get_string("bridge.zerotier_network")) {
    try {
      s.network = zerotier::validate_network_id(*net);
    } catch (const InputError& e) {
      throw InputError(where("zerotier_network") + e.what());
    }
    s.network_source = where("zerotier_network");
  }
  if (auto rate = c.get_string("bridge.broadcast_limit")) {
    double per_second = repeat::parse_rate(*rate, where("broadcast_limit"));
    if (per_second < 1)
      throw InputError(
          fmt::format("{}'{}' is under 1/second, the finest a bridge limit counts", where("broadcast_limit"), *rate));
    s.broadcast_limit = std::uint64_t(std::lround(per_second));
  }
  if (auto mss = c.get_int("bridge.mss")) {
    // 536 is the smallest MSS every IPv4 host must take; 0 turns the clamp off.
    if (*mss != 0 && (*mss < 536 || *mss > 9000))
      throw InputError(fmt::format("{}{} is not an MSS (536-9000, or 0 for none)", where("mss"), *mss));
    s.mss = std::uint16_t(*mss);
  }
  return s;
}

}  // namespace bdctl::bridge
