// ARP on a raw AF_PACKET socket: gateway reachability, and the RFC 5227
// duplicate-address probe (sender IP 0.0.0.0, so no host updates its cache).
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "bdctl/error.hpp"
#include "bdctl/handles.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

namespace {
std::string mac_text(const std::uint8_t* m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

// The interface's Ethernet address; anything else cannot do ARP.
void interface_mac(int fd, const std::string& ifname, std::uint8_t (&mac)[6]) {
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname.c_str());
  if (::ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) throw SystemError(fmt::format("MAC address of {}", ifname), errno);
  if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
    throw SystemError(fmt::format("{} is not an Ethernet interface", ifname));
  std::memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
}

sockaddr_ll bind_arp(int fd, unsigned ifindex) {
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_ARP);
  ll.sll_ifindex = static_cast<int>(ifindex);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ll), sizeof ll) != 0) throw SystemError("bind ARP socket", errno);
  return ll;
}

// Who has target? From mac, and from sender (a probe leaves it 0.0.0.0).
ether_arp arp_request(const std::uint8_t* mac, const std::optional<IpAddr>& sender, const IpAddr& target) {
  ether_arp req{};
  req.arp_hrd = htons(ARPHRD_ETHER);
  req.arp_pro = htons(ETHERTYPE_IP);
  req.arp_hln = 6;
  req.arp_pln = 4;
  req.arp_op = htons(ARPOP_REQUEST);
  std::memcpy(req.arp_sha, mac, 6);
  if (sender) std::memcpy(req.arp_spa, sender->bytes.data(), 4);
  std::memcpy(req.arp_tpa, target.bytes.data(), 4);
  return req;
}

// One frame read: the MAC of a reply about target from another host, else nullopt.
std::optional<std::string> reply_about(int fd, const IpAddr& target, const std::uint8_t* mymac) {
  ether_arp ans{};
  sockaddr_ll from{};
  socklen_t flen = sizeof from;
  ssize_t len = ::recvfrom(fd, &ans, sizeof ans, 0, reinterpret_cast<sockaddr*>(&from), &flen);
  if (len < static_cast<ssize_t>(sizeof ans) || from.sll_pkttype == PACKET_OUTGOING) return std::nullopt;
  if (ntohs(ans.arp_op) != ARPOP_REPLY) return std::nullopt;
  if (std::memcmp(ans.arp_spa, target.bytes.data(), 4) != 0) return std::nullopt;  // not about our target
  if (std::memcmp(ans.arp_sha, mymac, 6) == 0) return std::nullopt;                // ourselves
  return mac_text(ans.arp_sha);
}
}  // namespace

std::vector<ArpReply> arp_probe(const std::string& ifname, const IpAddr& target, const std::optional<IpAddr>& sender,
                                Millis timeout) {
  using clock = std::chrono::steady_clock;
  if (target.family != AF_INET) throw InputError(fmt::format("ARP needs an IPv4 address, not {}", target.to_string()));
  Fd s{::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP))};
  if (s.fd < 0) throw SystemError("ARP socket (needs root or CAP_NET_RAW)", errno);
  unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) throw SystemError(fmt::format("interface {}", ifname), errno);
  std::uint8_t mymac[6];
  interface_mac(s.fd, ifname, mymac);
  sockaddr_ll to = bind_arp(s.fd, ifindex);
  ether_arp req = arp_request(mymac, sender, target);
  to.sll_halen = 6;
  std::memset(to.sll_addr, 0xff, 6);
  const bool probe = !sender;
  // RFC 5227 sends several probes; two, spread over the timeout, survive one lost frame.
  const int sends = probe ? 2 : 1;
  int sent = 0;
  auto t0 = clock::now();
  auto t_end = t0 + timeout;
  auto next_send = t0;
  std::vector<ArpReply> out;
  for (;;) {
    auto now = clock::now();
    if (sent < sends && now >= next_send) {
      if (::sendto(s.fd, &req, sizeof req, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
        throw SystemError(fmt::format("send ARP on {}", ifname), errno);
      ++sent;
      next_send = t0 + timeout / 2;
    }
    if (now >= t_end) break;
    auto wake = sent < sends ? std::min(next_send, t_end) : t_end;
    int ms = static_cast<int>(std::chrono::duration_cast<Millis>(wake - now).count()) + 1;
    pollfd p{s.fd, POLLIN, 0};
    int n = ::poll(&p, 1, ms);
    if (n < 0 && errno != EINTR) throw SystemError("poll ARP socket", errno);
    if (n <= 0) continue;
    auto mac = reply_about(s.fd, target, mymac);
    if (!mac) continue;
    bool dup = false;
    for (const auto& r : out) dup = dup || r.mac == *mac;
    if (!dup) out.push_back({*mac, std::chrono::duration_cast<Millis>(clock::now() - t0)});
    if (!probe) break;  // a gateway answered: done
  }
  return out;
}

}  // namespace bdctl::check::detail
