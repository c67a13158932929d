// Which interfaces are "the LAN" and "ZeroTier", found the same way by every group.
#include <fmt/format.h>
#include <sys/socket.h>

#include "bdctl/rtnl.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

Interfaces find_interfaces(const Settings& s) {
  Interfaces out;
  Rtnl rt;
  if (s.zt_if) {
    out.zt.push_back(*s.zt_if);
  } else {
    for (const auto& l : rt.links())
      if (l.name.rfind("zt", 0) == 0) out.zt.push_back(l.name);
  }
  if (s.lan_if) {
    out.lan = *s.lan_if;
    out.lan_source = "config";
  } else if (s.lan_subnet) {
    // The interface that holds an address inside the site subnet.
    for (const auto& a : rt.addresses(s.lan_subnet->addr.family))
      if (s.lan_subnet->contains(a.prefix.addr))
        if (auto l = rt.link(a.ifindex)) {
          out.lan = l->name;
          out.lan_source = "address in " + s.lan_subnet->to_string();
          break;
        }
  }
  if (out.lan.empty()) {
    if (auto d = rt.default_route(AF_INET))
      if (auto l = rt.link(d->oif)) {
        out.lan = l->name;
        out.lan_source = "default route";
      }
  }
  return out;
}

}  // namespace bdctl::check::detail
