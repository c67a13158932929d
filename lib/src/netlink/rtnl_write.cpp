// The rtnetlink writes bdctl-bridge makes, each one request acked by the
// kernel (as `ip link/addr/route add|del` send them).
#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <optional>
#include <system_error>

#include "attr.hpp"
#include "bdctl/error.hpp"
#include "bdctl/rtnl.hpp"
#include "channel.hpp"

namespace bdctl {

namespace {

nlmsghdr* header(char* buf, std::uint16_t type, std::uint16_t flags) {
  auto* nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  return nlh;
}

ifinfomsg* link_header(nlmsghdr* nlh, int index) {
  auto* ifm = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = index;
  return ifm;
}

std::size_t addr_len(const IpAddr& a) { return a.family == AF_INET ? 4 : 16; }

void put_addr(nlmsghdr* nlh, std::uint16_t type, const IpAddr& a) {
  mnl_attr_put(nlh, type, addr_len(a), a.bytes.data());
}

// The flags `ip addr add` may set; the rest (tentative, deprecated, ...) are the kernel's.
constexpr unsigned kSettableAddrFlags =
    IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_NOPREFIXROUTE | IFA_F_MANAGETEMPADDR | IFA_F_MCAUTOJOIN;

nlmsghdr* address_msg(char* buf, std::uint16_t type, std::uint16_t flags, const Address& a) {
  auto* nlh = header(buf, type, flags);
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = std::uint8_t(a.prefix.addr.family);
  ifa->ifa_prefixlen = std::uint8_t(a.prefix.len);
  ifa->ifa_scope = a.scope;
  ifa->ifa_index = unsigned(a.ifindex);
  put_addr(nlh, IFA_LOCAL, a.prefix.addr);
  put_addr(nlh, IFA_ADDRESS, a.prefix.addr);
  if (type == RTM_NEWADDR) {
    if (a.broadcast) put_addr(nlh, IFA_BROADCAST, *a.broadcast);
    if (a.flags & kSettableAddrFlags) mnl_attr_put_u32(nlh, IFA_FLAGS, a.flags & kSettableAddrFlags);
  }
  return nlh;
}

nlmsghdr* route_msg(char* buf, std::uint16_t type, std::uint16_t flags, const Route& r) {
  auto* nlh = header(buf, type, flags);
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = std::uint8_t(r.family);
  rtm->rtm_dst_len = std::uint8_t(r.dst ? r.dst->len : 0);
  rtm->rtm_table = std::uint8_t(r.table < 256 ? r.table : RT_TABLE_UNSPEC);
  rtm->rtm_protocol = r.protocol;
  rtm->rtm_scope = r.scope;
  rtm->rtm_type = RTN_UNICAST;
  rtm->rtm_flags = r.flags & RTNH_F_ONLINK;
  if (r.dst && r.dst->len) put_addr(nlh, RTA_DST, r.dst->addr);
  if (r.gateway) put_addr(nlh, RTA_GATEWAY, *r.gateway);
  if (r.prefsrc) put_addr(nlh, RTA_PREFSRC, *r.prefsrc);
  mnl_attr_put_u32(nlh, RTA_OIF, unsigned(r.oif));
  mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
  mnl_attr_put_u32(nlh, RTA_TABLE, r.table);
  if (r.mtu && type == RTM_NEWROUTE) {
    auto* nest = mnl_attr_nest_start(nlh, RTA_METRICS);
    mnl_attr_put_u32(nlh, RTAX_MTU, r.mtu);
    mnl_attr_nest_end(nlh, nest);
  }
  return nlh;
}

std::string route_text(const Route& r) {
  std::string s = r.dst && r.dst->len ? r.dst->to_string() : "default";
  if (r.gateway) s += " via " + r.gateway->to_string();
  return fmt::format("{} dev #{} table {} metric {}", s, r.oif, r.table, r.metric);
}

}  // namespace

void Rtnl::write(void* buf, const std::string& what, std::initializer_list<int> fine) {
  auto* nlh = static_cast<nlmsghdr*>(buf);
  nlh->nlmsg_seq = ch_->next_seq();
  int err = ch_->request(nlh, what, [](const nlmsghdr*) {});
  if (!err) return;
  for (int f : fine)
    if (err == f) return;
  throw SystemError(what, err);
}

namespace {
// "aa:bb:cc:dd:ee:ff" as the kernel prints it; nullopt for anything else.
std::optional<std::array<unsigned char, 6>> mac_bytes(const std::string& mac) {
  if (mac.size() != 17) return std::nullopt;
  std::array<unsigned char, 6> b{};
  for (std::size_t i = 0; i < 6; ++i) {
    if (i && mac[i * 3 - 1] != ':') return std::nullopt;
    auto [end, ec] = std::from_chars(mac.data() + i * 3, mac.data() + i * 3 + 2, b[i], 16);
    if (ec != std::errc{} || end != mac.data() + i * 3 + 2) return std::nullopt;
  }
  return b;
}
}  // namespace

void Rtnl::create_bridge(const std::string& name, const std::string& mac) {
  char buf[nl::kMsgBufferSize] = {};
  auto* nlh = header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  link_header(nlh, 0);
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
  auto b = mac_bytes(mac);
  // A random MAC would break the LAN's DHCP reservation and every ARP cache.
  if (!mac.empty() && !b) throw InputError(fmt::format("'{}' is not a MAC address (aa:bb:cc:dd:ee:ff)", mac));
  if (b)
    mnl_attr_put(nlh, IFLA_ADDRESS, b->size(), b->data());  // the LAN's: DHCP reservations and ARP caches keep working
  auto* info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
  auto* data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
  mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
  mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 0);
  // Without a querier snooping learns nothing, and ZeroTier's tap sends no
  // reports: flood multicast (mDNS, SSDP) to every port, under the rate limit.
  mnl_attr_put_u8(nlh, IFLA_BR_MCAST_SNOOPING, 0);
  mnl_attr_nest_end(nlh, data);
  mnl_attr_nest_end(nlh, info);
  write(nlh, fmt::format("create bridge {}", name));
}

void Rtnl::delete_link(int index) {
  char buf[nl::kMsgBufferSize] = {};
  auto* nlh = header(buf, RTM_DELLINK, 0);
  link_header(nlh, index);
  write(nlh, fmt::format("delete link #{}", index), {ENODEV});
}

void Rtnl::set_master(int index, int master) {
  char buf[nl::kMsgBufferSize] = {};
  auto* nlh = header(buf, RTM_NEWLINK, 0);
  link_header(nlh, index);
  mnl_attr_put_u32(nlh, IFLA_MASTER, unsigned(master));
  write(nlh, fmt::format("set master of link #{} to #{}", index, master));
}

void Rtnl::set_up(int index, bool up) {
  char buf[nl::kMsgBufferSize] = {};
  auto* nlh = header(buf, RTM_NEWLINK, 0);
  auto* ifm = link_header(nlh, index);
  ifm->ifi_change = IFF_UP;
  ifm->ifi_flags = up ? IFF_UP : 0;
  write(nlh, fmt::format("set link #{} {}", index, up ? "up" : "down"));
}

void Rtnl::add_address(const Address& a) {
  char buf[nl::kMsgBufferSize] = {};
  write(address_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, a),
        fmt::format("add address {} to link #{}", a.prefix.to_string(), a.ifindex), {EEXIST});
}

void Rtnl::delete_address(const Address& a) {
  char buf[nl::kMsgBufferSize] = {};
  write(address_msg(buf, RTM_DELADDR, 0, a),
        fmt::format("delete address {} from link #{}", a.prefix.to_string(), a.ifindex), {EADDRNOTAVAIL, ENODEV});
}

void Rtnl::add_route(const Route& r) {
  char buf[nl::kMsgBufferSize] = {};
  write(route_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, r), "add route " + route_text(r), {EEXIST});
}

void Rtnl::delete_route(const Route& r) {
  char buf[nl::kMsgBufferSize] = {};
  write(route_msg(buf, RTM_DELROUTE, 0, r), "delete route " + route_text(r), {ESRCH, ENODEV});
}

}  // namespace bdctl
