#include "icmp_socket.hpp"

#include <fmt/format.h>
#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include "../core/inet_checksum.hpp"

#include "bdctl/error.hpp"

namespace bdctl::mss {

namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned kIcmpHeader = 8;

unsigned ip_header(int family) { return family == AF_INET6 ? 40 : 20; }

void setopt(int fd, int level, int name, int value, const char* what) {
  if (setsockopt(fd, level, name, &value, sizeof value) != 0) throw SystemError(what, errno);
}

}  // namespace

IcmpSocket::IcmpSocket(int family, const sockaddr* dst, socklen_t len) : family_(family) {
  int proto = family == AF_INET6 ? int(IPPROTO_ICMPV6) : int(IPPROTO_ICMP);
  // A ping socket needs no privilege when net.ipv4.ping_group_range allows
  // our group; a raw socket needs CAP_NET_RAW.
  sock_.reset(socket(family, SOCK_DGRAM | SOCK_CLOEXEC, proto));
  if (!sock_.valid()) {
    int dgram_err = errno;
    sock_.reset(socket(family, SOCK_RAW | SOCK_CLOEXEC, proto));
    if (!sock_.valid())
      throw SystemError(fmt::format("ICMP socket (ping socket: {}; raw socket)", std::strerror(dgram_err)), errno);
    raw_ = true;
  }
  const int fd = sock_.get();
  if (family == AF_INET6) {
    // PROBE: set DF-equivalent and ignore the cached path MTU, as `ping -M probe`.
    setopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_PROBE, "IPV6_MTU_DISCOVER");
    setopt(fd, IPPROTO_IPV6, IPV6_RECVERR, 1, "IPV6_RECVERR");
    if (raw_) {
      icmp6_filter f;
      ICMP6_FILTER_SETBLOCKALL(&f);
      ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
      if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f) != 0) throw SystemError("ICMP6_FILTER", errno);
    }
  } else {
    setopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE, "IP_MTU_DISCOVER");
    setopt(fd, IPPROTO_IP, IP_RECVERR, 1, "IP_RECVERR");
  }
  if (connect(fd, dst, len) != 0) throw SystemError("connect", errno);
  std::random_device rd;
  id_ = std::uint16_t(rd());
  seq_ = std::uint16_t(rd());
}

IcmpSocket::~IcmpSocket() = default;

IcmpSocket::Outcome IcmpSocket::probe(unsigned size, std::chrono::milliseconds wait) {
  Outcome out;
  const std::uint16_t seq = ++seq_;
  std::vector<std::uint8_t> pkt(size - ip_header(family_), 0);
  pkt[0] = family_ == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
  pkt[4] = std::uint8_t(id_ >> 8), pkt[5] = std::uint8_t(id_);
  pkt[6] = std::uint8_t(seq >> 8), pkt[7] = std::uint8_t(seq);
  for (std::size_t i = kIcmpHeader; i < pkt.size(); ++i) pkt[i] = std::uint8_t(i);
  // The kernel sums ICMPv6 (pseudo-header) and ping sockets; raw ICMPv4 is ours.
  if (raw_ && family_ == AF_INET) {
    std::uint16_t c = inet_checksum(pkt.data(), pkt.size());
    pkt[2] = std::uint8_t(c >> 8), pkt[3] = std::uint8_t(c);
  }
  // Drop what an earlier probe left behind, so it is not taken for this one.
  std::uint8_t junk[256];
  while (recv(sock_.get(), junk, sizeof junk, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0) {
  }
  if (send(sock_.get(), pkt.data(), pkt.size(), 0) < 0) {
    if (errno == EMSGSIZE) {
      out.answer = Answer::too_big;
      Outcome e;
      if (read_error(seq, e)) out.mtu = e.mtu;
      return out;
    }
    out.answer = Answer::unreachable;
    out.err = errno;
    return out;
  }
  const auto deadline = Clock::now() + wait;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return out;  // timeout
    pollfd p{sock_.get(), POLLIN, 0};
    int n = poll(&p, 1, int(left.count()) + 1);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError("poll", errno);
    }
    if (n == 0) continue;
    if (p.revents & POLLERR) {
      if (read_error(seq, out)) return out;
    } else if (p.revents & POLLIN) {
      if (read_reply(seq)) {
        out.answer = Answer::reply;
        return out;
      }
    }
  }
}

// One message from the error queue; true when it is about this probe or
// carries an MTU (a "too big" for an older probe still names the hop's MTU).
bool IcmpSocket::read_error(std::uint16_t seq, Outcome& out) {
  std::uint8_t data[64];
  alignas(cmsghdr) char control[512];
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = recvmsg(sock_.get(), &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
  if (n < 0) return false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
    bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
    if (!v4 && !v6) continue;
    sock_extended_err ee;
    std::memcpy(&ee, CMSG_DATA(c), sizeof ee);
    // The queued payload is our echo request: its sequence says which probe.
    bool this_probe = n >= 8 && std::uint16_t(data[6] << 8 | data[7]) == seq;
    if (ee.ee_errno == EMSGSIZE) {
      out.answer = Answer::too_big;
      out.mtu = ee.ee_info;
      return this_probe || ee.ee_info != 0;
    }
    if (!this_probe) return false;
    out.answer = Answer::unreachable;
    out.err = int(ee.ee_errno);
    return true;
  }
  return false;
}

bool IcmpSocket::read_reply(std::uint16_t seq) {
  std::uint8_t buf[2048];
  ssize_t n = recv(sock_.get(), buf, sizeof buf, MSG_DONTWAIT);
  if (n <= 0) return false;
  const std::uint8_t* p = buf;
  if (raw_ && family_ == AF_INET) {  // a raw IPv4 socket also hands us the IP header
    std::size_t ihl = std::size_t(buf[0] & 0x0f) * 4;
    if (std::size_t(n) < ihl + kIcmpHeader) return false;
    p += ihl;
    n -= ssize_t(ihl);
  }
  if (n < ssize_t(kIcmpHeader)) return false;
  std::uint8_t want = family_ == AF_INET6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
  if (p[0] != want) return false;
  // A ping socket rewrites the identifier and filters replies itself.
  if (raw_ && std::uint16_t(p[4] << 8 | p[5]) != id_) return false;
  return std::uint16_t(p[6] << 8 | p[7]) == seq;
}

}  // namespace bdctl::mss
