// ICMP echo probes: one socket per address family for every target, up to
// three echo requests each (at 0, 1/3 and 2/3 of the timeout, so one lost
// packet is no failure), replies and ICMP errors matched by sequence number
// and address. An unprivileged ping socket (SOCK_DGRAM, allowed by
// net.ipv4.ping_group_range) when we may, else a raw socket (CAP_NET_RAW).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <netdb.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <random>

#include "../core/inet_checksum.hpp"
#include "bdctl/error.hpp"
#include "bdctl/sysctl.hpp"
#include "probe.hpp"

namespace bdctl::check::detail {

namespace {

constexpr int kAttempts = 3;
// The sequence number carries the target's index and the attempt.
constexpr std::size_t kMaxTargets = 0x10000 >> 2;
constexpr std::size_t kHeader = 8;
constexpr std::array<std::uint8_t, 16> kPayload{'b', 'd', 'c', 't', 'l', '-', 'c', 'h',
                                                'e', 'c', 'k', ' ', 'e', 'c', 'h', 'o'};

bool same_address(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET)
    return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in&>(b).sin_addr.s_addr;
  if (a.ss_family == AF_INET6)
    return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                       &reinterpret_cast<const sockaddr_in6&>(b).sin6_addr, sizeof(in6_addr)) == 0;
  return false;
}

std::string numeric(const sockaddr* sa, socklen_t len) {
  char host[NI_MAXHOST];
  if (getnameinfo(sa, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) return "?";
  return host;
}

struct Sock {
  Fd fd;
  bool raw = false;
  std::uint16_t id = 0;  // raw sockets: ours; ping sockets: the kernel picks it
  std::string error;     // why no socket could be opened
};

Sock open_socket(int family) {
  Sock s;
  const bool v6 = family == AF_INET6;
  const int proto = v6 ? int(IPPROTO_ICMPV6) : int(IPPROTO_ICMP);
  s.fd = Fd(::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto));
  if (s.fd.fd < 0 && local_resource_error(errno)) {
    s.error = fmt::format("the checker could not open a socket: {}", std::strerror(errno));
    return s;
  }
  if (s.fd.fd < 0) {
    int dgram_err = errno;
    s.fd = Fd(::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto));
    if (s.fd.fd < 0) {
      int raw_err = errno;
      auto range = Sysctl().get("net.ipv4.ping_group_range");
      if (range) std::replace(range->begin(), range->end(), '\t', ' ');
      s.error = fmt::format(
          "cannot send ICMP{} echo requests: ping socket: {} (group {} is outside net.ipv4.ping_group_range \"{}\"); "
          "raw socket: {} (needs root or CAP_NET_RAW)",
          v6 ? "v6" : "", std::strerror(dgram_err), ::getegid(), range.value_or("?"), std::strerror(raw_err));
      return s;
    }
    s.raw = true;
    // A raw socket sees every ICMP packet of the host: let only echo replies through.
    int rc = 0;
    if (v6) {
      icmp6_filter f;
      ICMP6_FILTER_SETBLOCKALL(&f);
      ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
      rc = ::setsockopt(s.fd.fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
    } else {
      icmp_filter f{};
      f.data = ~(1U << ICMP_ECHOREPLY);
      rc = ::setsockopt(s.fd.fd, SOL_RAW, ICMP_FILTER, &f, sizeof f);
    }
    if (rc != 0) {
      s.error = fmt::format("ICMP{} filter on a raw socket: {}", v6 ? "v6" : "", std::strerror(errno));
      s.fd = Fd();
      return s;
    }
    std::random_device rd;
    s.id = std::uint16_t(rd());
  }
  // Destination and host unreachable answers arrive on the error queue.
  int on = 1;
  if (::setsockopt(s.fd.fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_RECVERR : IP_RECVERR, &on, sizeof on) != 0) {
    s.error = fmt::format("{}: {}", v6 ? "IPV6_RECVERR" : "IP_RECVERR", std::strerror(errno));
    s.fd = Fd();
  }
  return s;
}

class IcmpBatch final : public Batch {
 public:
  IcmpBatch(std::vector<Job> jobs, Millis timeout) : items_(jobs.size()), timeout_(timeout) {
    if (jobs.size() > kMaxTargets) throw InputError(fmt::format("more than {} ICMP targets", kMaxTargets));
    start_ = Clock::now();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      items_[i].job = jobs[i];
      prepare(i);
      if (items_[i].pending) send(i, 0);
    }
  }

  void want(PollSet& ps) override {
    for (int k = 0; k < 2; ++k)
      if (socks_[k] && socks_[k]->fd.fd >= 0 && pending(k == 0 ? AF_INET : AF_INET6))
        ps.add(socks_[k]->fd.fd, POLLIN, this, std::size_t(k));
  }

  void ready(std::size_t k, short revents) override {
    Sock& s = *socks_[k];
    if (revents & POLLERR) {
      read_errors(s);
      // An error without a queued message (or the one the last dequeue set)
      // would keep poll() reporting POLLERR: clear it.
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(s.fd.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    }
    read_replies(s, k == 0 ? AF_INET : AF_INET6);
  }

  Clock::time_point next_timer() const override {
    if (attempt_ >= kAttempts || (!pending(AF_INET) && !pending(AF_INET6))) return Clock::time_point::max();
    return start_ + std::chrono::duration_cast<Clock::duration>(timeout_) * attempt_ / kAttempts;
  }

  void timer(Clock::time_point /*now*/) override {
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (items_[i].pending) send(i, attempt_);
    ++attempt_;
  }

  void expire() override {
    for (auto& it : items_)
      if (it.pending) {
        it.pending = false;
        it.job.second->kind = ProbeOutcome::timeout;
        it.job.second->rtt = timeout_;
      }
  }

 private:
  struct Item {
    Job job{nullptr, nullptr};
    sockaddr_storage addr{};
    socklen_t len = 0;
    bool pending = false;
    std::array<Clock::time_point, kAttempts> sent_at{};
  };

  bool pending(int family) const {
    return std::any_of(items_.begin(), items_.end(),
                       [&](const Item& it) { return it.pending && it.addr.ss_family == family; });
  }

  Sock& socket_for(int family) {
    auto& s = socks_[family == AF_INET ? 0 : 1];
    if (!s) s = open_socket(family);
    return *s;
  }

  void prepare(std::size_t i) {
    Item& it = items_[i];
    const Target& t = *it.job.first;
    ProbeOutcome& o = *it.job.second;
    o.method = "icmp";
    o.address = t.host;
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;  // one answer per address, not one per socket type
    hints.ai_flags = AI_NUMERICHOST;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(t.host.c_str(), nullptr, &hints, &res);
    if (rc == EAI_NONAME) {
      hints.ai_flags = 0;
      rc = getaddrinfo(t.host.c_str(), nullptr, &hints, &res);
    }
    if (rc != 0) {
      o.kind = ProbeOutcome::failed;
      o.error = fmt::format("cannot resolve {}: {}", t.host, gai_strerror(rc));
      return;
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, freeaddrinfo);
    std::memcpy(&it.addr, res->ai_addr, res->ai_addrlen);
    it.len = res->ai_addrlen;
    o.address = numeric(res->ai_addr, res->ai_addrlen);
    Sock& s = socket_for(res->ai_family);
    if (s.fd.fd < 0) {
      o.kind = ProbeOutcome::unavailable;
      o.error = s.error;
      return;
    }
    o.method = s.raw ? "icmp-raw" : "icmp-dgram";
    it.pending = true;
  }

  void send(std::size_t i, int attempt) {
    Item& it = items_[i];
    ProbeOutcome& o = *it.job.second;
    const bool v6 = it.addr.ss_family == AF_INET6;
    Sock& s = *socks_[v6 ? 1 : 0];
    std::array<std::uint8_t, kHeader + kPayload.size()> pkt{};
    pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    pkt[4] = std::uint8_t(s.id >> 8), pkt[5] = std::uint8_t(s.id);
    const auto seq = std::uint16_t(i << 2 | unsigned(attempt));
    pkt[6] = std::uint8_t(seq >> 8), pkt[7] = std::uint8_t(seq);
    std::copy(kPayload.begin(), kPayload.end(), pkt.begin() + kHeader);
    // The kernel sums ICMPv6 (pseudo-header) and ping sockets; raw ICMPv4 is ours.
    if (s.raw && !v6) {
      auto c = inet_checksum(pkt.data(), pkt.size());
      pkt[2] = std::uint8_t(c >> 8), pkt[3] = std::uint8_t(c);
    }
    it.sent_at[std::size_t(attempt)] = Clock::now();
    auto* dst = reinterpret_cast<const sockaddr*>(&it.addr);
    ssize_t n = ::sendto(s.fd.fd, pkt.data(), pkt.size(), 0, dst, it.len);
    // An unreachable error for another target, still pending on the socket,
    // fails the next send once: try again before believing it.
    if (n < 0 && (errno == EHOSTUNREACH || errno == ENETUNREACH || errno == EHOSTDOWN || errno == ECONNREFUSED))
      n = ::sendto(s.fd.fd, pkt.data(), pkt.size(), 0, dst, it.len);
    if (n >= 0) {
      ++o.sent;
      return;
    }
    int err = errno;
    if (err == EAGAIN || err == ENOBUFS || err == EINTR) return;  // the next attempt may pass
    it.pending = false;
    o.error = std::strerror(err);
    o.kind = err == EHOSTUNREACH || err == ENETUNREACH || err == EHOSTDOWN ? ProbeOutcome::unreachable
                                                                           : ProbeOutcome::failed;
  }

  // Our item for an echo (request or reply) seen from/to addr, or nullptr.
  Item* match(const std::uint8_t* icmp, const sockaddr_storage& addr) {
    std::size_t i = std::size_t(icmp[6] << 8 | icmp[7]) >> 2;
    if (i >= items_.size() || !items_[i].pending || !same_address(items_[i].addr, addr)) return nullptr;
    return &items_[i];
  }

  void read_replies(const Sock& s, int family) {
    std::array<std::uint8_t, 1500> buf{};
    for (int spins = 0; spins < 4096; ++spins) {
      sockaddr_storage from{};
      socklen_t fl = sizeof from;
      ssize_t n = ::recvfrom(s.fd.fd, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &fl);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        continue;  // EINTR, or a pending socket error handed out instead of data
      }
      auto now = Clock::now();
      const std::uint8_t* p = buf.data();
      if (s.raw && family == AF_INET) {  // a raw IPv4 socket also hands us the IP header
        auto ihl = std::size_t(buf[0] & 0x0f) * 4;
        if (std::size_t(n) < ihl + kHeader) continue;
        p += ihl;
        n -= ssize_t(ihl);
      }
      if (n < ssize_t(kHeader)) continue;
      if (p[0] != (family == AF_INET6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY)) continue;
      // A ping socket rewrites the identifier and only hands us its own replies.
      if (s.raw && std::uint16_t(p[4] << 8 | p[5]) != s.id) continue;
      Item* it = match(p, from);
      if (!it) continue;
      it->pending = false;
      auto& o = *it->job.second;
      o.kind = ProbeOutcome::answered;
      o.rtt = std::chrono::duration_cast<std::chrono::microseconds>(now - it->sent_at[p[7] & 3U]);
    }
  }

  void read_errors(const Sock& s) {
    for (int spins = 0; spins < 4096; ++spins) {
      std::array<std::uint8_t, 128> data{};
      alignas(cmsghdr) std::array<char, 512> control{};
      sockaddr_storage dst{};
      iovec iov{data.data(), data.size()};
      msghdr msg{};
      msg.msg_name = &dst;
      msg.msg_namelen = sizeof dst;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.data();
      msg.msg_controllen = control.size();
      ssize_t n = ::recvmsg(s.fd.fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;
      }
      // The queued payload is our echo request; the message name its destination.
      if (n < ssize_t(kHeader)) continue;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
        bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
        if (!v4 && !v6) continue;
        sock_extended_err ee{};
        std::memcpy(&ee, CMSG_DATA(c), sizeof ee);
        Item* it = match(data.data(), dst);
        if (!it) break;
        std::string from;
        if (ee.ee_origin == SO_EE_ORIGIN_ICMP || ee.ee_origin == SO_EE_ORIGIN_ICMP6) {
          // The offender follows the extended error in the same control message.
          sockaddr_storage off{};
          std::size_t have = c->cmsg_len - CMSG_LEN(sizeof ee);
          std::memcpy(&off, CMSG_DATA(c) + sizeof ee, std::min(have, sizeof off));
          if (off.ss_family == AF_INET || off.ss_family == AF_INET6)
            from = fmt::format(", ICMP{} type {} code {} from {}", v6 ? "v6" : "", ee.ee_type, ee.ee_code,
                               numeric(reinterpret_cast<sockaddr*>(&off),
                                       off.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in)));
        }
        it->pending = false;
        auto& o = *it->job.second;
        o.kind = ProbeOutcome::unreachable;
        o.error = std::string(std::strerror(int(ee.ee_errno))) + from;
        o.rtt = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - it->sent_at[data[7] & 3U]);
        break;
      }
    }
  }

  std::vector<Item> items_;
  std::array<std::optional<Sock>, 2> socks_;  // AF_INET, AF_INET6; opened when a target needs one
  Millis timeout_;
  Clock::time_point start_;
  int attempt_ = 1;  // the next resend
};

}  // namespace

std::unique_ptr<Batch> icmp_batch(std::vector<Job> jobs, Millis timeout) {
  return std::make_unique<IcmpBatch>(std::move(jobs), timeout);
}

}  // namespace bdctl::check::detail
