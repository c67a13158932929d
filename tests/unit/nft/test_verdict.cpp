// What a foreign forward chain does to bdctl's traffic, from the kernel's own
// listings (captured with nft --debug=netlink from nft and iptables-nft).
#include <catch2/catch.hpp>

#include "bdctl/nft.hpp"

using namespace bdctl::nft;

namespace {
const std::string kIifZt0 =
    "[ meta load iifname => reg 1 ] [ cmp eq reg 1 0x0030747a 0x00000000 0x00000000 0x00000000 ]";
const std::string kOifEth0 =
    "[ meta load oifname => reg 1 ] [ cmp eq reg 1 0x30687465 0x00000000 0x00000000 0x00000000 ]";
// iptables-nft compares only the name and its NUL ("zt0\0", "eth0\0\0\0\0").
const std::string kIptIifZt0 = "[ meta load iifname => reg 1 ] [ cmp eq reg 1 0x0030747a ]";
const std::string kIptOifEth0 = "[ meta load oifname => reg 1 ] [ cmp eq reg 1 0x30687465 0x00000000 ]";
const std::string kIptIifEth0 = "[ meta load iifname => reg 1 ] [ cmp eq reg 1 0x30687465 0x00000000 ]";
const std::string kIptOifZt0 = "[ meta load oifname => reg 1 ] [ cmp eq reg 1 0x0030747a ]";
const std::string kCounter = "[ counter pkts 0 bytes 0 ]";
const std::string kAccept = "[ immediate reg 0 accept ]";

ForeignChain chain(bool policy_drop, std::map<std::string, std::vector<std::string>> chains) {
  ForeignChain c;
  c.family = "ip";
  c.table = "filter";
  c.chain = "FORWARD";
  c.policy_drop = policy_drop;
  c.table_chains = std::move(chains);
  return c;
}
const Flow kNew{"zt0", "eth0", false}, kAnswers{"eth0", "zt0", true};
}  // namespace

TEST_CASE("a drop policy with no rule for us drops", "[unit]") {
  auto c = chain(true, {{"FORWARD", {}}});
  CHECK(fate(c, kNew) == Fate::drop);
  CHECK(fate(chain(false, {{"FORWARD", {}}}), kNew) == Fate::accept);
}

TEST_CASE("established-only accept lets answers through, not new connections", "[unit]") {
  auto c = chain(true, {{"FORWARD",
                         {"[ ct load state => reg 1 ] [ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ "
                          "0x00000000 ] [ cmp neq reg 1 0x00000000 ] " +
                          kAccept}}});
  CHECK(fate(c, kNew) == Fate::drop);
  CHECK(fate(c, kAnswers) == Fate::accept);
}

TEST_CASE("Docker through iptables-nft: DOCKER-USER accept rules are followed and matched", "[unit]") {
  std::map<std::string, std::vector<std::string>> t{
      {"FORWARD", {kCounter + " [ immediate reg 0 jump -> DOCKER-USER ]"}},
      {"DOCKER-USER", {"[ immediate reg 0 return ]"}}};
  CHECK(fate(chain(true, t), kNew) == Fate::drop);
  t["DOCKER-USER"] = {kIptIifEth0 + " " + kIptOifZt0 + " [ match name conntrack rev 3 ] " + kCounter + " " + kAccept,
                      kIptIifZt0 + " " + kIptOifEth0 + " " + kCounter + " " + kAccept, "[ immediate reg 0 return ]"};
  CHECK(fate(chain(true, t), kNew) == Fate::accept);
  CHECK(fate(chain(true, t), kAnswers) == Fate::accept);
  // Another interface's rule does not let ours through.
  CHECK(fate(chain(true, t), Flow{"zt1", "eth0", false}) == Fate::drop);
}

TEST_CASE("nft's full-width names and prefixes", "[unit]") {
  auto c = chain(true, {{"FORWARD", {kIifZt0 + " " + kOifEth0 + " " + kAccept}}});
  CHECK(fate(c, kNew) == Fate::accept);
  // iifname "zt*": the comparison covers only "zt".
  auto prefix = chain(true, {{"FORWARD", {"[ meta load iifname => reg 1 ] [ cmp eq reg 1 0x0000747a ] " + kAccept}}});
  // One word "zt\0\0": "zt" exactly, or any zt*: which, the listing cannot say.
  CHECK(fate(prefix, Flow{"zt3jnxxqcz", "eth0", false}) == Fate::unknown);
  CHECK(fate(prefix, Flow{"eth1", "eth0", false}) == Fate::drop);
  // Full width (nft): surely exact, so zt0x is not zt0.
  CHECK(fate(c, Flow{"zt0x", "eth0", false}) == Fate::drop);
}

TEST_CASE("what the listing cannot tell is unknown, never accepted", "[unit]") {
  auto c = chain(
      true,
      {{"FORWARD", {"[ payload load 4b @ network header + 12 => reg 1 ] [ cmp eq reg 1 0x0014930a ] " + kAccept}}});
  CHECK(fate(c, kNew) == Fate::unknown);
  // A drop whose condition is unreadable makes even an accepting policy unknown.
  auto d = chain(false, {{"FORWARD",
                          {"[ payload load 4b @ network header + 12 => reg 1 ] [ cmp eq reg 1 "
                           "0x0014930a ] [ immediate reg 0 drop ]"}}});
  CHECK(fate(d, kNew) == Fate::unknown);
}
