#include <catch2/catch.hpp>

#include "bdctl/error.hpp"
#include "bdctl/route.hpp"

using namespace bdctl;

namespace {
std::vector<std::string> texts(const nft::DesiredChain& c) {
  std::vector<std::string> out;
  for (const auto& r : c.rules) out.push_back(r.text());
  return out;
}
route::Options opts() {
  route::Options o;
  o.zt_if = "zt*";
  o.lan_if = "eth0";
  return o;
}
}  // namespace

TEST_CASE("the default ruleset is the guide's three rules plus the explicit drop", "[unit]") {
  auto chains = route::desired_chains(opts());
  REQUIRE(chains.size() == 2);
  CHECK(chains[0].spec.name == "route_forward");
  CHECK(chains[0].spec.hook == "forward");
  CHECK_FALSE(chains[0].spec.policy_drop);
  CHECK(texts(chains[0]) ==
        std::vector<std::string>{"iifname \"zt*\" oifname \"eth0\" accept",
                                 "iifname \"eth0\" oifname \"zt*\" ct state established,related accept",
                                 "iifname \"eth0\" oifname \"zt*\" drop"});
  CHECK(chains[1].spec.type == "nat");
  CHECK(chains[1].spec.priority == nft::kPrioSrcnat);
  CHECK(texts(chains[1]) == std::vector<std::string>{"iifname \"zt*\" oifname \"eth0\" masquerade"});
}

TEST_CASE("options change exactly the rules they name", "[unit]") {
  auto o = opts();
  o.allow_lan_initiated = true;
  CHECK(texts(route::desired_chains(o)[0]).back() == "iifname \"eth0\" oifname \"zt*\" accept");

  o = opts();
  o.masquerade = false;
  CHECK(route::desired_chains(o).size() == 1);

  o = opts();
  o.ipv6 = false;
  for (const auto& c : route::desired_chains(o))
    for (const auto& t : texts(c)) CHECK_THAT(t, Catch::StartsWith("meta nfproto ipv4 "));
  CHECK(route::forwarding_keys(o) == std::vector<std::string>{"net.ipv4.ip_forward"});
  o = opts();
  CHECK(route::forwarding_keys(o) == std::vector<std::string>{"net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"});
}

TEST_CASE("bad interface names are refused before any rule exists", "[unit]") {
  auto o = opts();
  o.lan_if = "eth0 drop";
  CHECK_THROWS_AS(route::desired_chains(o), InputError);
  o = opts();
  o.zt_if = "a-name-far-too-long";
  CHECK_THROWS_WITH(route::desired_chains(o), Catch::Contains("a-name-far-too-long"));
}
