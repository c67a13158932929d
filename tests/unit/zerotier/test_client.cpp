#include <netinet/in.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>

#include "bdctl/error.hpp"
#include "bdctl/zerotier.hpp"
#include "emulator.hpp"

using namespace bdctl;
using namespace bdctl::zerotier;
using zt_test::Emulator;

namespace {
ClientOptions opts(const Emulator& e) { return {.home = e.home()}; }

// A loopback port nobody listens on: bind, read the port, close.
int closed_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

template <class F>
ApiError api_error(F&& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e;
  }
  FAIL("no ApiError");
  throw;
}
}  // namespace

TEST_CASE("client reads the port file and talks to the service", "[unit]") {
  Emulator e("ok-route");
  Client c(opts(e));
  CHECK(c.location().port == e.port());
  auto s = c.status();
  CHECK(s.address == "bca1c20590");
  CHECK(s.state() == "ONLINE");
  auto nets = c.networks();
  REQUIRE(nets.size() == 1);
  CHECK(nets[0].status == "OK");
  REQUIRE(nets[0].routes.size() == 3);
  CHECK(nets[0].routes[2].target == "192.168.0.0/23");
  CHECK(nets[0].routes[2].via == std::optional<std::string>("10.147.20.54"));
}

TEST_CASE("client follows the emulator through its states", "[unit]") {
  Emulator e("offline");
  Client c(opts(e));
  CHECK(c.status().state() == "OFFLINE");
  CHECK(c.networks().at(0).status == "REQUESTING_CONFIGURATION");
  for (const auto& p : c.peers()) CHECK_FALSE(p.latency_ms.has_value());
  e.set_state("tunneled");
  CHECK(c.status().state() == "TUNNELED");
  e.set_state("access-denied");
  CHECK(c.networks().at(0).status == "ACCESS_DENIED");
  e.set_state("no-network");
  CHECK(c.networks().empty());
}

TEST_CASE("one network: 404 {} is not joined, uppercase IDs accepted", "[unit]") {
  Emulator e("ok-noroute");
  Client c(opts(e));
  auto n = c.network("C020B51E9E44C4BA");
  REQUIRE(n.has_value());
  CHECK(n->port_device_name == "zt327pdwre");
  CHECK_FALSE(c.network("8bd5124fd6f45ffe").has_value());
}

TEST_CASE("invalid IDs are refused before any request", "[unit]") {
  // Nothing listens on this port: a request would be 'not running', not InputError.
  Emulator e("ok-route");
  Client c({.home = e.home(), .port = closed_port()});
  CHECK_THROWS_AS(c.network("xyz"), InputError);
  CHECK_THROWS_AS(c.network("1234"), InputError);
  CHECK_THROWS_AS(c.peer("c020b51e9"), InputError);
}

TEST_CASE("peers: {} for an unknown peer, MOON with a direct path", "[unit]") {
  Emulator e("ok-route");
  Client c(opts(e));
  CHECK_FALSE(c.peer("1234567890").has_value());
  auto moon = c.peer("c020b51e9e");
  REQUIRE(moon.has_value());
  CHECK(moon->role == "MOON");
  CHECK(moon->latency_ms == std::optional<int>(26));
  CHECK(moon->direct_path() != nullptr);
}

TEST_CASE("a rejected token is reported without the token", "[unit]") {
  Emulator e("wrong-token");
  Client c(opts(e));
  auto err = api_error([&] { c.status(); });
  CHECK(err.failure() == Failure::token_rejected);
  std::string m = err.what();
  CHECK(m.find("401") != std::string::npos);
  CHECK(m.find(e.token()) == std::string::npos);
}

TEST_CASE("a token the service does not know is rejected too", "[unit]") {
  Emulator e("ok-route");
  zt_test::TempDir t;
  std::ofstream(t.path + "/tok") << "0123456789abcdefghijklmn";
  Client c({.home = e.home(), .token_file = t.path + "/tok"});
  auto err = api_error([&] { c.status(); });
  CHECK(err.failure() == Failure::token_rejected);
  CHECK(std::string(err.what()).find("0123456789abcdefghijklmn") == std::string::npos);
}

TEST_CASE("service not running names the address and port", "[unit]") {
  Emulator e("ok-route");
  int port = closed_port();
  Client c({.home = e.home(), .port = port});
  auto err = api_error([&] { c.status(); });
  CHECK(err.failure() == Failure::not_running);
  CHECK(std::string(err.what()).find("connection refused on 127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

TEST_CASE("a slow service times out within the timeout", "[unit]") {
  Emulator e("slow", "--delay 3");
  Client c({.home = e.home(), .timeout = std::chrono::milliseconds(300)});
  auto t0 = std::chrono::steady_clock::now();
  auto err = api_error([&] { c.status(); });
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(err.failure() == Failure::timeout);
  CHECK(took < std::chrono::milliseconds(1500));
  CHECK(std::string(err.what()).find("300ms") != std::string::npos);
}

TEST_CASE("interface discovery for bdctl-route", "[unit]") {
  Emulator e("ok-route");
  CHECK(interface_name(opts(e), std::nullopt) == "zt327pdwre");
  CHECK(interface_name(opts(e), "c020b51e9e44c4ba") == "zt327pdwre");
  CHECK_THROWS_WITH(interface_name(opts(e), "8bd5124fd6f45ffe"), Catch::Contains("not joined"));
  CHECK_THROWS_AS(interface_name(opts(e), "bad"), InputError);
  e.set_state("two-networks");
  CHECK_THROWS_WITH(interface_name(opts(e), std::nullopt),
                    Catch::Contains("2 ZeroTier networks") && Catch::Contains("--network"));
  CHECK(interface_name(opts(e), "8bd5124fd6f45ffe") == "ztyqb6mebi");
  e.set_state("no-network");
  CHECK_THROWS_WITH(interface_name(opts(e), std::nullopt), Catch::Contains("no ZeroTier network"));
}
