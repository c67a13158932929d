// The ZeroTier interface bdctl-route routes through: portDeviceName of the
// only joined network, or of the one named.
#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "bdctl/zerotier.hpp"

namespace bdctl::zerotier {

std::string interface_name(const ClientOptions& opt, const std::optional<std::string>& network_id) {
  std::optional<std::string> nwid;
  if (network_id) nwid = validate_network_id(*network_id);  // before any request
  Client c(opt);
  if (nwid) {
    auto n = c.network(*nwid);
    if (!n) throw InputError(fmt::format("ZeroTier network {} is not joined (zerotier-cli join {})", *nwid, *nwid));
    if (n->port_device_name.empty())
      throw SystemError(fmt::format("ZeroTier network {} has no interface yet (status {})", *nwid, n->status));
    return n->port_device_name;
  }
  auto nets = c.networks();
  if (nets.empty())
    throw InputError("no ZeroTier network is joined: join one (zerotier-cli join ID) or name the interface");
  if (nets.size() > 1) {
    std::string list;
    for (const auto& n : nets) list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", n.id, n.port_device_name);
    throw InputError(fmt::format("{} ZeroTier networks are joined: {}; pick one with --network ID", nets.size(), list));
  }
  if (nets[0].port_device_name.empty())
    throw SystemError(fmt::format("ZeroTier network {} has no interface yet (status {})", nets[0].id, nets[0].status));
  return nets[0].port_device_name;
}

}  // namespace bdctl::zerotier
