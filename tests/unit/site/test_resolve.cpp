// The site model's rules on observed data: no kernel, no service.
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/site.hpp"

using namespace bdctl;
using namespace bdctl::site;

namespace {

// lo, the uplink (eth0, the default route), the site LAN (lan0), the ZeroTier link.
Link lk(int index, const char* name, const char* kind, const char* oper, unsigned mtu) {
  Link l;
  l.index = index;
  l.name = name;
  l.kind = kind;
  l.operstate = oper;
  l.admin_up = l.lower_up = true;
  l.mtu = mtu;
  return l;
}
Address ad(int ifindex, Prefix p) {
  Address a;
  a.ifindex = ifindex;
  a.prefix = p;
  return a;
}

Observed pi() {
  Observed o;
  o.links = {lk(1, "lo", "", "unknown", 65536), lk(2, "eth0", "", "up", 1500), lk(3, "lan0", "", "up", 1500),
             lk(4, "zt327pdwre", "tun", "unknown", 2800)};
  o.addresses = {ad(2, parse_prefix("10.0.0.5/24")), ad(3, parse_prefix("192.168.1.201/24")),
                 ad(3, parse_prefix("fe80::1/64")), ad(3, parse_prefix("fd00:1::201/64")),
                 ad(4, parse_prefix("10.147.20.54/24"))};
  Route def;
  def.oif = 2;
  def.gateway = parse_address("10.0.0.1");
  o.default_v4 = def;
  return o;
}

zerotier::Network network(const std::string& id, const std::string& dev, std::vector<std::string> addrs) {
  zerotier::Network n;
  n.id = id;
  n.status = "OK";
  n.port_device_name = dev;
  n.assigned_addresses = std::move(addrs);
  return n;
}

const char* kN1 = "c020b51e9e44c4ba";
const char* kN2 = "8056c2e21c000002";

}  // namespace

TEST_CASE("site: the LAN behind a managed route via this node wins over the default route's uplink", "[unit]") {
  auto o = pi();
  auto n = network(kN1, "zt327pdwre", {"10.147.20.54/24"});
  n.routes.push_back({"192.168.0.0/23", std::string("10.147.20.54"), 0, 0});
  o.networks = std::vector<zerotier::Network>{n};
  auto s = resolve({}, o);
  REQUIRE(s.lan_if);
  CHECK(s.lan_if->value == "lan0");
  CHECK(s.lan_if->source == "managed route 192.168.0.0/23 via 10.147.20.54");
  REQUIRE(s.zt_if);
  CHECK(s.zt_if->value == "zt327pdwre");
  CHECK(s.zt_if->source == "zerotier api");
  REQUIRE(s.network);
  CHECK(s.network->value == kN1);
  // The prefixes of the LAN: one per family, link-local left out.
  REQUIRE(s.lan_prefixes.size() == 2);
  CHECK(s.lan_prefixes[0].value.to_string() == "192.168.1.0/24");
  CHECK(s.lan_prefixes[0].source == "address on lan0");
  CHECK(s.lan_prefixes[1].value.to_string() == "fd00:1::/64");
  CHECK(s.conflicts.empty());

  // Without the managed route: the default route, which is the uplink here;
  // the only source left, and named as such.
  o.networks->front().routes.clear();
  s = resolve({}, o);
  CHECK(s.lan_if->value == "eth0");
  CHECK(s.lan_if->source == "default route");
}

TEST_CASE("site: the default route through ZeroTier is never the LAN", "[unit]") {
  auto o = pi();
  o.default_v4->oif = 4;  // allowDefault: the default route leaves through zt327pdwre
  o.networks = std::vector<zerotier::Network>{network(kN1, "zt327pdwre", {"10.147.20.54/24"})};
  auto s = resolve({}, o);
  CHECK_FALSE(s.lan_if);
  REQUIRE_FALSE(s.notes.empty());
  CHECK_THAT(s.notes.back(), Catch::Contains("no LAN interface"));
}

TEST_CASE("site: the network moved; the record of the last up is a conflict, not the answer", "[unit]") {
  auto o = pi();
  o.links.push_back(lk(5, "ztmoved0", "tun", "unknown", 2800));
  o.recorded = Recorded{"zt327pdwre", "lan0"};
  o.networks = std::vector<zerotier::Network>{network(kN2, "ztmoved0", {"10.147.30.54/24"})};
  auto s = resolve({}, o);
  REQUIRE(s.zt_if);
  CHECK(s.zt_if->value == "ztmoved0");
  REQUIRE(s.conflicts.size() == 1);
  CHECK(s.conflicts[0] == "the last bdctl-route up routed zt327pdwre; the ZeroTier service serves ztmoved0 now");
  // The LAN still comes from the record (it exists).
  CHECK(s.lan_if->value == "lan0");
  CHECK(s.lan_if->source == "last up");

  // The service cannot be asked: the record is all there is, without a conflict.
  o.networks.reset();
  o.zerotier_error = "connection refused";
  s = resolve({}, o);
  CHECK(s.zt_if->value == "zt327pdwre");
  CHECK(s.zt_if->source == "last up");
  CHECK(s.conflicts.empty());
  CHECK_THAT(s.notes.back(), Catch::Contains("connection refused"));
}

TEST_CASE("site: a recorded LAN interface that is gone is a conflict, and another source is used", "[unit]") {
  auto o = pi();
  o.recorded = Recorded{"zt327pdwre", "br-old"};
  auto s = resolve({}, o);
  REQUIRE(s.conflicts.size() == 1);
  CHECK_THAT(s.conflicts[0], Catch::Contains("br-old, which does not exist now"));
  CHECK(s.lan_if->source == "default route");
}

TEST_CASE("site: a given subnet finds the interface it is on, never the uplink for a subnet found nowhere", "[unit]") {
  auto o = pi();
  Given g;
  g.lan_subnet = Sourced<Prefix>{parse_prefix("192.168.1.0/24"), "--lan-subnet"};
  auto s = resolve(g, o);
  CHECK(s.lan_if->value == "lan0");
  CHECK(s.lan_if->source == "route to 192.168.1.0/24");
  CHECK(s.lan_prefixes[0].source == "--lan-subnet");

  // A LAN behind a router on lan0: found by its route.
  g.lan_subnet->value = parse_prefix("192.168.50.0/24");
  Route r;
  r.dst = parse_prefix("192.168.50.0/24");
  r.oif = 3;
  o.routes.push_back(r);
  s = resolve(g, o);
  CHECK(s.lan_if->value == "lan0");

  // Routed nowhere but by the default route: unknown, not eth0.
  o.routes.clear();
  s = resolve(g, o);
  CHECK_FALSE(s.lan_if);
  CHECK_THAT(s.notes.back(), Catch::Contains("no interface holds or routes the subnet 192.168.50.0/24 (--lan-subnet)"));
}

TEST_CASE("site: the managed routes it needs are family-aware", "[unit]") {
  auto o = pi();
  // IPv6 listed first, as the service lists it.
  auto n = network(kN1, "zt327pdwre", {"fddc:6f0c:a8a3:4f18:1199:937c:b4b1:2ad5/88", "10.147.20.54/24"});
  n.routes.push_back({"192.168.0.0/23", std::string("10.147.20.54"), 0, 0});
  o.networks = std::vector<zerotier::Network>{n};
  Given g;
  g.lan_if = Sourced<std::string>{"lan0", "--lan"};
  auto s = resolve(g, o);
  REQUIRE(s.routes.size() == 2);
  CHECK(s.routes[0].target.to_string() == "192.168.0.0/23");
  CHECK(s.routes[0].via->to_string() == "10.147.20.54");
  CHECK(s.routes[0].present == std::optional<bool>(true));
  CHECK(s.routes[1].target.to_string() == "fd00:1::/63");
  CHECK(s.routes[1].via->to_string() == "fddc:6f0c:a8a3:4f18:1199:937c:b4b1:2ad5");
  CHECK(s.routes[1].present == std::optional<bool>(false));

  // Not asked: whether a route is there is unknown, not missing.
  o.networks.reset();
  s = resolve(g, o);
  CHECK_FALSE(s.routes[0].present.has_value());
}

TEST_CASE("site: several networks joined, the service names none; a note says what to set", "[unit]") {
  auto o = pi();
  o.links.push_back(lk(5, "ztother0", "tun", "unknown", 2800));
  o.networks = std::vector<zerotier::Network>{network(kN1, "zt327pdwre", {}), network(kN2, "ztother0", {})};
  auto s = resolve({}, o);
  CHECK_FALSE(s.network);
  CHECK_FALSE(s.zt_if);  // the service answered: the zt* links are not guessed from
  CHECK_THAT(s.notes.front(), Catch::Contains("several ZeroTier networks are joined"));

  // Naming the interface names the network too.
  Given g;
  g.zt_if = Sourced<std::string>{"ztother0", "--zt"};
  s = resolve(g, o);
  REQUIRE(s.network);
  CHECK(s.network->value == kN2);
}

TEST_CASE("site: [site] fills what the flags left, each value with its file and line", "[unit]") {
  auto cfg = Config::parse("[site]\nlan_interface = \"lan0\"\nsubnet = \"192.168.1.0/24\"\n", "bdctl.toml");
  Given flags;
  flags.lan_if = Sourced<std::string>{"eth9", "--lan"};
  auto g = with_config(flags, cfg);
  CHECK(g.lan_if->value == "eth9");
  CHECK(g.lan_if->source == "--lan");
  CHECK(g.lan_subnet->source == "config bdctl.toml:3");
  auto bad = Config::parse("[site]\nsubnet = \"192.168.1.0/33\"\n", "bdctl.toml");
  CHECK_THROWS_WITH(with_config({}, bad), Catch::StartsWith("bdctl.toml:2: key 'site.subnet': "));
}
