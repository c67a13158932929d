// Option validation and the desired-chain model (no kernel needed).
#include <catch2/catch.hpp>

#include "bdctl/error.hpp"
#include "bdctl/mss.hpp"

using namespace bdctl;
using namespace bdctl::mss;

namespace {

Options fixed(unsigned mss) {
  Options o;
  o.mode = Mode::mss;
  o.value = mss;
  return o;
}
Options by_mtu(unsigned mtu) {
  Options o;
  o.mode = Mode::mtu;
  o.value = mtu;
  return o;
}
std::vector<std::string> texts(const nft::DesiredChain& c) {
  std::vector<std::string> out;
  for (const auto& r : c.rules) out.push_back(r.text());
  return out;
}

}  // namespace

TEST_CASE("MSS range is 536..65495, inclusive", "[unit]") {
  CHECK_NOTHROW(validate(fixed(536)));
  CHECK_NOTHROW(validate(fixed(65495)));
  CHECK_THROWS_WITH(validate(fixed(535)), "--mss 535: out of range 536..65495");
  CHECK_THROWS_AS(validate(fixed(65496)), InputError);
  CHECK_THROWS_AS(validate(fixed(0)), InputError);
}

TEST_CASE("MTU must be at least 576, and 1280 when IPv6 is clamped", "[unit]") {
  CHECK_NOTHROW(validate(by_mtu(1280)));
  CHECK_THROWS_WITH(validate(by_mtu(1279)), Catch::StartsWith("--mtu 1279: below 1280, the IPv6 minimum"));
  CHECK_THROWS_WITH(validate(by_mtu(575)), "--mtu 575: below 576, the IPv4 minimum");
  auto v4 = by_mtu(576);
  v4.families = Families::ipv4;
  CHECK_NOTHROW(validate(v4));
  auto v6 = by_mtu(1000);
  v6.families = Families::ipv6;
  CHECK_THROWS_AS(validate(v6), InputError);
  CHECK_THROWS_AS(validate(by_mtu(65536)), InputError);
  CHECK_NOTHROW(validate(by_mtu(65535)));
}

TEST_CASE("a bad interface name is refused before anything else", "[unit]") {
  auto o = fixed(1452);
  o.iface = "eth0 ; drop";
  CHECK_THROWS_AS(validate(o), InputError);
  o.iface = "averyveryverylongname";
  CHECK_THROWS_AS(validate(o), InputError);
  o.iface = "zt*";
  CHECK_NOTHROW(validate(o));
}

TEST_CASE("mode mtu: --mtu gives MTU-40 for IPv4 and MTU-60 for IPv6, one rule each", "[unit]") {
  auto cl = clamps(by_mtu(1492));
  REQUIRE(cl.size() == 2);
  CHECK(cl[0] == Clamp{nft::Family::ipv4, std::uint16_t(1452)});
  CHECK(cl[1] == Clamp{nft::Family::ipv6, std::uint16_t(1432)});
  auto chains = desired_chains(by_mtu(1492));
  REQUIRE(chains.size() == 1);
  CHECK(texts(chains[0]) == std::vector<std::string>{"meta nfproto ipv4 tcp flags & (syn|rst) == syn tcp option maxseg "
                                                     "size > 1452 tcp option maxseg size set 1452",
                                                     "meta nfproto ipv6 tcp flags & (syn|rst) == syn tcp option maxseg "
                                                     "size > 1432 tcp option maxseg size set 1432"});
}

TEST_CASE("modes mss and pmtu: --mss and --pmtu mean the same for both families: one rule", "[unit]") {
  auto chains = desired_chains(fixed(1452));
  REQUIRE(chains.size() == 1);
  CHECK(texts(chains[0]) ==
        std::vector<std::string>{
            "tcp flags & (syn|rst) == syn tcp option maxseg size > 1452 tcp option maxseg size set 1452"});
  Options p;
  p.mode = Mode::pmtu;
  CHECK(texts(desired_chains(p)[0]) ==
        std::vector<std::string>{"tcp flags & (syn|rst) == syn tcp option maxseg size set rt mtu"});
  p.families = Families::ipv6;
  CHECK(texts(desired_chains(p)[0]) ==
        std::vector<std::string>{"meta nfproto ipv6 tcp flags & (syn|rst) == syn tcp option maxseg size set rt mtu"});
}

TEST_CASE("the forward chain is a mangle-priority, accept-policy base chain named mss_*", "[unit]") {
  auto c = desired_chains(fixed(1400))[0];
  CHECK(c.spec.name == kForwardChain);
  CHECK(c.spec.name.rfind(kChainPrefix, 0) == 0);
  CHECK(c.spec.type == "filter");
  CHECK(c.spec.hook == "forward");
  CHECK(c.spec.priority == nft::kPrioMangle);
  CHECK_FALSE(c.spec.policy_drop);
  for (const auto& r : c.rules) {
    CHECK(r.text().find("accept") == std::string::npos);  // never a verdict
    CHECK(r.text().find("drop") == std::string::npos);
  }
}

TEST_CASE("iface: --iface clamps SYNs coming in and going out through it", "[unit]") {
  auto o = by_mtu(1492);
  o.iface = "ppp0";
  auto c = desired_chains(o)[0];
  REQUIRE(c.rules.size() == 4);
  CHECK(c.rules[0].text().rfind("iifname \"ppp0\" meta nfproto ipv4 ", 0) == 0);
  CHECK(c.rules[1].text().rfind("oifname \"ppp0\" meta nfproto ipv4 ", 0) == 0);
  CHECK(c.rules[2].text().rfind("iifname \"ppp0\" meta nfproto ipv6 ", 0) == 0);
  CHECK(c.rules[3].text().rfind("oifname \"ppp0\" meta nfproto ipv6 ", 0) == 0);
}

TEST_CASE("local: --local adds an output-hook chain that matches only the outgoing interface", "[unit]") {
  auto o = fixed(1452);
  CHECK(desired_chains(o).size() == 1);
  o.local = true;
  o.iface = "zt*";
  auto chains = desired_chains(o);
  REQUIRE(chains.size() == 2);
  CHECK(chains[1].spec.name == kOutputChain);
  CHECK(chains[1].spec.hook == "output");
  CHECK(chains[1].spec.priority == nft::kPrioMangle);
  REQUIRE(chains[1].rules.size() == 1);
  CHECK(chains[1].rules[0].text().rfind("oifname \"zt*\" ", 0) == 0);
}

TEST_CASE("options survive the state file round trip", "[unit]") {
  auto o = by_mtu(1492);
  o.pppoe = true;
  o.iface = "ppp0";
  o.local = true;
  CHECK(options_from_json(options_to_json(o), "state") == o);
  Options p;
  p.mode = Mode::pmtu;
  p.families = Families::ipv4;
  CHECK(options_from_json(options_to_json(p), "state") == p);
  CHECK(describe(o) == "--pppoe --iface ppp0 --local");
  CHECK_THROWS_AS(options_from_json("{\"mode\":\"mss\",\"mss\":10}", "state"), InputError);
  CHECK_THROWS_AS(options_from_json("not json", "state"), InputError);
}

TEST_CASE("probe options are bounded", "[unit]") {
  ProbeOptions p;
  p.host = "192.0.2.1";
  CHECK_NOTHROW(validate(p));
  p.max_probes = 0;
  CHECK_THROWS_AS(validate(p), InputError);
  p.max_probes = 20;
  p.ipv4 = p.ipv6 = false;
  CHECK_THROWS_AS(validate(p), InputError);
}

TEST_CASE("a host that does not resolve is bad input", "[unit]") {
  ProbeOptions p;
  p.host = "no such host";  // a space: getaddrinfo refuses without asking DNS
  CHECK_THROWS_AS(probe(p), InputError);
}
