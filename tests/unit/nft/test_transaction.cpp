#include <catch2/catch.hpp>
#include <cerrno>

#include "bdctl/error.hpp"
#include "bdctl/nft.hpp"
#include "netns_fixture.hpp"

using namespace bdctl;
using namespace bdctl::nft;

namespace {

std::vector<DesiredChain> sample() {
  DesiredChain fwd{{"t_forward", "filter", "forward", kPrioFilter, false}, {}};
  fwd.rules.push_back(Rule().iifname("zt*").oifname("eth0").accept());
  fwd.rules.push_back(Rule().iifname("eth0").oifname("zt*").ct_state(ct_established | ct_related).accept());
  fwd.rules.push_back(Rule().iifname("eth0").oifname("zt*").drop());
  DesiredChain nat{{"t_post", "nat", "postrouting", kPrioSrcnat, false}, {}};
  nat.rules.push_back(Rule().iifname("zt*").oifname("eth0").masquerade());
  DesiredChain mss{{"t_mss", "filter", "forward", kPrioMangle, false}, {}};
  mss.rules.push_back(Rule().nfproto(Family::ipv4).tcp_syn().tcp_mss_above(1452).set_tcp_mss(1452));
  mss.rules.push_back(Rule().nfproto(Family::ipv6).tcp_syn().set_tcp_mss_rt_mtu());
  return {fwd, nat, mss};
}

std::map<std::string, std::vector<std::string>> rules_of(const TableState& t) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [name, c] : t.chains) out[name] = c.rules;
  return out;
}

}  // namespace

TEST_CASE("a committed batch reads back exactly as built", "[netns]") {
  enter_private_netns();
  Session s;
  CHECK_FALSE(s.read_table().exists);
  auto want = sample();
  Transaction tx(s);
  tx.replace_chains(s.read_table(), want);
  tx.commit();
  auto have = s.read_table();
  REQUIRE(have.exists);
  for (const auto& d : diff(have, want)) {
    INFO(d.chain);
    CHECK(d.empty());
  }
  CHECK(have.chains.at("t_forward").spec == want[0].spec);
  CHECK(have.chains.at("t_post").spec.type == "nat");
}

TEST_CASE("the nft text we render means the same expressions we send", "[netns]") {
  enter_private_netns();
  Session s;
  auto want = sample();
  Transaction tx(s);
  tx.replace_chains(s.read_table(), want);
  tx.commit();
  auto ours = rules_of(s.read_table());
  sh("nft delete table inet bdctl");
  std::string text = render(want);
  sh("nft -f - <<'EOF'\n" + text + "EOF");
  auto theirs = rules_of(s.read_table());
  CHECK(ours == theirs);
  CHECK(ours.at("t_mss").size() == 2);
}

TEST_CASE("a failing batch changes nothing and names the failing operation", "[netns]") {
  enter_private_netns();
  Session s;
  {
    Transaction tx(s);
    tx.add_table();
    tx.add_chain({"t_forward", "filter", "forward", 0, false});
    tx.add_rule("t_forward", Rule().iifname("eth0").accept());
    tx.add_rule("nosuch", Rule().iifname("eth0").accept());
    try {
      tx.commit();
      FAIL("commit succeeded");
    } catch (const SystemError& e) {
      CHECK_THAT(e.what(), Catch::StartsWith("add rule inet bdctl nosuch iifname \"eth0\" accept: No such file"));
      CHECK(e.code() == ENOENT);  // the kernel's errno survives the message
    }
  }
  CHECK_FALSE(s.read_table().exists);

  // With the table in place, a failure midway leaves its old content intact.
  auto want = sample();
  Transaction ok(s);
  ok.replace_chains(s.read_table(), want);
  ok.commit();
  auto before = sh("nft list ruleset");
  Transaction bad(s);
  bad.replace_chains(s.read_table(), want);
  bad.delete_chain("t_absent");
  CHECK_THROWS_WITH(bad.commit(), Catch::Contains("delete chain inet bdctl t_absent"));
  CHECK(sh("nft list ruleset") == before);
}

TEST_CASE("check-only batches validate without committing", "[netns]") {
  enter_private_netns();
  Session s;
  Transaction tx(s);
  tx.replace_chains(s.read_table(), sample());
  CHECK_NOTHROW(tx.commit(true));
  CHECK_FALSE(s.read_table().exists);

  Transaction bad(s);
  bad.add_table();
  bad.add_chain({"t_bad", "nat", "forward", 0, false});  // nat chains cannot hook forward
  CHECK_THROWS_WITH(bad.commit(true), Catch::Contains("add chain inet bdctl t_bad"));
  CHECK_FALSE(s.read_table().exists);
}

TEST_CASE("foreign tables are never touched", "[netns]") {
  enter_private_netns();
  sh("nft -f - <<'EOF'\n"
     "table ip filter {\n chain FORWARD {\n type filter hook forward priority 0; policy drop;\n"
     " ct state established accept\n }\n}\n"
     "table inet other {\n chain c {\n type filter hook forward priority 10; policy drop;\n }\n}\n"
     "EOF");
  auto before_ip = sh("nft list table ip filter");
  auto before_inet = sh("nft list table inet other");
  Session s;
  Transaction tx(s);
  tx.replace_chains(s.read_table(), sample());
  tx.commit();
  Transaction rm(s);
  rm.delete_table();
  rm.commit();
  CHECK(sh("nft list table ip filter") == before_ip);
  CHECK(sh("nft list table inet other") == before_inet);

  auto foreign = s.foreign_base_chains("forward");
  REQUIRE(foreign.size() == 2);
  for (const auto& f : foreign) CHECK(f.policy_drop);
}

TEST_CASE("diff reports missing, extra and reordered rules", "[netns]") {
  enter_private_netns();
  Session s;
  auto want = sample();
  Transaction tx(s);
  tx.replace_chains(s.read_table(), want);
  tx.commit();
  sh("nft delete rule inet bdctl t_forward handle $(nft -a list chain inet bdctl t_forward | "
     "awk '/ct state/ {print $NF}')");
  sh("nft add rule inet bdctl t_post oifname lo accept");
  auto d = diff(s.read_table(), want);
  CHECK(d[0].missing_rules ==
        std::vector<std::string>{"iifname \"eth0\" oifname \"zt*\" ct state established,related accept"});
  CHECK(d[1].extra_rules.size() == 1);
  CHECK(d[2].empty());
}
