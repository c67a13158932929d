// set / clear / status against the real kernel, each case in its own netns.
#include <sched.h>
#include <stdlib.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>

#include "bdctl/mss.hpp"

using namespace bdctl;
using namespace bdctl::mss;

namespace {

void private_world() {
  if (::unshare(CLONE_NEWNET) != 0) FAIL("unshare(CLONE_NEWNET) failed: these tests need root");
  static std::string dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/bdctl-mss-unit.XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    dir = tmpl;
  }
  ::setenv("BDCTL_STATE_DIR", (dir + "/state").c_str(), 1);
  ::setenv("BDCTL_LOCK_DIR", (dir + "/lock").c_str(), 1);
}

std::string sh(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  INFO(cmd << "\n" << out);
  REQUIRE(::pclose(p) == 0);
  return out;
}

Options fixed_mss(unsigned mss) {
  Options o;
  o.value = mss;
  return o;
}

}  // namespace

TEST_CASE("set installs, a second set changes nothing, status agrees", "[netns]") {
  private_world();
  auto first = set(fixed_mss(1452));
  CHECK(first.changed);
  CHECK(first.operations > 0);
  std::string ruleset = sh("nft list ruleset");
  auto second = set(fixed_mss(1452));
  CHECK_FALSE(second.changed);
  CHECK(second.operations == 0);
  CHECK(sh("nft list ruleset") == ruleset);
  auto st = status(std::nullopt);
  CHECK(st.expected_source == "state");
  CHECK(st.present());
  CHECK_FALSE(st.drift());
  CHECK(status(fixed_mss(1400)).drift());
}

TEST_CASE("changing mode replaces the rules and drops a stale output chain", "[netns]") {
  private_world();
  auto o = fixed_mss(1452);
  o.local = true;
  set(o);
  CHECK(sh("nft list chain inet bdctl mss_output").find("1452") != std::string::npos);
  Options p;
  p.mode = Mode::pmtu;
  auto res = set(p);
  CHECK(res.changed);
  CHECK(res.removed == std::vector<std::string>{kOutputChain});
  std::string rs = sh("nft list ruleset");
  CHECK(rs.find("mss_output") == std::string::npos);
  CHECK(rs.find("rt mtu") != std::string::npos);
  CHECK(rs.find("1452") == std::string::npos);
}

TEST_CASE("clear removes only mss_ chains, and the table only when empty", "[netns]") {
  private_world();
  set(fixed_mss(1452));
  sh("nft add chain inet bdctl route_forward '{ type filter hook forward priority filter; policy accept; }'");
  auto res = clear();
  CHECK(res.changed);
  CHECK(res.removed == std::vector<std::string>{kForwardChain});
  CHECK_FALSE(res.table_removed);
  CHECK(sh("nft list table inet bdctl").find("route_forward") != std::string::npos);
  CHECK_FALSE(clear().changed);
  sh("nft delete chain inet bdctl route_forward");
  set(fixed_mss(1452));
  auto res2 = clear();
  CHECK(res2.table_removed);
  CHECK(sh("nft list tables").find("bdctl") == std::string::npos);
  auto st = status(std::nullopt);
  CHECK(st.expected_source == "none");
  CHECK_FALSE(st.drift());
}

TEST_CASE("a hand-edited clamp is drift", "[netns]") {
  private_world();
  set(fixed_mss(1452));
  sh("nft add rule inet bdctl mss_forward tcp flags syn / syn,rst tcp option maxseg size set 1300");
  auto st = status(std::nullopt);
  CHECK(st.drift());
  REQUIRE(st.chains.size() == 1);
  CHECK(st.chains[0].extra_rules.size() == 1);
  CHECK(set(fixed_mss(1452)).changed);
  CHECK_FALSE(status(std::nullopt).drift());
}

TEST_CASE("check mode validates in the kernel and changes nothing", "[netns]") {
  private_world();
  auto res = set(fixed_mss(1452), true);
  CHECK_FALSE(res.changed);
  CHECK(res.operations > 0);
  CHECK(sh("nft list ruleset").empty());
  CHECK_FALSE(load_state());
}

TEST_CASE("an unknown interface is bad input and changes nothing", "[netns]") {
  private_world();
  auto o = fixed_mss(1452);
  o.iface = "nosuch0";
  CHECK_THROWS_WITH(set(o), "--iface nosuch0: unknown interface");
  CHECK(sh("nft list ruleset").empty());
  o.iface = "zt*";  // a wildcard may match interfaces that come later
  CHECK(set(o).changed);
}
