// The bridge module's pure parts: preconditions, the layouts up and down
// want, the record's JSON, the filters. The kernel side is tests/netns/bridge.test.sh.
#include <linux/if_addr.h>
#include <sys/socket.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bdctl/bridge.hpp"
#include "bdctl/error.hpp"

using namespace bdctl;
using namespace bdctl::bridge;

namespace {

Inputs site() {
  Inputs in;
  in.names = {"br-bdctl", "eth0", "zt327pdwre"};
  in.network = "8056c2e21c000001";
  zerotier::Network n;
  n.id = in.network;
  n.status = "OK";
  n.bridge = true;
  n.allow_managed = false;
  n.mtu = 1500;
  in.zt = n;
  Link lan;
  lan.index = 2;
  lan.name = "eth0";
  lan.mtu = 1500;
  Link zt;
  zt.index = 3;
  zt.name = "zt327pdwre";
  zt.kind = "tun";
  zt.mtu = 2800;
  in.links = {lan, zt};
  Address a;
  a.ifindex = 2;
  a.prefix = parse_prefix("192.168.1.201/24");
  a.flags = IFA_F_PERMANENT;
  in.addresses = {a};
  return in;
}

const Precondition* find(const std::vector<Precondition>& p, const std::string& name) {
  auto it = std::find_if(p.begin(), p.end(), [&](const Precondition& c) { return c.name == name; });
  return it == p.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("preconditions: a member that may bridge, managed addresses off: up may go on", "[unit]") {
  auto p = preconditions(site());
  for (const auto& c : p) {
    INFO(c.name << ": " << c.message);
    CHECK(c.status == "ok");
  }
  CHECK(may_proceed(p, false));
}

TEST_CASE("preconditions: each failure names what to do", "[unit]") {
  auto in = site();
  in.zt->bridge = false;
  auto p = preconditions(in);
  REQUIRE(find(p, "zerotier.bridging"));
  CHECK(find(p, "zerotier.bridging")->status == "fail");
  CHECK_THAT(find(p, "zerotier.bridging")->fix, Catch::Contains("Allow Ethernet Bridging"));
  CHECK_FALSE(may_proceed(p, true));  // a failure refuses even forced

  in = site();
  in.zt->allow_managed = true;
  p = preconditions(in);
  CHECK(find(p, "zerotier.managed")->fix == "zerotier-cli set 8056c2e21c000001 allowManaged=0");

  in = site();
  in.links.pop_back();
  CHECK(find(preconditions(in), "zerotier.interface")->status == "fail");

  in = site();
  in.addresses.clear();
  CHECK(find(preconditions(in), "lan.address")->status == "fail");
  in.recorded_v4 = true;  // up run again after the address left the bridge: the record has it
  CHECK(find(preconditions(in), "lan.address")->status == "ok");
}

TEST_CASE("preconditions: MTU 2800 against 1500 and a DHCP lease warn, and do not refuse", "[unit]") {
  auto in = site();
  in.zt->mtu = 2800;
  in.addresses[0].flags = 0;  // a lease: not permanent
  auto p = preconditions(in);
  CHECK(find(p, "zerotier.mtu")->status == "warn");
  CHECK_THAT(find(p, "zerotier.mtu")->fix, Catch::Contains("set the MTU to 1500"));
  REQUIRE(find(p, "lan.dhcp"));
  CHECK(find(p, "lan.dhcp")->status == "warn");
  CHECK_THAT(find(p, "lan.dhcp")->message, Catch::Contains("192.168.1.201/24 on eth0 is leased"));
  CHECK(may_proceed(p, false));
}

TEST_CASE("preconditions: the service not asked is unknown: up goes on only forced", "[unit]") {
  auto in = site();
  in.zt.reset();
  in.zt_error = "connection refused";
  auto p = preconditions(in);
  CHECK(find(p, "zerotier.bridging")->status == "unknown");
  CHECK_FALSE(may_proceed(p, false));
  CHECK(may_proceed(p, true));
}

TEST_CASE("layouts: bridged_from and routed_from are inverses; differences name each change", "[unit]") {
  Layout routed;
  routed.names = {"br-bdctl", "eth0", "zt0"};
  routed.mac = "dc:a6:32:01:02:03";
  Address a;
  a.prefix = parse_prefix("192.168.1.201/24");
  routed.addresses = {{"eth0", a}};
  Route r;
  r.family = AF_INET;
  r.gateway = parse_address("192.168.1.1");
  r.table = 254;
  routed.routes = {{"eth0", r}};
  auto bridged = bridged_from(routed);
  CHECK(bridged.bridged());
  CHECK(bridged.addresses[0].ifname == "br-bdctl");
  CHECK(bridged.routes[0].ifname == "br-bdctl");
  CHECK(routed_from(bridged) == routed);
  CHECK(differences(routed, routed).empty());
  auto d = differences(routed, bridged);
  CHECK(std::find(d.begin(), d.end(), "address 192.168.1.201/24 missing on br-bdctl") != d.end());
  CHECK(std::find(d.begin(), d.end(), "route default via 192.168.1.1 dev br-bdctl missing") != d.end());
}

TEST_CASE("a layout's JSON reads back as it was; a bad one is refused naming the file", "[unit]") {
  Layout l;
  l.names = {"br-bdctl", "eth0", "zt0"};
  l.mac = "dc:a6:32:01:02:03";
  Address a;
  a.prefix = parse_prefix("fd00:1::201/64");
  a.flags = IFA_F_PERMANENT | IFA_F_NODAD;
  l.addresses = {{"eth0", a}};
  Route r;
  r.family = AF_INET6;
  r.dst = parse_prefix("fd00:9::/64");
  r.gateway = parse_address("fd00:1::1");
  r.table = 100;
  r.metric = 1024;
  l.routes = {{"eth0", r}};
  nlohmann::ordered_json j;
  to_json(j, l);
  CHECK(layout_from(j, "state.json") == l);

  auto bad = j;
  bad["routes"][0]["interface"] = "wlan0";
  CHECK_THROWS_WITH(layout_from(bad, "state.json"), Catch::Contains("state.json") && Catch::Contains("wlan0"));
  bad = j;
  bad["routes"][0]["scope"] = 300;
  CHECK_THROWS_WITH(layout_from(bad, "state.json"), Catch::Contains("scope: 300"));
  bad = j;
  bad["routes"][0]["family"] = "ipx";
  CHECK_THROWS_AS(layout_from(bad, "state.json"), InputError);
  bad = j;
  bad["addresses"][0]["flags"] = true;
  CHECK_THROWS_AS(layout_from(bad, "state.json"), InputError);
  bad = j;
  bad["addresses"][0]["address"] = "fd00:1::zz/64";
  CHECK_THROWS_WITH(layout_from(bad, "state.json"), Catch::Contains("state.json"));
}

TEST_CASE("filters: DHCP never crosses; the clamp only with an MSS; the limit on the LAN port", "[unit]") {
  auto chains = desired_chains({"eth0", 200, 1360});
  REQUIRE(chains.size() == 1);
  auto text = nft::render(chains, nft::kBridgeTable);
  CHECK_THAT(text, Catch::Contains("table bridge bdctl"));
  CHECK_THAT(text, Catch::Contains("udp dport 67-68 drop"));
  CHECK_THAT(text, Catch::Contains("udp dport 546-547 drop"));
  CHECK_THAT(text, Catch::Contains("iifname \"eth0\" ether daddr & 01:00:00:00:00:00 == 01:00:00:00:00:00 limit rate "
                                   "over 200/second drop"));
  CHECK_THAT(text, Catch::Contains("maxseg size set 1360"));
  auto unclamped = nft::render(desired_chains({"eth0", 200, 0}), nft::kBridgeTable);
  CHECK_THAT(unclamped, !Catch::Contains("maxseg"));
}
