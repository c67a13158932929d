#include <algorithm>
#include <catch2/catch.hpp>

#include "bdctl/check.hpp"
#include "bdctl/config.hpp"
#include "bdctl/error.hpp"

using namespace bdctl;
using namespace bdctl::check;

TEST_CASE("targets parse as NAME=HOST:PORT", "[unit]") {
  auto t = parse_target("nuc=192.168.1.205:3389");
  CHECK(t.name == "nuc");
  CHECK(t.host == "192.168.1.205");
  CHECK(t.port == 3389);
  auto v6 = parse_target("pi6=[fd00:1::201]:22");
  CHECK(v6.host == "fd00:1::201");
  CHECK(v6.port == 22);
  CHECK_THROWS_WITH(parse_target("nuc=192.168.1.205"), Catch::Contains("'nuc=192.168.1.205'"));
  CHECK_THROWS_AS(parse_target("nuc=host:0"), InputError);
  CHECK_THROWS_AS(parse_target("nuc=host:65536"), InputError);
  CHECK_THROWS_AS(parse_target("n c=host:80"), InputError);
  CHECK_THROWS_AS(parse_target("=host:80"), InputError);
  CHECK_THROWS_AS(parse_target("x=fd00::1:80"), InputError);
  CHECK(t.probe == Probe::tcp);
}

TEST_CASE("ICMP targets parse as NAME=icmp:HOST", "[unit]") {
  auto t = parse_target("kmtronic=icmp:192.168.1.199");
  CHECK(t.name == "kmtronic");
  CHECK(t.host == "192.168.1.199");
  CHECK(t.port == 0);
  CHECK(t.probe == Probe::icmp);
  CHECK(parse_target("pi6=icmp:fd00:1::201").host == "fd00:1::201");
  CHECK(parse_target("pi6=icmp:[fd00:1::201]").host == "fd00:1::201");
  CHECK(parse_target("ll=icmp:fe80::1%eth0").host == "fe80::1%eth0");
  CHECK(parse_target("nuc=icmp:nuc.lan").host == "nuc.lan");
  // A port has no meaning for ICMP; a forgotten port on a TCP target stays an error.
  CHECK_THROWS_WITH(parse_target("x=icmp:192.168.1.199:80"), Catch::Contains("takes no port"));
  CHECK_THROWS_WITH(parse_target("x=icmp:[fd00::1]:80"), Catch::Contains("takes no port"));
  CHECK_THROWS_WITH(parse_target("x=icmp:"), Catch::Contains("no host"));
  CHECK_THROWS_WITH(parse_target("x=192.168.1.199"), Catch::Contains("NAME=icmp:HOST"));
}

TEST_CASE("ranges: FIRST-LAST and prefixes", "[unit]") {
  auto r = parse_range("pool", "192.168.1.2-192.168.1.199");
  CHECK(r.first.to_string() == "192.168.1.2");
  CHECK(r.last.to_string() == "192.168.1.199");
  auto p = parse_range("hotspot", "192.168.1.192/26");
  CHECK(p.first.to_string() == "192.168.1.192");
  CHECK(p.last.to_string() == "192.168.1.255");
  CHECK_THROWS_AS(parse_range("x", "192.168.1.9-192.168.1.2"), InputError);
  CHECK_THROWS_AS(parse_range("x", "192.168.1.2-fd00::1"), InputError);
}

TEST_CASE("config file fills settings; the command line wins and targets add up", "[unit]") {
  auto cfg = Config::parse(R"(
[site]
subnet = "192.168.1.0/24"
lan_interface = "eth0"
[site.ranges]
main_dhcp = "192.168.1.2-192.168.1.199"
hotspot = "192.168.1.205-192.168.1.254"
[site.static]
pi = "192.168.1.201"
[check]
timeout = "750ms"
deadline = "5s"
[check.targets]
nuc = "192.168.1.205:3389"
pi = "192.168.1.201:22"
rigrunner = "icmp:192.168.1.199"
)",
                           "test.toml");
  Settings s;
  s.site.lan_if = site::Sourced<std::string>{"br0", "--lan"};
  s.targets.push_back(parse_target("pi=127.0.0.1:2222"));
  apply_config(cfg, s);
  CHECK(s.site.lan_if->value == "br0");
  CHECK(s.site.lan_subnet->value.to_string() == "192.168.1.0/24");
  CHECK(s.site.lan_subnet->source == "config test.toml:3");
  CHECK(s.timeout == Millis(750));
  CHECK(s.deadline == Millis(5000));
  REQUIRE(s.pools.size() == 2);
  REQUIRE(s.static_hosts.size() == 1);
  REQUIRE(s.targets.size() == 3);
  CHECK(s.targets[0].host == "127.0.0.1");  // command line's "pi" kept
  CHECK(s.targets[1].name == "nuc");
  CHECK(s.targets[2].name == "rigrunner");
  CHECK(s.targets[2].probe == Probe::icmp);
}

TEST_CASE("a bad value in the config names file, line and key", "[unit]") {
  auto cfg = Config::parse("[check.targets]\nnuc = \"192.168.1.205\"\n", "bd.toml");
  Settings s;
  CHECK_THROWS_WITH(apply_config(cfg, s), Catch::Contains("bd.toml:2") && Catch::Contains("check.targets.nuc"));
}

TEST_CASE("only and skip select names and groups", "[unit]") {
  Settings s;
  s.targets = {parse_target("nuc=1.2.3.4:3389"), parse_target("pi=1.2.3.5:22")};
  auto all = selected_names(s);
  CHECK(all.size() == 4 + 5 + 3 + 2 + 2);  // forwarding: sysctl, rules, mss, drops, pending
  s.only = {"lan"};
  CHECK(selected_names(s) == std::vector<std::string>{"lan.nuc", "lan.pi"});
  s.only = {"zerotier.service", "lan.pi"};
  CHECK(selected_names(s) == std::vector<std::string>{"zerotier.service", "lan.pi"});
  s.only = {};
  s.skip = {"zerotier", "forwarding", "uplink", "plan.duplicate"};
  CHECK(selected_names(s) == std::vector<std::string>{"lan.nuc", "lan.pi", "plan.ranges"});
  s.skip = {"lan.nas"};
  CHECK_THROWS_WITH(selected_names(s), Catch::Contains("'lan.nas'"));
  s.skip = {};
  s.only = {"zerotier.services"};
  CHECK_THROWS_AS(selected_names(s), InputError);
}

TEST_CASE("bridged: the bridge.* checks replace the routed zerotier.route, forwarding.sysctl and rules", "[unit]") {
  Settings s;
  s.bridged = true;
  auto n = check_names(s);
  auto has = [&](const char* name) { return std::find(n.begin(), n.end(), name) != n.end(); };
  CHECK(has("bridge.ports"));
  CHECK(has("bridge.filters"));
  CHECK(has("bridge.layout"));
  CHECK(has("bridge.zerotier"));
  CHECK_FALSE(has("forwarding.sysctl"));
  CHECK_FALSE(has("forwarding.rules"));
  CHECK_FALSE(has("zerotier.route"));
  CHECK(has("zerotier.network"));
  CHECK(has("forwarding.mss"));  // bdctl-mss's own rules are judged either way
  s.only = {"bridge"};
  CHECK(selected_names(s).size() == 4);
  s.bridged = false;
  CHECK(selected_names(s).empty());  // a group, even with no checks in it: not an error
}

TEST_CASE("worst state: critical > warning > unknown > ok", "[unit]") {
  CHECK(worse(State::ok, State::unknown) == State::unknown);
  CHECK(worse(State::unknown, State::warning) == State::warning);
  CHECK(worse(State::critical, State::warning) == State::critical);
  CHECK(worse(State::ok, State::ok) == State::ok);
}
