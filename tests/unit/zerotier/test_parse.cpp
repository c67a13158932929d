#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bdctl/error.hpp"
#include "bdctl/zerotier.hpp"
#include "emulator.hpp"

using namespace bdctl;
using namespace bdctl::zerotier;
using nlohmann::json;
using zt_test::fixture;

TEST_CASE("status of an offline node", "[unit]") {
  auto s = parse_status(json::parse(fixture("status.json")));
  CHECK(s.address == "c020b51e9e");
  CHECK(s.version == "1.14.1");
  CHECK_FALSE(s.online);
  CHECK(s.state() == "OFFLINE");
  CHECK(s.primary_port == 19993);
  CHECK(s.listening_on.empty());
}

TEST_CASE("status of an online node and tunneled state", "[unit]") {
  auto j = json::parse(fixture("nodeB-status-online.json"));
  auto s = parse_status(j);
  CHECK(s.state() == "ONLINE");
  CHECK(s.listening_on == std::vector<std::string>{"10.99.99.2/29993"});
  j["tcpFallbackActive"] = true;
  CHECK(parse_status(j).state() == "TUNNELED");
}

TEST_CASE("network OK: addresses, routes with via null", "[unit]") {
  auto n = parse_network(json::parse(fixture("nodeB-network-ok.json")));
  CHECK(n.id == "c020b51e9e44c4ba");
  CHECK(n.status == "OK");
  CHECK(n.port_device_name == "zt327pdwre");
  CHECK(n.assigned_addresses == std::vector<std::string>{"10.147.20.54/24"});
  REQUIRE(n.routes.size() == 2);
  CHECK(n.routes[0].target == "10.147.20.0/24");
  CHECK_FALSE(n.routes[0].via.has_value());
  CHECK(n.routes[1].via == std::optional<std::string>("10.147.20.10"));
}

TEST_CASE("network ACCESS_DENIED and REQUESTING_CONFIGURATION", "[unit]") {
  auto d = parse_network(json::parse(fixture("nodeB-network-access-denied.json")));
  CHECK(d.status == "ACCESS_DENIED");
  CHECK(d.assigned_addresses.empty());
  CHECK(explain_network_status(d.status).find("Central") != std::string::npos);
  auto r = parse_network(json::parse(fixture("network-get-requesting.json")));
  CHECK(r.status == "REQUESTING_CONFIGURATION");
  CHECK(r.name.empty());
  CHECK(r.port_device_name == "ztyqb6mebi");
}

TEST_CASE("peers: latency -1 and unknown version are absent, direct paths found", "[unit]") {
  auto list = json::parse(fixture("peer-list.json"));
  REQUIRE(list.size() == 4);
  for (const auto& e : list) {
    auto p = parse_peer(e);
    CHECK(p.role == "PLANET");
    CHECK_FALSE(p.latency_ms.has_value());
    CHECK_FALSE(p.version.has_value());
    CHECK(p.direct_path() == nullptr);
  }
  auto leaf = parse_peer(json::parse(fixture("nodeA-peer-get-leaf.json")));
  CHECK(leaf.role == "LEAF");
  CHECK(leaf.latency_ms == std::optional<int>(26));
  REQUIRE(leaf.direct_path() != nullptr);
  CHECK(leaf.direct_path()->address == "10.99.99.2/29993");
}

TEST_CASE("malformed objects name the key", "[unit]") {
  auto j = json::parse(fixture("nodeB-network-ok.json"));
  j.erase("status");
  try {
    parse_network(j);
    FAIL("no error");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()).find("'status'") != std::string::npos);
    CHECK(e.failure() == Failure::protocol);
  }
  CHECK_THROWS_AS(parse_status(json::object()), ApiError);
}

TEST_CASE("network IDs and node addresses are validated", "[unit]") {
  CHECK(validate_network_id("C020B51E9E44C4BA") == "c020b51e9e44c4ba");
  CHECK_THROWS_AS(validate_network_id("1234"), InputError);
  CHECK_THROWS_AS(validate_network_id("c020b51e9e44c4bz"), InputError);
  CHECK_THROWS_WITH(validate_network_id("xyz"), Catch::Contains("'xyz'"));
  CHECK(validate_node_address("BCA1C20590") == "bca1c20590");
  CHECK_THROWS_AS(validate_node_address("bca1c2059"), InputError);
}
