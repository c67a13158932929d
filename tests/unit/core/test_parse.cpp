#include <arpa/inet.h>

#include <catch2/catch.hpp>

#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "bdctl/ifname.hpp"
#include "bdctl/ipaddr.hpp"

using namespace bdctl;
using namespace std::chrono_literals;

TEST_CASE("durations parse in every unit and combine", "[unit]") {
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("2s") == 2000ms);
  CHECK(parse_duration("2m") == 120000ms);
  CHECK(parse_duration("1h") == 3600000ms);
  CHECK(parse_duration("1m30s") == 90000ms);
  CHECK(parse_duration("0s") == 0ms);
}

TEST_CASE("bad durations are input errors naming the value", "[unit]") {
  for (const char* bad : {"", "5", "ms", "5x", "-1s", "1.5s", "2s3", "99999999999s", "8d"}) {
    INFO(bad);
    try {
      parse_duration(bad);
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find(std::string("'") + bad + "'") != std::string::npos);
    }
  }
}

TEST_CASE("durations format to their shortest exact unit", "[unit]") {
  CHECK(format_duration(1500ms) == "1500ms");
  CHECK(format_duration(2000ms) == "2s");
  CHECK(format_duration(120000ms) == "2m");
  CHECK(format_duration(0ms) == "0ms");
}

TEST_CASE("prefixes parse strictly, IPv4 and IPv6", "[unit]") {
  auto p = parse_prefix("192.168.1.0/24");
  CHECK(p.addr.family == AF_INET);
  CHECK(p.len == 24);
  CHECK(p.to_string() == "192.168.1.0/24");
  CHECK(parse_prefix("10.0.0.1").len == 32);
  CHECK(parse_prefix("fd00::/64").to_string() == "fd00::/64");
  for (const char* bad : {"192.168.1.0/33", "192.168.1/24", "300.1.1.1/8", "fd00::/129", "x", "1.2.3.4/", "1.2.3.4/2a"})
    CHECK_THROWS_AS(parse_prefix(bad), InputError);
}

TEST_CASE("widening a LAN prefix gives ZeroTier's managed route target", "[unit]") {
  CHECK(parse_prefix("192.168.1.0/24").widened().to_string() == "192.168.0.0/23");
  CHECK(parse_prefix("10.1.2.0/24").widened().to_string() == "10.1.2.0/23");
  CHECK(parse_prefix("192.168.1.0/23").has_host_bits());
  CHECK_FALSE(parse_prefix("192.168.0.0/23").has_host_bits());
  CHECK(parse_prefix("fd00:1:2:3::/64").widened().to_string() == "fd00:1:2:2::/63");
}

TEST_CASE("containment and overlap", "[unit]") {
  auto lan = parse_prefix("192.168.1.0/24");
  CHECK(lan.contains(parse_address("192.168.1.201")));
  CHECK_FALSE(lan.contains(parse_address("192.168.2.1")));
  CHECK_FALSE(lan.contains(parse_address("::1")));
  CHECK(lan.overlaps(parse_prefix("192.168.1.200/29")));
  CHECK(parse_prefix("192.168.1.200/29").overlaps(lan));
  CHECK_FALSE(lan.overlaps(parse_prefix("192.168.2.0/24")));
}

TEST_CASE("interface names follow the kernel's rules", "[unit]") {
  CHECK_NOTHROW(validate_ifname("eth0", "--lan"));
  CHECK_NOTHROW(validate_ifname("zt*", "--zt"));
  CHECK_NOTHROW(validate_ifname("zt3jnxxqcz", "--zt"));
  CHECK_THROWS_WITH(validate_ifname("averyveryverylongname", "--lan"),
                    Catch::Contains("--lan") && Catch::Contains("averyveryverylongname") && Catch::Contains("15"));
  CHECK_THROWS_AS(validate_ifname("", "--lan"), InputError);
  CHECK_THROWS_AS(validate_ifname("eth 0", "--lan"), InputError);
  CHECK_THROWS_AS(validate_ifname("a/b", "--lan"), InputError);
  CHECK_THROWS_AS(validate_ifname("e*h", "--lan"), InputError);
  CHECK_THROWS_AS(validate_ifname("*", "--lan"), InputError);
  CHECK_THROWS_AS(validate_ifname("zt*", "--lan", false), InputError);
}
