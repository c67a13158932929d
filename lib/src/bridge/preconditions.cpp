// What up checks before it changes anything, with what to do when it fails:
// ZeroTier's guide puts most of it in Central, where bdctl cannot reach.
#include <fmt/format.h>
#include <linux/if_addr.h>
#include <sys/socket.h>

#include "bdctl/bridge.hpp"
#include "bdctl/zerotier.hpp"

namespace bdctl::bridge {

namespace {

const Link* find(const std::vector<Link>& links, const std::string& name) {
  for (const auto& l : links)
    if (l.name == name) return &l;
  return nullptr;
}

Precondition ok(std::string name, std::string message) { return {std::move(name), "ok", std::move(message), ""}; }

void zerotier_side(const Inputs& in, std::vector<Precondition>& out) {
  const std::string central = fmt::format("in ZeroTier Central, network {}, Members, this node", in.network);
  if (!in.zt) {
    std::string why = in.zt_error.empty() ? fmt::format("this node has not joined network {}", in.network)
                                          : "the ZeroTier service could not be asked: " + in.zt_error;
    out.push_back({"zerotier.bridging", "unknown", why,
                   in.zt_error.empty() ? fmt::format("zerotier-cli join {}", in.network)
                                       : "start zerotier-one, or check --zt-home"});
    return;
  }
  const auto& n = *in.zt;
  if (n.bridge)
    out.push_back(ok("zerotier.bridging", "the network lets this member bridge"));
  else
    out.push_back({"zerotier.bridging", "fail", "the network does not let this member bridge (bridge: false)",
                   central + ": tick \"Allow Ethernet Bridging\" and \"Do Not Auto-Assign IPs\""});
  if (!n.allow_managed)
    out.push_back(ok("zerotier.managed", "managed addresses are off on the bridged network"));
  else
    out.push_back({"zerotier.managed", "fail",
                   "managed addresses are on (allowManaged): ZeroTier would put its own address on a bridge port",
                   fmt::format("zerotier-cli set {} allowManaged=0", in.network)});
  const Link* lan = find(in.links, in.names.lan);
  if (lan && n.mtu > 0 && unsigned(n.mtu) > lan->mtu)
    out.push_back({"zerotier.mtu", "warn",
                   fmt::format("the network's MTU {} is above {}'s {}: frames over {} bytes from the far side are "
                               "dropped (bridged TCP is clamped either way)",
                               n.mtu, lan->name, lan->mtu, lan->mtu),
                   fmt::format("in ZeroTier Central, network {}, Advanced: set the MTU to {}", in.network, lan->mtu)});
  else if (n.mtu > 0)
    out.push_back(ok("zerotier.mtu", fmt::format("the network's MTU {} fits the LAN", n.mtu)));
}

void links(const Inputs& in, std::vector<Precondition>& out) {
  const auto& nm = in.names;
  const Link* lan = find(in.links, nm.lan);
  const Link* zt = find(in.links, nm.zt);
  const Link* br = find(in.links, nm.bridge);
  if (!lan)
    out.push_back({"lan.interface", "fail", fmt::format("no link named {}", nm.lan), "name the LAN port with --lan"});
  else if (lan->master && (!br || lan->master != br->index))
    out.push_back({"lan.interface", "fail", fmt::format("{} is already a port of another link", nm.lan),
                   fmt::format("ip link set {} nomaster", nm.lan)});
  else
    out.push_back(ok("lan.interface", fmt::format("{} exists", nm.lan)));
  if (!zt)
    out.push_back({"zerotier.interface", "fail", fmt::format("no link named {}", nm.zt),
                   "join the network, or name its interface with --zt"});
  else if (zt->master && (!br || zt->master != br->index))
    out.push_back({"zerotier.interface", "fail", fmt::format("{} is already a port of another link", nm.zt),
                   fmt::format("ip link set {} nomaster", nm.zt)});
  else
    out.push_back(ok("zerotier.interface", fmt::format("{} exists", nm.zt)));
  if (br && br->kind != "bridge")
    out.push_back({"bridge.name", "fail", fmt::format("{} is a {} link, not a bridge", nm.bridge, br->kind),
                   "choose another name: [bridge] name"});
  if (!lan) return;
  // The Pi keeps answering on the LAN only if it has an address there to move.
  bool v4 = in.recorded_v4;
  for (const auto& a : in.addresses)
    if ((a.ifindex == lan->index || (br && a.ifindex == br->index)) && a.prefix.addr.family == AF_INET) v4 = true;
  if (v4)
    out.push_back(ok("lan.address", fmt::format("the Pi has an IPv4 address on {}{}", nm.lan,
                                                in.recorded_v4 ? " (as the last up recorded)" : "")));
  else
    out.push_back({"lan.address", "fail", fmt::format("the Pi has no IPv4 address on {}", nm.lan),
                   "give the LAN port its address first: bdctl moves it, it does not make one"});
  // A leased address moves as a permanent one: the DHCP client on the port
  // no longer renews it, and may take it back or add it again beside the bridge.
  for (const auto& a : in.addresses)
    if (a.ifindex == lan->index && a.prefix.addr.family == AF_INET && !(a.flags & IFA_F_PERMANENT))
      out.push_back({"lan.dhcp", "warn",
                     fmt::format("{} on {} is leased (DHCP): on the bridge it is made permanent, and the DHCP "
                                 "client on {} no longer renews it",
                                 a.prefix.to_string(), nm.lan, nm.lan),
                     fmt::format("give the Pi a static address (a reservation for {} in the LAN's DHCP server, and "
                                 "a static configuration), or let the client manage {} instead of {}",
                                 a.prefix.addr.to_string(), nm.bridge, nm.lan)});
}

}  // namespace

std::vector<Precondition> preconditions(const Inputs& in) {
  std::vector<Precondition> out;
  links(in, out);
  zerotier_side(in, out);
  return out;
}

bool may_proceed(const std::vector<Precondition>& p, bool force) {
  for (const auto& c : p) {
    if (c.status == "fail") return false;
    if (c.status == "unknown" && !force) return false;
  }
  return true;
}

}  // namespace bdctl::bridge
