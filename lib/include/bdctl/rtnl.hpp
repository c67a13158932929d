// Links, addresses and routes through rtnetlink (libmnl), as `ip` reads and
// writes them. The writes are what bdctl-bridge needs: a bridge, its ports,
// and addresses and routes moved between interfaces.
#pragma once
#include <initializer_list>
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
  int master = 0;   // IFLA_MASTER: the bridge holding it (0: none)
  std::string mac;  // "dc:a6:32:01:02:03" ("" when the link has none)
};

struct Address {
  int ifindex = 0;
  Prefix prefix;  // address with its prefix length: 192.168.1.201/24
  std::optional<IpAddr> broadcast;
  unsigned flags = 0;       // IFA_F_*
  unsigned char scope = 0;  // RT_SCOPE_*
};

struct Route {
  std::optional<Prefix> dst;  // nullopt: the default route
  std::optional<IpAddr> gateway;
  std::optional<IpAddr> prefsrc;
  int oif = 0;
  unsigned table = 0;
  unsigned metric = 0;
  unsigned mtu = 0;  // RTAX_MTU when the route carries one
  int family = 0;
  unsigned char protocol = 0;  // RTPROT_* (kernel, boot, static, dhcp, ra)
  unsigned char scope = 0;     // RT_SCOPE_*
  unsigned flags = 0;          // RTNH_F_ONLINK, ...
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
  std::vector<Route> all_routes(int family);       // every table but local, unicast
  std::optional<Route> default_route(int family);  // lowest metric
  // What the kernel would do for dst (RTM_GETROUTE, as `ip route get`).
  std::optional<Route> route_get(const IpAddr& dst);

  // Writes (rtnl_write.cpp). Each throws SystemError naming the object and
  // keeping the errno; the idempotent ones say so.
  void create_bridge(const std::string& name, const std::string& mac);  // STP off, no forward delay, no snooping
  void delete_link(int index);
  void set_master(int index, int master);  // 0: released
  void set_up(int index, bool up);
  void add_address(const Address& a);     // present already: nothing
  void delete_address(const Address& a);  // absent already: nothing
  void add_route(const Route& r);         // present already: nothing
  void delete_route(const Route& r);      // absent already: nothing

 private:
  void write(void* nlh_buf, const std::string& what, std::initializer_list<int> fine = {});
  std::optional<Link> get_link(int index, const std::string& name);
  template <class F>
  void dump(void* nlh_buf, F&& on_msg);
  std::unique_ptr<nl::Channel> ch_;
};

}  // namespace bdctl
