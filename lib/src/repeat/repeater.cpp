// The repeater (bdctl/repeater.hpp): hears a rule's broadcasts and group
// on each side, drops its own and other repeaters' copies, holds the rate
// and sends one copy, source kept, on the other side only.
#include "bdctl/repeater.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bdctl/audit.hpp"
#include "bdctl/error.hpp"
#include "bdctl/handles.hpp"
#include "bdctl/rtnl.hpp"

namespace bdctl::repeat {

namespace {
using steady = std::chrono::steady_clock;
constexpr std::int64_t kSentWindowMs = 2000;  // a looped copy comes back within milliseconds
constexpr int kDrainPerWake = 64;             // per socket, so one busy port cannot starve the others

std::int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now().time_since_epoch()).count();
}

Ipv4 to_ipv4(in_addr a) {
  const auto* b = reinterpret_cast<const std::uint8_t*>(&a.s_addr);
  return {b[0], b[1], b[2], b[3]};
}
in_addr to_in(const Ipv4& a) {
  in_addr r{};
  std::memcpy(&r.s_addr, a.data(), 4);
  return r;
}

void opt(int fd, int level, int name, int value, const std::string& what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) throw SystemError(what, errno);
}
void bind_to(int fd, const std::string& ifname) {
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), socklen_t(ifname.size())) != 0)
    throw SystemError("SO_BINDTODEVICE " + ifname, errno);
}

// A socket that hears rule r on one interface: the rule's port at one
// destination (its group, the limited broadcast, the subnet's broadcast),
// only what arrives on that interface, with each packet's destination, TOS
// and TTL. Bound to that destination, not to any address: a socket bound to
// the device wins the kernel's lookup over a local service's plain one, and
// would take the unicast meant for avahi or an SSDP service.
Fd hear_socket(const Rule& r, const std::string& ifname, int ifindex, const Ipv4& at) {
  Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) throw SystemError("socket", errno);
  std::string what = fmt::format("{}:{} on {}", ipv4_text(at), r.port, ifname);
  // Beside a local service on the same port (avahi on 5353 sets it too).
  opt(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1, what + ": SO_REUSEADDR");
  bind_to(fd.get(), ifname);
  opt(fd.get(), IPPROTO_IP, IP_PKTINFO, 1, what + ": IP_PKTINFO");
  opt(fd.get(), IPPROTO_IP, IP_RECVTOS, 1, what + ": IP_RECVTOS");
  opt(fd.get(), IPPROTO_IP, IP_RECVTTL, 1, what + ": IP_RECVTTL");
  // The count of datagrams the kernel dropped on a full queue (a storm), with each one read.
  opt(fd.get(), SOL_SOCKET, SO_RXQ_OVFL, 1, what + ": SO_RXQ_OVFL");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(r.port);
  a.sin_addr = to_in(at);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw SystemError("bind " + what, errno);
  if (r.group) {
    // Only the group this socket joined, not every group another socket did.
    opt(fd.get(), IPPROTO_IP, IP_MULTICAST_ALL, 0, what + ": IP_MULTICAST_ALL");
    ip_mreqn m{};
    m.imr_multiaddr = to_in(*r.group);
    m.imr_ifindex = ifindex;
    if (::setsockopt(fd.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) != 0)
      throw SystemError(fmt::format("joining {} on {}", ipv4_text(*r.group), ifname), errno);
  }
  return fd;
}

// The socket that sends the copies out of one interface, whole packets
// (IPPROTO_RAW implies IP_HDRINCL); the kernel's loopback of them is off,
// so local services hear a packet once, on the side it was sent to.
Fd send_socket(const std::string& ifname, int ifindex) {
  Fd fd(::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_RAW));
  if (!fd.valid()) throw SystemError("raw socket on " + ifname, errno);
  bind_to(fd.get(), ifname);
  opt(fd.get(), SOL_SOCKET, SO_BROADCAST, 1, ifname + ": SO_BROADCAST");
  opt(fd.get(), IPPROTO_IP, IP_MULTICAST_LOOP, 0, ifname + ": IP_MULTICAST_LOOP");
  ip_mreqn m{};
  m.imr_ifindex = ifindex;
  if (::setsockopt(fd.get(), IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m) != 0)
    throw SystemError(ifname + ": IP_MULTICAST_IF", errno);
  return fd;
}

// The kernel's link and IPv4 address events. Only that one came is used (a
// dump follows); an overflowed queue (ENOBUFS) says the same.
Fd link_events() {
  Fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE));
  if (!fd.valid()) throw SystemError("rtnetlink socket", errno);
  sockaddr_nl a{};
  a.nl_family = AF_NETLINK;
  a.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    throw SystemError("rtnetlink link and address events", errno);
  return fd;
}

bool drained_events(int fd) {
  bool any = false;
  char buf[8192];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0 || (n < 0 && errno == ENOBUFS)) {
      any = true;
      continue;
    }
    return any;
  }
}

struct Heard {
  Ipv4 src{}, dst{};
  std::uint16_t src_port = 0;
  std::uint8_t tos = 0, ttl = 1;
  std::string_view payload;
};
}  // namespace

struct Repeater::Impl {
  Status st;
  std::array<int, 2> opened{0, 0};  // the ifindex each side's sockets were opened on
  std::array<Fd, 2> sender;
  struct Ear {
    Fd fd;
    std::uint32_t dropped = 0;  // the kernel's SO_RXQ_OVFL count, last seen
  };
  std::vector<std::array<std::vector<Ear>, 2>> hear;    // per rule and side: its group, or the two broadcasts
  std::array<std::optional<Ipv4>, 2> opened_broadcast;  // the subnet broadcast each side's sockets hear
  std::vector<RateLimit> rate;                          // per rule and side heard on: [rule * 2 + side]
  std::array<RecentlySent, 2> sent{RecentlySent(kSentWindowMs), RecentlySent(kSentWindowMs)};  // by side sent on
  // The broadcasts sent on each side, whose copy the kernel loops back to
  // this host once (a multicast's it does not: IP_MULTICAST_LOOP is off).
  std::array<RecentlySent, 2> looped{RecentlySent(kSentWindowMs), RecentlySent(kSentWindowMs)};
  std::vector<char> buf = std::vector<char>(65536);
  std::uint16_t ip_id = std::uint16_t(::getpid());  // fragments' identification, one per copy
  // What serve() polls: [0] the stop descriptor, [1] the link events, then
  // each open socket; rebuilt when a side opens or closes.
  Fd events = link_events();
  std::vector<pollfd> fds;
  struct Who {
    std::size_t rule;
    Side side;
    Ear* ear;  // into hear, which stays put until fds_stale
  };
  std::vector<Who> who;
  bool fds_stale = true;

  void close_side(Side s) {
    fds_stale = true;
    sender[s].reset();
    for (auto& h : hear) h[s].clear();
    opened_broadcast[s].reset();
    opened[s] = 0;
  }

  void open_side(Side s, int ifindex) {
    close_side(s);
    const auto& name = st.sides[s].interface;
    sender[s] = send_socket(name, ifindex);
    const auto& bcast = st.sides[s].broadcast;
    for (std::size_t i = 0; i < st.rules.size(); ++i) {
      const auto& r = st.rules[i].rule;
      if (!r.from[s]) continue;
      std::vector<Ipv4> at;
      if (r.group)
        at.push_back(*r.group);
      else {
        at.push_back({255, 255, 255, 255});
        if (bcast) at.push_back(*bcast);
      }
      for (const auto& a : at) hear[i][s].push_back({hear_socket(r, name, ifindex, a), 0});
    }
    opened[s] = ifindex;
    opened_broadcast[s] = bcast;
  }

  bool is_for(const Rule& r, Side s, const Ipv4& dst) const {
    if (r.group) return dst == *r.group;
    return dst == Ipv4{255, 255, 255, 255} || (st.sides[s].broadcast && dst == *st.sides[s].broadcast);
  }

  Ipv4 out_dst(const Rule& r, Side out, const Ipv4& dst) const {
    if (r.group || dst == Ipv4{255, 255, 255, 255}) return dst;
    // A directed broadcast becomes the other subnet's (the limited one when it has none).
    return st.sides[out].broadcast.value_or(Ipv4{255, 255, 255, 255});
  }

  void handle(std::size_t i, Side s, const Heard& h) {
    auto& rs = st.rules[i];
    if (!is_for(rs.rule, s, h.dst)) return;  // the subnet's old broadcast, until refresh reopens
    auto& c = rs.by_side[s];
    ++st.generation;
    auto now = mono_ms();
    auto key = RecentlySent::key(h.src, h.src_port, rs.rule.port, h.payload);
    if (is_echo(h.tos)) {
      // Marked and not our own loopback: another repeater's copy, or ours
      // back through a loop (a bridge between the two sides).
      if (looped[s].take(key, now)) {
        ++c.echoes;
      } else {
        ++c.other_marks;
        c.last_trouble_ms = unix_ms_now();
      }
      return;
    }
    if (sent[s].contains(key, now)) {  // ours, its mark cleared on the way (a repeater that rewrites DSCP)
      ++c.echoes;
      return;
    }
    ++c.heard;
    Side out = s == lan ? zerotier : lan;
    if (!opened[out]) {
      ++c.errors;
      c.last_error = fmt::format("{} is missing: nothing sent", st.sides[out].interface);
      return;
    }
    if (!rate[i * 2 + s].take(now)) {
      ++c.rate_limited;
      c.last_trouble_ms = unix_ms_now();
      return;
    }
    Datagram d;
    d.src = h.src;
    d.dst = out_dst(rs.rule, out, h.dst);
    d.src_port = h.src_port;
    d.dst_port = rs.rule.port;
    d.ttl = h.ttl;  // mDNS's 255 stays 255
    d.tos = std::uint8_t(kEchoTos | (h.tos & 0x3));
    d.payload = h.payload;
    // ZeroTier's 2800 bytes do not fit the LAN's 1500: cut here, as the
    // kernel would for a socket that let it build the header.
    if (++ip_id == 0) ++ip_id;
    auto pkts = fragments(build(d), st.sides[out].mtu ? st.sides[out].mtu : 1500, ip_id);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr = to_in(d.dst);
    for (const auto& pkt : pkts)
      if (::sendto(sender[out].get(), pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
        ++c.errors;
        c.last_error = fmt::format("sending {} bytes to {} on {}: {}", pkt.size(), ipv4_text(d.dst),
                                   st.sides[out].interface, std::strerror(errno));
        return;
      }
    ++c.repeated;
    sent[out].add(key, now);
    if (!rs.rule.group) looped[out].add(key, now);
  }

  // Reads what one socket holds; an error is the interface going, which refresh sees.
  void drain(std::size_t i, Side s, Ear& ear) {
    int fd = ear.fd.get();
    for (int n = 0; n < kDrainPerWake; ++n) {
      sockaddr_in from{};
      iovec iov{buf.data(), buf.size()};
      alignas(cmsghdr) char control[256];
      msghdr m{};
      m.msg_name = &from;
      m.msg_namelen = sizeof from;
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
      m.msg_control = control;
      m.msg_controllen = sizeof control;
      ssize_t got = ::recvmsg(fd, &m, MSG_DONTWAIT);
      if (got < 0) return;  // EAGAIN; an error is the interface going: refresh sees it
      Heard h;
      h.src = to_ipv4(from.sin_addr);
      h.src_port = ntohs(from.sin_port);
      h.payload = std::string_view(buf.data(), std::size_t(got));
      bool have_dst = false;
      for (cmsghdr* cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
          std::uint32_t total = 0;
          std::memcpy(&total, CMSG_DATA(cm), sizeof total);
          if (total != ear.dropped) {
            st.rules[i].by_side[s].overflows += total - ear.dropped;  // unsigned: a wrap counts right
            st.rules[i].by_side[s].last_trouble_ms = unix_ms_now();
            ear.dropped = total;
            ++st.generation;
          }
        }
        if (cm->cmsg_level != IPPROTO_IP) continue;
        if (cm->cmsg_type == IP_PKTINFO) {
          in_pktinfo pi{};
          std::memcpy(&pi, CMSG_DATA(cm), sizeof pi);
          h.dst = to_ipv4(pi.ipi_addr);
          have_dst = true;
        } else if (cm->cmsg_type == IP_TOS) {
          h.tos = *reinterpret_cast<const std::uint8_t*>(CMSG_DATA(cm));
        } else if (cm->cmsg_type == IP_TTL) {
          int ttl = 0;
          std::memcpy(&ttl, CMSG_DATA(cm), sizeof ttl);
          h.ttl = std::uint8_t(ttl);
        }
      }
      if (have_dst && (m.msg_flags & MSG_TRUNC) == 0) handle(i, s, h);
    }
  }
};

Repeater::Repeater(std::vector<Rule> rules, std::string lan_if, std::string zt_if) : impl_(std::make_unique<Impl>()) {
  auto& st = impl_->st;
  st.started_ms = st.updated_ms = unix_ms_now();
  st.pid = long(::getpid());
  st.sides[lan].interface = std::move(lan_if);
  st.sides[zerotier].interface = std::move(zt_if);
  for (auto& r : rules) {
    // One second's worth may come at once (a burst of answers), at least one.
    double burst = std::max(1.0, r.per_second);
    impl_->rate.emplace_back(r.per_second, burst);
    impl_->rate.emplace_back(r.per_second, burst);
    st.rules.push_back({std::move(r), {}});
  }
  impl_->hear.resize(st.rules.size());
}

Repeater::~Repeater() = default;

std::vector<std::string> Repeater::refresh() {
  auto& st = impl_->st;
  std::vector<std::string> changes;
  Rtnl rtnl;
  auto addrs = rtnl.addresses(AF_INET);
  for (Side s : {lan, zerotier}) {
    auto& side = st.sides[s];
    auto link = rtnl.link(side.interface);
    int index = link ? link->index : 0;
    side.address.reset();
    side.broadcast.reset();
    side.mtu = link ? link->mtu : 0;
    for (const auto& a : addrs) {
      if (a.ifindex != index || side.address) continue;
      Ipv4 v{};
      std::copy_n(a.prefix.addr.bytes.begin(), 4, v.begin());
      side.address = v;
      if (a.prefix.len < 31) {
        std::uint32_t host = a.prefix.len == 0 ? 0xffffffffU : (0xffffffffU >> a.prefix.len);
        for (int b = 0; b < 4; ++b) v[std::size_t(b)] |= std::uint8_t(host >> (24 - 8 * b));
        side.broadcast = v;
      }
    }
    side.ifindex = index;
    // Open on the same interface, hearing its present subnet broadcast.
    if (index != 0 && index == impl_->opened[s] && side.broadcast == impl_->opened_broadcast[s]) continue;
    if (index == 0) {
      impl_->close_side(s);
      std::string e = side.interface + " is missing";
      if (side.error != e) changes.push_back(fmt::format("{}: {}", side_name(s), e));
      side.error = e;
      continue;
    }
    try {
      impl_->open_side(s, index);
      side.error.clear();
      changes.push_back(fmt::format("{}: listening on {} (index {})", side_name(s), side.interface, index));
    } catch (const SystemError& e) {
      impl_->close_side(s);
      if (side.error != e.what()) changes.push_back(fmt::format("{}: {}", side_name(s), e.what()));
      side.error = e.what();
    }
  }
  if (!changes.empty()) ++st.generation;
  return changes;
}

Repeater::Woke Repeater::serve(std::chrono::milliseconds timeout, int stop_fd) {
  auto& im = *impl_;
  constexpr std::size_t kFirstSocket = 2;
  if (im.fds_stale) {
    im.fds.assign(kFirstSocket, pollfd{});
    im.who.clear();
    for (std::size_t i = 0; i < im.hear.size(); ++i)
      for (Side s : {lan, zerotier})
        for (auto& ear : im.hear[i][s]) {
          im.fds.push_back({ear.fd.get(), POLLIN, 0});
          im.who.push_back({i, s, &ear});
        }
    im.fds_stale = false;
  }
  im.fds[0] = {stop_fd, POLLIN, 0};
  im.fds[1] = {im.events.get(), POLLIN, 0};
  int n = ::poll(im.fds.data(), nfds_t(im.fds.size()), int(timeout.count()));
  if (n < 0) {
    if (errno == EINTR) return {};
    throw SystemError("poll", errno);
  }
  // An error alone (POLLERR) is read too: the read takes it, and poll would return for it forever.
  constexpr short kReady = POLLIN | POLLERR;
  for (std::size_t k = kFirstSocket; k < im.fds.size() && n > 0; ++k)
    if (im.fds[k].revents & kReady) {
      const auto& w = im.who[k - kFirstSocket];
      im.drain(w.rule, w.side, *w.ear);
    }
  Woke w;
  w.stop = (im.fds[0].revents & POLLIN) != 0;
  w.links_changed = (im.fds[1].revents & kReady) != 0 && drained_events(im.events.get());
  return w;
}

const Status& Repeater::status() const { return impl_->st; }

}  // namespace bdctl::repeat
