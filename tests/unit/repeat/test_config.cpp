// [repeat.NAME]: presets, a port of one's own, directions and rates, and the
// errors that name the file, the line and the bad value.
#include <catch2/catch.hpp>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/repeater.hpp"

using namespace bdctl;
using namespace bdctl::repeat;

namespace {
std::vector<Rule> rules(const std::string& toml) {
  auto c = Config::parse(toml, "site.toml");
  c.check_keys();
  return rules_from(c);
}
std::string error_of(const std::string& toml) {
  try {
    rules(toml);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("presets give a port and a group; one's own keys override them", "[unit]") {
  auto r = rules(R"([repeat.flex]
preset = "flexradio"
[repeat.mdns]
preset = "mdns"
direction = "zerotier-to-lan"
[repeat.mine]
preset = "ssdp"
port = 1901
rate = "600/minute"
)");
  REQUIRE(r.size() == 3);
  CHECK(r[0].name == "flex");
  CHECK(r[0].port == 4992);
  CHECK_FALSE(r[0].group);
  CHECK(r[0].from == std::array<bool, 2>{true, true});
  CHECK(r[0].per_second == 50);
  CHECK(r[1].port == 5353);
  CHECK(r[1].group == Ipv4{224, 0, 0, 251});
  CHECK(r[1].from == std::array<bool, 2>{false, true});
  CHECK(r[2].port == 1901);
  CHECK(r[2].group == Ipv4{239, 255, 255, 250});
  CHECK(r[2].per_second == 10);
  CHECK(r[2].rate_text == "600/minute");
}

TEST_CASE("a bad rule names its file, line and value", "[unit]") {
  CHECK_THAT(error_of("[repeat.x]\npreset = \"flex\"\n"),
             Catch::Contains("site.toml:2") && Catch::Contains("'flex' is not a preset"));
  CHECK_THAT(error_of("[repeat.x]\nport = 70000\n"), Catch::Contains("70000 is not a port"));
  CHECK_THAT(error_of("[repeat.x]\nport = 9\ngroup = \"10.0.0.1\"\n"),
             Catch::Contains("site.toml:3") && Catch::Contains("'10.0.0.1' is not an IPv4 multicast group"));
  CHECK_THAT(error_of("[repeat.x]\nport = 9\ndirection = \"up\"\n"), Catch::Contains("'up' is not a direction"));
  CHECK_THAT(error_of("[repeat.x]\nrate = \"5/second\"\n"), Catch::Contains("missing (or a preset)"));
  CHECK_THAT(error_of("[repeat.a]\npreset = \"hpsdr\"\n[repeat.b]\nport = 1024\n"),
             Catch::Contains("port 1024 (broadcast) is repeated by another [repeat] rule"));
  CHECK_THAT(error_of("[repeat.x]\nport = 9\nspeed = 3\n"), Catch::Contains("unknown key repeat.x.speed"));
  // The same port on two groups is two rules.
  CHECK(rules("[repeat.a]\nport = 9\ngroup = \"239.1.1.1\"\n[repeat.b]\nport = 9\ngroup = \"239.1.1.2\"\n").size() ==
        2);
}

TEST_CASE("rates: N per second, minute or hour, N at least 1", "[unit]") {
  CHECK(parse_rate("50/second", "") == 50);
  CHECK(parse_rate("3600/hour", "") == 1);
  CHECK(parse_rate("30/minute", "") == 0.5);
  for (const char* bad : {"0/second", "fast", "/second", "5/sec", "5 /second", "-1/second", "1.5/second", "5/"})
    CHECK_THROWS_AS(parse_rate(bad, "x: "), InputError);
  CHECK_THAT(
      [] {
        try {
          parse_rate("fast", "f:3: key 'repeat.x.rate': ");
        } catch (const InputError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      Catch::Contains("f:3: key 'repeat.x.rate': 'fast' is not a rate"));
}
