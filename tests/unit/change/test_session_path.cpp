#include <catch2/catch.hpp>

#include "bdctl/change.hpp"

using namespace bdctl;

namespace {
Address addr(int ifindex, const char* p) {
  Address a;
  a.ifindex = ifindex;
  a.prefix = parse_prefix(p);
  return a;
}
Link link(int index, const char* name) {
  Link l;
  l.index = index;
  l.name = name;
  return l;
}
}  // namespace

TEST_CASE("session path: the interface holding SSH_CONNECTION's server address", "[unit]") {
  std::vector<Address> as{addr(2, "192.168.1.201/24"), addr(3, "10.147.20.1/24"), addr(3, "fd7a::1/64")};
  std::vector<Link> ls{link(2, "eth0"), link(3, "ztabc0")};
  CHECK_FALSE(change::session_path(nullptr, as, ls));
  CHECK_FALSE(change::session_path("", as, ls));
  auto zt = change::session_path("10.147.20.5 50022 10.147.20.1 22", as, ls);
  REQUIRE(zt);
  CHECK(zt->address == "10.147.20.1");
  CHECK(zt->interface == "ztabc0");
  CHECK(change::session_path("192.168.1.10 50022 192.168.1.201 22", as, ls)->interface == "eth0");
  CHECK(change::session_path("fd7a::5 50022 fd7a::1 22", as, ls)->interface == "ztabc0");
  // sshd on a dual-stack socket reports IPv4 peers mapped into IPv6.
  CHECK(change::session_path("::ffff:10.147.20.5 50022 ::ffff:10.147.20.1 22", as, ls)->interface == "ztabc0");
  // An address no interface holds, or a malformed value: the path is unknown, never guessed.
  CHECK(change::session_path("1.2.3.4 1 203.0.113.9 22", as, ls)->interface.empty());
  auto bad = change::session_path("garbage", as, ls);
  REQUIRE(bad);
  CHECK(bad->interface.empty());
}
