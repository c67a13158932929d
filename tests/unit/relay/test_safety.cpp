#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/relay_ops.hpp"
#include "bdctl/relay_safety.hpp"

using namespace bdctl;
using namespace bdctl::relay;
using namespace std::chrono_literals;

namespace {
// Every case gets private state, lock and log dirs.
struct TempDirs {
  std::string root;
  TempDirs() {
    char tmpl[] = "/tmp/bdctl-relay-unit.XXXXXX";
    root = ::mkdtemp(tmpl);
    ::setenv("BDCTL_STATE_DIR", (root + "/state").c_str(), 1);
    ::setenv("BDCTL_LOCK_DIR", (root + "/lock").c_str(), 1);
    ::setenv("BDCTL_LOG_DIR", (root + "/log").c_str(), 1);
  }
  ~TempDirs() { std::filesystem::remove_all(root); }
  std::string read(const std::string& rel) const {
    std::ifstream f(root + "/" + rel);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
};

RelayConfig gpio_config(const std::string& root) {
  return RelayConfig::from(Config::parse(R"([boards.hat]
driver = "gpio"
chip = "fake:)" + root + R"(/chip"
lines = ["GPIO17", "GPIO27"]
active_low = true
[relays.r1]
board = "hat"
channel = 1
momentary = true
pulse = "200ms"
cooldown = "1h"
[relays.r2]
board = "hat"
channel = 2
)",
                                         "t.toml"));
}
}  // namespace

TEST_CASE("cool-down and max_per_hour refuse, and forget after an hour", "[unit]") {
  TempDirs t;
  long long now = 1'800'000'000'000;
  CHECK_FALSE(rate_limit_refusal("bms1", 60000ms, 2, now));
  record_reset("bms1", now);
  auto why = rate_limit_refusal("bms1", 60000ms, 2, now + 10'000);
  REQUIRE(why);
  CHECK(why->find("cool-down") != std::string::npos);
  CHECK_FALSE(rate_limit_refusal("bms1", 60000ms, 2, now + 61'000));
  record_reset("bms1", now + 61'000);
  why = rate_limit_refusal("bms1", std::nullopt, 2, now + 120'000);
  REQUIRE(why);
  CHECK(why->find("max_per_hour = 2") != std::string::npos);
  CHECK_FALSE(rate_limit_refusal("bms1", std::nullopt, 2, now + 3'600'001));
  CHECK_FALSE(rate_limit_refusal("other", 60000ms, 1, now));  // per relay
}

TEST_CASE("intent records round-trip and are removed", "[unit]") {
  TempDirs t;
  Intent i{"bms1", "lan8", 3, false, 2000, 1234, 42};
  write_intent(i);
  auto all = read_intents();
  REQUIRE(all.size() == 1);
  CHECK(all[0].name == "bms1");
  CHECK(all[0].channel == 3);
  CHECK(all[0].pulse_ms == 2000);
  remove_intent(i);
  CHECK(read_intents().empty());
}

TEST_CASE("board lock: a second holder waits, then gives up", "[unit]") {
  TempDirs t;
  BoardLock a("lan8", 0ms);
  auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(BoardLock("lan8", 100ms), SystemError);
  CHECK(std::chrono::steady_clock::now() - t0 >= 100ms);
  BoardLock other("rr", 0ms);  // one lock per board
}

TEST_CASE("request spacing holds across calls", "[unit]") {
  TempDirs t;
  auto a = space_requests("lan8", 150ms);
  auto b = space_requests("lan8", 150ms);
  CHECK(b - a >= 150ms);
  CHECK(b - a < 250ms);
}

TEST_CASE("controller pulses a fake GPIO relay, audits, refuses latching and rate-limited resets", "[unit]") {
  TempDirs t;
  Audit audit({"test"});
  Interrupt never;
  Controller c(gpio_config(t.root), audit, never, 1000ms);
  auto t0 = std::chrono::steady_clock::now();
  auto res = c.pulse("r1", std::nullopt);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(res.result == "ok");
  CHECK(res.before->at_rest);
  CHECK(res.after->at_rest);
  CHECK(took >= 200ms);
  CHECK(t.read("chip.events").find("GPIO17 1") != std::string::npos);
  CHECK(t.read("chip").find("GPIO17 0") != std::string::npos);
  CHECK(c.pulse("r1", 200ms).result == "refused");    // cool-down 1h
  CHECK_THROWS_AS(c.set("r1", true), InputError);     // momentary
  CHECK_THROWS_AS(c.set("r2", true), InputError);     // gpio cannot latch
  CHECK_THROWS_AS(c.pulse("r2", 20min), InputError);  // above max_pulse
  CHECK_THROWS_AS(c.pulse("nope", 1s), InputError);
  std::string log = t.read("log/relay-audit.log");
  CHECK(log.find("\"phase\":\"intent\"") < log.find("\"phase\":\"done\""));
  CHECK(read_intents().empty());
}

TEST_CASE("recover drives a relay left energised by a dead run to rest", "[unit]") {
  TempDirs t;
  auto cfg = gpio_config(t.root);
  { std::ofstream(t.root + "/chip") << "GPIO17 0\nGPIO27 1\n"; }
  write_intent(Intent{"r2", "hat", 2, false, 5000, 1, 999999});
  Audit audit({"test"});
  Interrupt never;
  Controller c(cfg, audit, never, 1000ms);
  auto rec = c.recover();
  REQUIRE(rec.size() == 1);
  CHECK(rec[0].result == "ok");
  CHECK(t.read("chip").find("GPIO27 0") != std::string::npos);
  CHECK(read_intents().empty());
}

TEST_CASE("recover leaves a pulse alone while its owner holds the board", "[unit]") {
  TempDirs t;
  auto cfg = gpio_config(t.root);
  write_intent(Intent{"r1", "hat", 1, false, 5000, 1, 1});
  BoardLock owner("hat", 0ms);
  Audit audit({"test"});
  Interrupt never;
  Controller c(cfg, audit, never, 1000ms);
  CHECK(c.recover().empty());
  CHECK(read_intents().size() == 1);
}
