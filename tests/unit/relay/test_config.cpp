#include <catch2/catch.hpp>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/relay_config.hpp"

using namespace bdctl;
using namespace bdctl::relay;
using namespace std::chrono_literals;

namespace {
const char* kGood = R"(
[boards.lan8]
driver = "kmtronic-http"
url = "http://192.168.1.199"
user = "admin"
password = "pw"
[boards.rr]
driver = "rigrunner"
url = "http://192.168.1.50:82"
[relays.bms1]
board = "lan8"
channel = 1
momentary = true
pulse = "2s"
cooldown = "60s"
max_per_hour = 4
[relays.station]
board = "rr"
channel = 0
[relays.pi]
board = "rr"
channel = 4
protected = true
[relays.fan]
board = "lan8"
channel = 2
wiring = "NC"
)";

std::string error_of(const std::string& text) {
  try {
    RelayConfig::from(Config::parse(text, "t.toml"));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("relay config: the issue's shape loads", "[unit]") {
  auto c = RelayConfig::from(Config::parse(kGood, "t.toml"));
  REQUIRE(c.relays.size() == 4);
  const auto& b = c.relay("bms1");
  CHECK(b.momentary);
  CHECK(b.pulse == 2000ms);
  CHECK(b.cooldown == 60000ms);
  CHECK(b.max_per_hour == 4);
  CHECK(c.board("lan8").spacing >= 300ms);
  CHECK(c.board("lan8").password == "pw");
  CHECK_FALSE(c.rest_raw(b));             // relays rest de-energised
  CHECK(c.rest_raw(c.relay("station")));  // rails rest powered
  CHECK(c.relay("pi").is_protected);
  CHECK(c.relay("fan").output_of(false));  // NC: closed at rest
}

TEST_CASE("relay config: bad values name file, key and value", "[unit]") {
  std::string base = "[boards.b]\ndriver = \"kmtronic-http\"\nurl = \"http://x\"\n";
  CHECK(error_of(base + "[relays.r]\nboard = \"b\"\nchannel = 0\n").find("channel 0 out of range") !=
        std::string::npos);
  CHECK(error_of(base + "[relays.r]\nboard = \"nope\"\nchannel = 1\n").find("no board 'nope'") != std::string::npos);
  CHECK(error_of(base + "[relays.r]\nboard = \"b\"\nchannel = 1\nwiring = \"XX\"\n").find("t.toml:") == 0);
  CHECK(error_of(base + "[relays.r]\nboard = \"b\"\nchannel = 1\npulse = \"5x\"\n").find("'5x'") != std::string::npos);
  CHECK(error_of("[boards.b]\ndriver = \"dli\"\n").find("unknown driver 'dli'") != std::string::npos);
  CHECK(error_of("[boards.b]\ndriver = \"kmtronic-http\"\n").find("url") != std::string::npos);
  CHECK(error_of("[boards.b]\ndriver = \"rigrunner\"\nurl = \"http://x\"\n[relays.r]\nboard = \"b\"\nchannel = 5\n")
            .find("out of range 0..4") != std::string::npos);
  CHECK(error_of("[boards.b]\ndriver = \"kmtronic-serial\"\ndevice = \"/dev/ttyUSB0\"\n").find("4 or 8") !=
        std::string::npos);
}

TEST_CASE("relay config: unknown relay lists the configured ones", "[unit]") {
  auto c = RelayConfig::from(Config::parse(kGood, "t.toml"));
  try {
    c.relay("bms9");
    FAIL("accepted");
  } catch (const InputError& e) {
    std::string m = e.what();
    CHECK(m.find("'bms9'") != std::string::npos);
    CHECK(m.find("bms1, fan, pi, station") != std::string::npos);
  }
}
