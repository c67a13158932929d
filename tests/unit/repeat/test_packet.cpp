// The repeater's core: packets the kernel takes as they are, rates that hold,
// and the memory that knows a copy heard back.
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "../../../lib/src/core/inet_checksum.hpp"
#include "bdctl/error.hpp"
#include "bdctl/repeat.hpp"

using namespace bdctl;
using namespace bdctl::repeat;

namespace {
Datagram flex(std::string_view payload) {
  Datagram d;
  d.src = {192, 168, 1, 20};
  d.dst = {255, 255, 255, 255};
  d.src_port = 4992;
  d.dst_port = 4992;
  d.payload = payload;
  return d;
}

// The UDP checksum verifies: the sum over the pseudo-header and the datagram is 0.
bool udp_ok(const std::vector<std::uint8_t>& p) {
  std::vector<std::uint8_t> buf(p.begin() + 12, p.begin() + 20);  // the addresses
  std::size_t len = p.size() - 20;
  buf.insert(buf.end(), {0, 17, std::uint8_t(len >> 8), std::uint8_t(len & 0xff)});
  buf.insert(buf.end(), p.begin() + 20, p.end());
  return inet_checksum(buf.data(), buf.size()) == 0;
}
}  // namespace

TEST_CASE("a repeated packet: IPv4 and UDP headers whole, checksums that verify, the echo mark", "[unit]") {
  std::string payload = "discovery model=FLEX-6600 ip=192.168.1.20";
  auto p = build(flex(payload));
  REQUIRE(p.size() == 20 + 8 + payload.size());
  CHECK(p[0] == 0x45);
  CHECK(is_echo(p[1]));
  CHECK(((p[2] << 8) | p[3]) == int(p.size()));
  CHECK(p[8] == 1);   // TTL: the segment it is sent to
  CHECK(p[9] == 17);  // UDP
  CHECK(inet_checksum(p.data(), 20) == 0);
  CHECK(((p[20] << 8) | p[21]) == 4992);
  CHECK(((p[24] << 8) | p[25]) == int(8 + payload.size()));
  CHECK(udp_ok(p));
  CHECK(std::string(p.begin() + 28, p.end()) == payload);
  auto odd = build(flex("x"));  // an odd length pads the checksum, not the packet
  CHECK(odd.size() == 29);
  CHECK(udp_ok(odd));
  CHECK_FALSE(is_echo(0));
  CHECK_FALSE(is_echo(0xb8));  // EF, what a VoIP phone sends
}

TEST_CASE("a payload larger than one IPv4 packet is refused by its size", "[unit]") {
  std::string big(65508, 'x');
  CHECK_THROWS_WITH(build(flex(big)),
                    Catch::Contains("a 65508-byte payload does not fit one IPv4 packet (at most 65507)"));
  CHECK(build(flex(std::string(65507, 'x'))).size() == 65535);
}

TEST_CASE("the rate limit: a burst, then the rate, and a clock that stands still adds nothing", "[unit]") {
  RateLimit r(50, 50);
  int passed = 0;
  for (int i = 0; i < 1000; ++i) passed += r.take(1000 + i);  // 1000 packets in one second
  CHECK(passed >= 50);
  CHECK(passed <= 50 + 50 + 1);
  RateLimit s(10, 2);
  CHECK(s.take(0));
  CHECK(s.take(0));
  CHECK_FALSE(s.take(0));
  CHECK_FALSE(s.take(50));  // half a token
  CHECK(s.take(100));
  CHECK_FALSE(s.take(40));  // the clock went back: no tokens from it
}

TEST_CASE("a copy longer than the MTU goes in fragments that put it back whole", "[unit]") {
  std::string big(2700, 'm');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = char('a' + i % 26);
  auto whole = build(flex(big));
  CHECK(fragments(whole, 2800, 7).size() == 1);  // it fits: as it is
  auto parts = fragments(whole, 1500, 0x1234);
  REQUIRE(parts.size() == 2);
  std::vector<std::uint8_t> data;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const auto& f = parts[k];
    CHECK(f.size() <= 1500);
    CHECK(((f[2] << 8) | f[3]) == int(f.size()));
    CHECK(((f[4] << 8) | f[5]) == 0x1234);
    int flags_off = (f[6] << 8) | f[7];
    CHECK(bool(flags_off & 0x2000) == (k + 1 < parts.size()));  // more fragments, but on the last
    CHECK((flags_off & 0x1fff) * 8 == int(data.size()));
    CHECK(inet_checksum(f.data(), 20) == 0);                                // the header's checksum verifies
    CHECK(std::equal(f.begin() + 12, f.begin() + 20, whole.begin() + 12));  // the source and group kept
    if (k + 1 < parts.size()) CHECK((f.size() - 20) % 8 == 0);
    data.insert(data.end(), f.begin() + 20, f.end());
  }
  CHECK(std::equal(data.begin(), data.end(), whole.begin() + 20, whole.end()));  // UDP header, payload, whole
  CHECK_THROWS_AS(fragments(whole, 60, 1), InputError);
}

TEST_CASE("an expected copy is met once, then it is someone else's", "[unit]") {
  RecentlySent loop(2000);
  auto k = RecentlySent::key({192, 168, 1, 20}, 4992, 4992, "disc");
  loop.add(k, 0);
  loop.add(k, 100);  // sent twice: two copies expected back
  CHECK(loop.take(k, 200));
  CHECK(loop.take(k, 300));
  CHECK_FALSE(loop.take(k, 400));  // a third is not ours
  CHECK(loop.size() == 0);
  loop.add(k, 1000);
  CHECK(loop.take(k, 1500));
  CHECK_FALSE(loop.contains(k, 1600));
  loop.add(k, 1700);
  // The taken one expiring must not forget the live one.
  CHECK(loop.contains(k, 3100));
  CHECK(loop.take(k, 3200));
  CHECK_FALSE(loop.take(k, 4000));
}

TEST_CASE("what was just sent is known for its window, and only it", "[unit]") {
  RecentlySent sent(2000);
  Ipv4 a{192, 168, 1, 20}, b{10, 147, 20, 7};
  auto k = RecentlySent::key(a, 4992, 4992, "hello");
  sent.add(k, 0);
  CHECK(sent.contains(k, 1999));
  CHECK_FALSE(sent.contains(RecentlySent::key(b, 4992, 4992, "hello"), 10));
  CHECK_FALSE(sent.contains(RecentlySent::key(a, 4993, 4992, "hello"), 10));
  CHECK_FALSE(sent.contains(RecentlySent::key(a, 4992, 4992, "hellp"), 10));
  CHECK_FALSE(sent.contains(k, 2000));
  CHECK(sent.size() == 0);
  sent.add(k, 3000);
  sent.add(k, 3500);  // the same packet twice: known until the later one expires
  CHECK(sent.contains(k, 5200));
  CHECK_FALSE(sent.contains(k, 5500));
}

TEST_CASE("the kernel takes the built packet as it is: another source, the mark, the payload", "[netns]") {
  if (::unshare(CLONE_NEWNET) != 0) FAIL("unshare(CLONE_NEWNET) failed: these tests need root");
  int s = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(s >= 0);
  ifreq ifr{};
  std::strcpy(ifr.ifr_name, "lo");
  REQUIRE(::ioctl(s, SIOCGIFFLAGS, &ifr) == 0);
  ifr.ifr_flags = short(ifr.ifr_flags | IFF_UP);
  REQUIRE(::ioctl(s, SIOCSIFFLAGS, &ifr) == 0);
  int on = 1;
  REQUIRE(::setsockopt(s, IPPROTO_IP, IP_RECVTOS, &on, sizeof on) == 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(4992);
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0);

  int raw = ::socket(AF_INET, SOCK_RAW, IPPROTO_RAW);  // IPPROTO_RAW implies IP_HDRINCL
  REQUIRE(raw >= 0);
  Datagram d = flex("discovery ip=127.0.0.9");
  d.src = {127, 0, 0, 9};  // not the sender's address: the asker's
  d.dst = {127, 0, 0, 1};
  d.src_port = 50123;
  auto p = build(d);
  REQUIRE(::sendto(raw, p.data(), p.size(), 0, reinterpret_cast<sockaddr*>(&at), sizeof at) == ssize_t(p.size()));

  char buf[256];
  char ctl[64];
  sockaddr_in from{};
  iovec iov{buf, sizeof buf};
  msghdr m{};
  m.msg_name = &from;
  m.msg_namelen = sizeof from;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  timeval tv{2, 0};
  REQUIRE(::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
  ssize_t n = ::recvmsg(s, &m, 0);
  REQUIRE(n > 0);
  CHECK(std::string(buf, std::size_t(n)) == "discovery ip=127.0.0.9");
  char addr[INET_ADDRSTRLEN];
  CHECK(std::string(::inet_ntop(AF_INET, &from.sin_addr, addr, sizeof addr)) == "127.0.0.9");
  CHECK(ntohs(from.sin_port) == 50123);
  int tos = -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) tos = *CMSG_DATA(c);
  CHECK(is_echo(std::uint8_t(tos)));
  ::close(raw);
  ::close(s);
}
