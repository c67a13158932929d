// rtnetlink dump replies as Rtnl::links() and Rtnl::routes() consume them:
// parse_link() and parse_route(). Input: byte 0 picks link (even) or route
// (odd); the rest is the message payload after the nlmsghdr.
//
// rtnl.cpp is compiled into this target so its internal parsers are
// reachable; the socket round trip (mnl_cb_run over a receive buffer) is not
// fuzzed here.
#include <cstdlib>
#include <fstream>
#include <vector>

#include "../../lib/src/netlink/rtnl.cpp"  // NOLINT(bugprone-suspicious-include): reach parse_link/parse_route
#include "fuzz.hpp"

namespace {

// BDCTL_FUZZ_WRITE_SEEDS=DIR: dump this namespace's links and routes (both
// families) straight from the kernel, one message per seed.
void write_seeds(const char* dir) {
  mnl_socket* s = mnl_socket_open(NETLINK_ROUTE);
  if (!s || mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) return;
  int n = 0;
  struct Req {
    std::uint16_t type;
    unsigned char family;
    char kind;
  };
  for (Req q :
       {Req{RTM_GETLINK, AF_UNSPEC, '\0'}, Req{RTM_GETROUTE, AF_INET, '\1'}, Req{RTM_GETROUTE, AF_INET6, '\1'}}) {
    std::vector<char> buf(bdctl::nl::kRecvBufferSize);
    auto* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = q.type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = 1;
    auto* g = static_cast<rtgenmsg*>(
        mnl_nlmsg_put_extra_header(nlh, q.type == RTM_GETLINK ? sizeof(ifinfomsg) : sizeof(rtmsg)));
    g->rtgen_family = q.family;
    if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0) break;
    for (bool done = false; !done;) {
      ssize_t got = mnl_socket_recvfrom(s, buf.data(), buf.size());
      if (got <= 0) break;
      int left = int(got);
      for (auto* m = reinterpret_cast<nlmsghdr*>(buf.data()); mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left)) {
        if (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR) {
          done = true;
          break;
        }
        std::ofstream(std::string(dir) + "/seed" + std::to_string(n++), std::ios::binary)
            << q.kind << std::string(static_cast<const char*>(mnl_nlmsg_get_payload(m)), mnl_nlmsg_get_payload_len(m));
      }
    }
  }
  mnl_socket_close(s);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("BDCTL_FUZZ_WRITE_SEEDS")) write_seeds(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 65535) return 0;
  bool route = data[0] & 1;
  // The kernel always sends the fixed header (ifinfomsg / rtmsg), and the
  // callers read it before parse_*() does: a shorter message is not modelled
  // (see docs/security.md, "netlink replies").
  if (size - 1 < (route ? sizeof(rtmsg) : sizeof(ifinfomsg))) return 0;
  // The message exactly as long as the input (padded to NLMSG_ALIGNTO, as
  // the kernel sends it): ASan sees any read past it.
  std::vector<char> buf(MNL_ALIGN(MNL_NLMSG_HDRLEN + size - 1));
  auto* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = route ? RTM_NEWROUTE : RTM_NEWLINK;
  nlh->nlmsg_len = std::uint32_t(buf.size());
  std::copy(data + 1, data + size, buf.data() + MNL_NLMSG_HDRLEN);
  if (route) {
    auto r = bdctl::parse_route(nlh);
    if (r.dst) (void)r.dst->to_string();
  } else {
    (void)bdctl::parse_link(nlh);
  }
  return 0;
}
