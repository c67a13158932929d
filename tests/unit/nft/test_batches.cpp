// The exact nftables batches bdctl-route up and bdctl-mss set send, as golden
// bytes, built over a stand-in kernel (no root); and, in a private namespace,
// proof that the real kernel accepts those very bytes and then holds what the
// tools want. BDCTL_UPDATE_GOLDEN=1 rewrites tests/golden/batches/.
#include <linux/netfilter/nfnetlink.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../../../lib/src/netlink/channel.hpp"
#include "../netlink/fake_kernel.hpp"
#include "bdctl/mss.hpp"
#include "bdctl/nft.hpp"
#include "bdctl/route.hpp"
#include "netns_fixture.hpp"

using namespace bdctl;

namespace {

// What route::up and mss::set do with the table they read: plan, reconcile,
// commit. The stand-in kernel answers the read as an empty kernel would.
std::vector<char> batch_of(const std::vector<nft::DesiredChain>& want, bool (*owns)(const std::string&),
                           const nft::TableState* have_given = nullptr) {
  auto k = std::make_shared<fake::Kernel>();
  nft::Session s(fake::transport(k));
  auto have = have_given ? *have_given : s.read_table();
  auto plan = nft::plan_owned(have, want, owns);
  REQUIRE_FALSE(plan.in_sync);
  nft::Transaction tx(s);
  tx.reconcile(have, want, plan);
  tx.commit();
  REQUIRE_FALSE(k->sent.empty());
  return k->sent.back();
}

// One line per message (type, flags, seq), then its bytes in hex.
std::string listing(const std::vector<char>& batch) {
  std::ostringstream out;
  int left = int(batch.size());
  for (auto* m = reinterpret_cast<const nlmsghdr*>(batch.data()); NLMSG_OK(m, left); m = NLMSG_NEXT(m, left)) {
    char head[96];
    std::snprintf(head, sizeof head, "message type 0x%04x flags 0x%04x seq %u len %u\n", m->nlmsg_type, m->nlmsg_flags,
                  m->nlmsg_seq, m->nlmsg_len);
    out << head;
    auto* p = reinterpret_cast<const unsigned char*>(m);
    for (std::size_t i = 0; i < NLMSG_ALIGN(m->nlmsg_len); ++i) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%02x", p[i]);
      out << hex << ((i % 16 == 15 || i + 1 == NLMSG_ALIGN(m->nlmsg_len)) ? "\n" : " ");
    }
  }
  return out.str();
}

std::vector<char> from_listing(const std::string& text) {
  std::vector<char> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("message", 0) == 0) continue;
    std::istringstream bytes(line);
    std::string b;
    while (bytes >> b) out.push_back(char(std::stoi(b, nullptr, 16)));
  }
  return out;
}

std::string golden_path(const std::string& name) {
  return std::string(BDCTL_SOURCE_DIR) + "/tests/golden/batches/" + name;
}

void check_golden(const std::string& name, const std::vector<char>& batch) {
  auto text = listing(batch);
  if (std::getenv("BDCTL_UPDATE_GOLDEN")) std::ofstream(golden_path(name)) << text;
  std::ifstream in(golden_path(name));
  REQUIRE(in);
  std::stringstream want;
  want << in.rdbuf();
  INFO("tests/golden/batches/" << name << " (BDCTL_UPDATE_GOLDEN=1 rewrites it)");
  CHECK(text == want.str());
}

route::Options site_route() {
  route::Options o;
  o.zt_if = "ztabcdef12";
  o.lan_if = "eth0";
  return o;
}

mss::Options pppoe() {
  mss::Options o;
  o.mode = mss::Mode::mtu;
  o.value = 1492;
  o.pppoe = true;
  return o;
}

mss::Options fixed_1360_on_zt() {
  mss::Options o;
  o.mode = mss::Mode::mss;
  o.value = 1360;
  o.iface = "zt*";
  o.local = true;
  return o;
}

// A table as route left it with masquerading on, and an mss chain beside.
nft::TableState masquerading_table() {
  nft::TableState have;
  have.exists = true;
  have.chains[route::kForwardChain] = {};
  have.chains[route::kNatChain] = {};
  have.chains[mss::kForwardChain] = {};
  return have;
}

struct Case {
  const char* golden;
  std::vector<nft::DesiredChain> want;
  bool (*owns)(const std::string&);
  bool from_masquerading;
};

std::vector<Case> cases() {
  auto no_masq = site_route();
  no_masq.masquerade = false;
  no_masq.ipv6 = false;
  return {
      {"route-up.txt", route::desired_chains(site_route()), route::owns, false},
      {"route-up-no-masquerade.txt", route::desired_chains(no_masq), route::owns, true},
      {"mss-set-pppoe.txt", mss::desired_chains(pppoe()), mss::owns, false},
      {"mss-set-1360-zt-local.txt", mss::desired_chains(fixed_1360_on_zt()), mss::owns, true},
  };
}

}  // namespace

TEST_CASE("route up and mss set send exactly the golden batches", "[unit]") {
  auto have = masquerading_table();
  for (const auto& c : cases()) {
    INFO(c.golden);
    check_golden(c.golden, batch_of(c.want, c.owns, c.from_masquerading ? &have : nullptr));
  }
}

TEST_CASE("a stale chain is deleted in the same batch, and only the owner's", "[unit]") {
  auto have = masquerading_table();
  auto no_masq = site_route();
  no_masq.masquerade = false;
  auto plan = nft::plan_owned(have, route::desired_chains(no_masq), route::owns);
  CHECK(plan.stale == std::vector<std::string>{route::kNatChain});  // mss_forward is not route's
  auto mplan = nft::plan_owned(have, mss::desired_chains(pppoe()), mss::owns);
  CHECK(mplan.stale.empty());
}

TEST_CASE("the kernel takes the golden bytes and then holds what the tools want", "[netns]") {
  enter_private_netns();
  for (const auto& c : cases()) {
    if (c.from_masquerading) continue;  // those batches delete chains a fresh namespace lacks
    INFO(c.golden);
    std::ifstream in(golden_path(c.golden));
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    nft::Session s;
    auto errors = s.netlink().send_batch(from_listing(text.str()), "golden batch");
    CHECK(errors.empty());
    auto got = s.read_table();
    for (const auto& d : nft::diff(got, c.want)) {
      INFO(d.chain);
      CHECK(d.empty());
    }
    CHECK(nft::plan_owned(got, c.want, c.owns).in_sync);  // a second run would send nothing
    sh("nft delete table inet bdctl");
  }
}
