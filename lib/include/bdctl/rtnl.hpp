// Links, addresses and routes read through rtnetlink (libmnl), as `ip` reads them.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bdctl/ipaddr.hpp"
#include "bdctl/netlink.hpp"

namespace bdctl {

namespace nl {
class Channel;
}

struct Link {
  int index = 0;
  std::string name;
  std::string kind;       // "veth", "bridge", "tun", "" for physical NICs
  std::string operstate;  // "up", "down", "unknown", "lowerlayerdown", ...
  bool admin_up = false;  // IFF_UP
  bool lower_up = false;  // IFF_LOWER_UP (carrier)
  unsigned mtu = 0;
};

struct Address {
  int ifindex = 0;
  Prefix prefix;  // address with its prefix length: 192.168.1.201/24
};

struct Route {
  std::optional<Prefix> dst;  // nullopt: the default route
  std::optional<IpAddr> gateway;
  std::optional<IpAddr> prefsrc;
  int oif = 0;
  unsigned table = 0;
  unsigned metric = 0;
  unsigned mtu = 0;  // RTAX_MTU when the route carries one
};

class Rtnl {
 public:
  Rtnl();  // opens NETLINK_ROUTE; SystemError on failure
  // Over another transport: a test's stand-in for the kernel.
  explicit Rtnl(std::unique_ptr<nl::Transport> t);
  ~Rtnl();
  Rtnl(const Rtnl&) = delete;
  Rtnl& operator=(const Rtnl&) = delete;

  std::vector<Link> links();
  std::optional<Link> link(const std::string& name);
  std::optional<Link> link(int index);
  std::vector<Address> addresses(int family = 0);  // 0: both
  std::vector<Route> routes(int family);           // main table
  std::optional<Route> default_route(int family);  // lowest metric
  // What the kernel would do for dst (RTM_GETROUTE, as `ip route get`).
  std::optional<Route> route_get(const IpAddr& dst);

 private:
  std::optional<Link> get_link(int index, const std::string& name);
  template <class F>
  void dump(void* nlh_buf, F&& on_msg);
  std::unique_ptr<nl::Channel> ch_;
};

}  // namespace bdctl
