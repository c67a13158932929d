#include "bdctl/rtnl.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <functional>

#include "attr.hpp"
#include "bdctl/error.hpp"
#include "channel.hpp"

namespace bdctl {

namespace {

const char* operstate_name(unsigned s) {
  switch (s) {
    case IF_OPER_UP: return "up";
    case IF_OPER_DOWN: return "down";
    case IF_OPER_LOWERLAYERDOWN: return "lowerlayerdown";
    case IF_OPER_DORMANT: return "dormant";
    case IF_OPER_TESTING: return "testing";
    case IF_OPER_NOTPRESENT: return "notpresent";
    default: return "unknown";
  }
}

// Attribute readers that check the payload length first: a short or
// unterminated attribute is ignored instead of read past (found by fuzzing).
std::optional<IpAddr> addr_from(int family, const nlattr* attr) {
  std::size_t len = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
  if (len == 0 || mnl_attr_get_payload_len(attr) < len) return std::nullopt;
  IpAddr a;
  a.family = family;
  std::memcpy(a.bytes.data(), mnl_attr_get_payload(attr), len);
  return a;
}
bool ok_u32(const nlattr* attr) { return mnl_attr_validate(attr, MNL_TYPE_U32) == 0; }
bool ok_u8(const nlattr* attr) { return mnl_attr_validate(attr, MNL_TYPE_U8) == 0; }
bool ok_str(const nlattr* attr) { return mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0; }

Link parse_link(const nlmsghdr* nlh) {
  auto* ifm = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  Link l;
  l.index = ifm->ifi_index;
  l.admin_up = ifm->ifi_flags & IFF_UP;
  l.lower_up = ifm->ifi_flags & IFF_LOWER_UP;
  nl::for_each_attr(nlh, sizeof(*ifm), [&](const nlattr* attr) {
    switch (mnl_attr_get_type(attr)) {
      case IFLA_IFNAME:
        if (ok_str(attr)) l.name = mnl_attr_get_str(attr);
        break;
      case IFLA_MTU:
        if (ok_u32(attr)) l.mtu = mnl_attr_get_u32(attr);
        break;
      case IFLA_OPERSTATE:
        if (ok_u8(attr)) l.operstate = operstate_name(mnl_attr_get_u8(attr));
        break;
      case IFLA_MASTER:
        if (ok_u32(attr)) l.master = int(mnl_attr_get_u32(attr));
        break;
      case IFLA_ADDRESS:
        if (mnl_attr_get_payload_len(attr) == 6) {
          auto* b = static_cast<const unsigned char*>(mnl_attr_get_payload(attr));
          l.mac = fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3], b[4], b[5]);
        }
        break;
      case IFLA_LINKINFO: {
        nl::for_each_nested(attr, [&](const nlattr* inner) {
          if (mnl_attr_get_type(inner) == IFLA_INFO_KIND && ok_str(inner)) l.kind = mnl_attr_get_str(inner);
        });
        break;
      }
      default: break;
    }
  });
  return l;
}

Route parse_route(const nlmsghdr* nlh) {
  auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
  Route r;
  r.table = rtm->rtm_table;
  r.family = rtm->rtm_family;
  r.protocol = rtm->rtm_protocol;
  r.scope = rtm->rtm_scope;
  r.flags = rtm->rtm_flags;
  nl::for_each_attr(nlh, sizeof(*rtm), [&](const nlattr* attr) {
    switch (mnl_attr_get_type(attr)) {
      case RTA_DST:
        if (auto a = addr_from(rtm->rtm_family, attr)) r.dst = Prefix{*a, rtm->rtm_dst_len};
        break;
      case RTA_GATEWAY: r.gateway = addr_from(rtm->rtm_family, attr); break;
      case RTA_PREFSRC: r.prefsrc = addr_from(rtm->rtm_family, attr); break;
      case RTA_OIF:
        if (ok_u32(attr)) r.oif = int(mnl_attr_get_u32(attr));
        break;
      case RTA_PRIORITY:
        if (ok_u32(attr)) r.metric = mnl_attr_get_u32(attr);
        break;
      case RTA_TABLE:
        if (ok_u32(attr)) r.table = mnl_attr_get_u32(attr);
        break;
      case RTA_METRICS: {
        nl::for_each_nested(attr, [&](const nlattr* m) {
          if (mnl_attr_get_type(m) == RTAX_MTU && ok_u32(m)) r.mtu = mnl_attr_get_u32(m);
        });
        break;
      }
      default: break;
    }
  });
  if (!r.dst && rtm->rtm_dst_len != 0) r.dst = Prefix{IpAddr{rtm->rtm_family, {}}, rtm->rtm_dst_len};
  return r;
}

}  // namespace

Rtnl::Rtnl() : Rtnl(nl::kernel_transport(NETLINK_ROUTE, "rtnetlink")) {}

Rtnl::Rtnl(std::unique_ptr<nl::Transport> t)
    : ch_(std::make_unique<nl::Channel>(std::move(t), unsigned(time(nullptr)))) {}

Rtnl::~Rtnl() = default;

namespace {
// "rtnetlink RTM_GETROUTE dump": what a failure was asking, for its message.
std::string request_name(const nlmsghdr* nlh) {
  const char* type = nlh->nlmsg_type == RTM_GETLINK    ? "RTM_GETLINK"
                     : nlh->nlmsg_type == RTM_GETADDR  ? "RTM_GETADDR"
                     : nlh->nlmsg_type == RTM_GETROUTE ? "RTM_GETROUTE"
                                                       : "request";
  return fmt::format("rtnetlink {}{}", type, (nlh->nlmsg_flags & NLM_F_DUMP) ? " dump" : "");
}
}  // namespace

template <class F>
void Rtnl::dump(void* buf_in, F&& on_msg) {
  auto* nlh = static_cast<nlmsghdr*>(buf_in);
  nlh->nlmsg_seq = ch_->next_seq();
  // Every error names the request and keeps its errno (callers test code()).
  auto what = request_name(nlh);
  int err = ch_->request(nlh, what, nl::MsgFn(std::forward<F>(on_msg)));
  if (err == ENETUNREACH || err == EHOSTUNREACH || err == ESRCH) throw SystemError("no route", err);
  if (err) throw SystemError(what, err);
}

std::vector<Link> Rtnl::links() {
  char buf[nl::kMsgBufferSize] = {};  // padding included: libmnl 1.0.4 leaves it
  auto* nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = RTM_GETLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  auto* ifm = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifm->ifi_family = AF_UNSPEC;
  std::vector<Link> out;
  dump(nlh, [&](const nlmsghdr* m) { out.push_back(parse_link(m)); });
  return out;
}

// One RTM_GETLINK for one link instead of a dump of all of them (a Pi running
// Docker carries a veth per container); ENODEV means there is no such link.
std::optional<Link> Rtnl::get_link(int index, const std::string& name) {
  char buf[nl::kMsgBufferSize] = {};  // padding included: libmnl 1.0.4 leaves it
  auto* nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = RTM_GETLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  auto* ifm = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = index;
  if (!name.empty()) mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
  std::optional<Link> out;
  try {
    dump(nlh, [&](const nlmsghdr* m) { out = parse_link(m); });
  } catch (const SystemError& e) {
    if (e.code() == ENODEV) return std::nullopt;
    throw;
  }
  return out;
}

std::optional<Link> Rtnl::link(const std::string& name) {
  // A name the kernel could never hold is simply not a link (ERANGE/EINVAL otherwise).
  if (name.empty() || name.size() >= IFNAMSIZ) return std::nullopt;
  return get_link(0, name);
}

std::optional<Link> Rtnl::link(int index) {
  if (index <= 0) return std::nullopt;
  return get_link(index, {});
}

std::vector<Address> Rtnl::addresses(int family) {
  char buf[nl::kMsgBufferSize] = {};  // padding included: libmnl 1.0.4 leaves it
  auto* nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = RTM_GETADDR;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = std::uint8_t(family);
  std::vector<Address> out;
  dump(nlh, [&](const nlmsghdr* m) {
    auto* am = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(m));
    if (family && am->ifa_family != family) return;
    std::optional<IpAddr> local, address;
    Address rec;
    rec.ifindex = int(am->ifa_index);
    rec.flags = am->ifa_flags;
    rec.scope = am->ifa_scope;
    nl::for_each_attr(m, sizeof(*am), [&](const nlattr* attr) {
      if (mnl_attr_get_type(attr) == IFA_LOCAL) local = addr_from(am->ifa_family, attr);
      if (mnl_attr_get_type(attr) == IFA_ADDRESS) address = addr_from(am->ifa_family, attr);
      if (mnl_attr_get_type(attr) == IFA_BROADCAST) rec.broadcast = addr_from(am->ifa_family, attr);
      if (mnl_attr_get_type(attr) == IFA_FLAGS && ok_u32(attr)) rec.flags = mnl_attr_get_u32(attr);  // all 32 bits
    });
    // IFA_LOCAL is the interface's own address on point-to-point links.
    auto a = local ? local : address;
    if (!a) return;
    rec.prefix = Prefix{*a, am->ifa_prefixlen};
    out.push_back(rec);
  });
  return out;
}

std::vector<Route> Rtnl::routes(int family) {
  std::vector<Route> out;
  for (auto& r : all_routes(family))
    if (r.table == RT_TABLE_MAIN) out.push_back(r);
  return out;
}

std::vector<Route> Rtnl::all_routes(int family) {
  char buf[nl::kMsgBufferSize] = {};  // padding included: libmnl 1.0.4 leaves it
  auto* nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = RTM_GETROUTE;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = std::uint8_t(family);
  std::vector<Route> out;
  dump(nlh, [&](const nlmsghdr* m) {
    auto* rm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(m));
    if (rm->rtm_type != RTN_UNICAST) return;
    auto r = parse_route(m);
    if (r.table != RT_TABLE_LOCAL) out.push_back(r);
  });
  return out;
}

std::optional<Route> Rtnl::default_route(int family) {
  std::optional<Route> best;
  for (auto& r : routes(family))
    if (!r.dst || r.dst->len == 0)
      if (!best || r.metric < best->metric) best = r;
  return best;
}

std::optional<Route> Rtnl::route_get(const IpAddr& dst) {
  char buf[nl::kMsgBufferSize] = {};  // padding included: libmnl 1.0.4 leaves it
  auto* nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = RTM_GETROUTE;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = std::uint8_t(dst.family);
  rtm->rtm_dst_len = dst.family == AF_INET ? 32 : 128;
  mnl_attr_put(nlh, RTA_DST, dst.family == AF_INET ? 4 : 16, dst.bytes.data());
  std::optional<Route> out;
  try {
    dump(nlh, [&](const nlmsghdr* m) {
      if (m->nlmsg_type == RTM_NEWROUTE) out = parse_route(m);
    });
  } catch (const SystemError& e) {
    if (e.code() == ENETUNREACH || e.code() == EHOSTUNREACH || e.code() == ESRCH) return std::nullopt;
    throw;
  }
  return out;
}

}  // namespace bdctl
