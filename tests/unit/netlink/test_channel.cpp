// rtnetlink over a stand-in kernel: what is asked, how the answers are read,
// and that every error names its request and keeps the errno.
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "bdctl/error.hpp"
#include "bdctl/rtnl.hpp"
#include "fake_kernel.hpp"

using namespace bdctl;

namespace {

// One RTM_NEWLINK reply to `req`: index, name, MTU.
std::vector<char> newlink(const nlmsghdr* req, int index, const char* name, unsigned mtu) {
  std::vector<char> d(1024, 0);
  auto* h = reinterpret_cast<nlmsghdr*>(d.data());
  h->nlmsg_type = RTM_NEWLINK;
  h->nlmsg_flags = NLM_F_MULTI;
  h->nlmsg_seq = req->nlmsg_seq;
  h->nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
  auto* ifi = static_cast<ifinfomsg*>(NLMSG_DATA(h));
  ifi->ifi_index = index;
  ifi->ifi_flags = 1;  // IFF_UP
  auto put = [&](unsigned short type, const void* data, std::size_t len) {
    auto* rta = reinterpret_cast<rtattr*>(d.data() + NLMSG_ALIGN(h->nlmsg_len));
    rta->rta_type = type;
    rta->rta_len = std::uint16_t(RTA_LENGTH(len));
    std::memcpy(RTA_DATA(rta), data, len);
    h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(rta->rta_len);
  };
  put(IFLA_IFNAME, name, std::strlen(name) + 1);
  put(IFLA_MTU, &mtu, sizeof mtu);
  d.resize(h->nlmsg_len);
  return d;
}

}  // namespace

TEST_CASE("rtnetlink: a dump is read to its end", "[unit]") {
  auto k = std::make_shared<fake::Kernel>();
  k->answer = [](const nlmsghdr* m, fake::Kernel& kk) {
    kk.queued.push_back(newlink(m, 7, "ztabcdef12", 2800));
    kk.queued.push_back(newlink(m, 2, "eth0", 1500));
    kk.done(m);
  };
  Rtnl rtnl(fake::transport(k));
  auto links = rtnl.links();
  REQUIRE(links.size() == 2);
  CHECK(links[0].index == 7);
  CHECK(links[0].name == "ztabcdef12");
  CHECK(links[0].mtu == 2800);
  CHECK(links[1].name == "eth0");
  REQUIRE(k->sent.size() == 1);
  auto* req = reinterpret_cast<const nlmsghdr*>(k->sent[0].data());
  CHECK(req->nlmsg_type == RTM_GETLINK);
  CHECK((req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP);
}

TEST_CASE("rtnetlink: an error names the request and keeps the errno", "[unit]") {
  auto k = std::make_shared<fake::Kernel>();
  k->answer = [](const nlmsghdr* m, fake::Kernel& kk) { kk.error(m, EPERM); };
  Rtnl rtnl(fake::transport(k));
  try {
    rtnl.addresses();
    FAIL("no error");
  } catch (const SystemError& e) {
    CHECK(e.code() == EPERM);
    CHECK_THAT(e.what(), Catch::Contains("rtnetlink RTM_GETADDR dump"));
    CHECK_THAT(e.what(), Catch::Contains(std::strerror(EPERM)));
  }
}

TEST_CASE("rtnetlink: one link asked for by name, absent is ENODEV", "[unit]") {
  auto k = std::make_shared<fake::Kernel>();
  k->answer = [](const nlmsghdr* m, fake::Kernel& kk) { kk.error(m, ENODEV); };
  Rtnl rtnl(fake::transport(k));
  CHECK_FALSE(rtnl.link("ztgone0"));
  REQUIRE(k->sent.size() == 1);
  const auto& req = k->sent[0];
  auto* h = reinterpret_cast<const nlmsghdr*>(req.data());
  CHECK(h->nlmsg_type == RTM_GETLINK);
  CHECK((h->nlmsg_flags & NLM_F_DUMP) == 0);  // one link, not a dump of all of them
  CHECK(std::string(req.begin(), req.end()).find("ztgone0") != std::string::npos);
  // A name no kernel could hold is not asked for at all.
  CHECK_FALSE(rtnl.link("a-name-longer-than-ifnamsiz"));
  CHECK(k->sent.size() == 1);
}

TEST_CASE("rtnetlink: no route to an address is no route, not an error", "[unit]") {
  auto k = std::make_shared<fake::Kernel>();
  k->answer = [](const nlmsghdr* m, fake::Kernel& kk) { kk.error(m, ENETUNREACH); };
  Rtnl rtnl(fake::transport(k));
  CHECK_FALSE(rtnl.route_get(parse_address("192.0.2.1")));
}

TEST_CASE("rtnetlink: a socket that fails says which request it was sending", "[unit]") {
  struct Broken final : nl::Transport {
    unsigned portid() const override { return 1; }
    int send(const void*, std::size_t) override { return ENOBUFS; }
    long recv(void*, std::size_t, bool) override { return -EIO; }
  };
  Rtnl rtnl(std::make_unique<Broken>());
  try {
    rtnl.routes(AF_INET);
    FAIL("no error");
  } catch (const SystemError& e) {
    CHECK(e.code() == ENOBUFS);
    CHECK_THAT(e.what(), Catch::Contains("rtnetlink RTM_GETROUTE dump: send"));
  }
}
