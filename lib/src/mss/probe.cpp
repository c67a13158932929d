// Path-MTU discovery by don't-fragment ICMP echo probes: first the outgoing
// link's MTU, then whatever MTU a "fragmentation needed" names, and a binary
// search when routers stay silent (an ICMP black hole).
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "bdctl/error.hpp"
#include "bdctl/ipaddr.hpp"
#include "bdctl/mss.hpp"
#include "bdctl/rtnl.hpp"
#include "icmp_socket.hpp"

namespace bdctl::mss {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Target {
  int family = 0;
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text;
};

std::vector<Target> resolve(const ProbeOptions& o) {
  addrinfo hints{};
  hints.ai_family = o.ipv4 && o.ipv6 ? AF_UNSPEC : o.ipv4 ? AF_INET : AF_INET6;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(o.host.c_str(), nullptr, &hints, &res);
  if (rc != 0) throw InputError(fmt::format("HOST {}: does not resolve ({})", o.host, gai_strerror(rc)));
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, freeaddrinfo);
  std::vector<Target> out;
  for (int fam : {AF_INET, AF_INET6}) {
    for (auto* ai = res; ai; ai = ai->ai_next) {
      if (ai->ai_family != fam) continue;
      Target t;
      t.family = fam;
      std::memcpy(&t.addr, ai->ai_addr, ai->ai_addrlen);
      t.len = ai->ai_addrlen;
      char buf[NI_MAXHOST];
      getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST);
      t.text = buf;
      out.push_back(t);
      break;  // the first address of each family, as ping would use
    }
  }
  if (out.empty()) throw InputError(fmt::format("HOST {}: no address of the requested family", o.host));
  return out;
}

unsigned outgoing_link_mtu(const Target& t) {
  Rtnl rt;
  auto route = rt.route_get(parse_address(t.text));
  if (!route) throw SystemError(fmt::format("no route to {}", t.text));
  auto link = rt.link(route->oif);
  if (!link || link->mtu == 0) throw SystemError(fmt::format("route to {}: no outgoing interface MTU", t.text));
  return std::min(link->mtu, kMaxMtu);  // lo has 65536; a packet has at most 65535
}

// The search for the largest size that gets a reply. Invariant: sizes <= ok
// got a reply; sizes >= bad are known to fail.
struct Search {
  unsigned ok = 0, bad = 0;
  unsigned next = 0;
  unsigned floor_mtu = 0;
  bool floor_tried = false;
  unsigned hinted = 0;   // the MTU a hop named in its last too-big answer
  unsigned retried = 0;  // the size already sent twice
};

// Takes one answer (not unreachable) into s and r; false: send the same size again.
bool take_answer(Search& s, const IcmpSocket::Outcome& res, ProbeResult& r) {
  switch (res.answer) {
    case IcmpSocket::Answer::reply: s.ok = std::max(s.ok, s.next); break;
    case IcmpSocket::Answer::too_big:
      ++r.icmp_too_big;
      s.bad = std::min(s.bad, s.next);
      // Honour the MTU the hop named: nothing above it gets through there.
      if (res.mtu > s.ok && res.mtu < s.bad) s.bad = res.mtu + 1;
      break;
    case IcmpSocket::Answer::timeout:
      ++r.timeouts;
      // One loss must not undo what a router said, nor make a host look
      // unreachable (the first packets may wait for neighbour discovery):
      // those two sizes get a second try.
      if ((s.next == s.hinted || s.next == s.floor_mtu) && s.retried != s.next) {
        s.retried = s.next;
        return false;
      }
      s.bad = std::min(s.bad, s.next);
      break;
    case IcmpSocket::Answer::unreachable: break;
  }
  return true;
}

// Picks the size to send next; false when the search is over.
bool choose_next(Search& s, const IcmpSocket::Outcome& res) {
  if (s.ok + 1 >= s.bad) return false;
  if (res.answer == IcmpSocket::Answer::too_big && res.mtu != 0 && res.mtu + 1 == s.bad) {
    s.next = s.hinted = res.mtu;  // try exactly what the hop named
  } else if (s.ok == 0) {
    if (s.floor_tried) return false;            // not even the minimum size gets an answer
    s.next = std::min(s.bad - 1, s.floor_mtu);  // does the host answer at all?
  } else {
    s.next = s.ok + (s.bad - s.ok) / 2;
  }
  return true;
}

void measure(const Target& t, const ProbeOptions& o, ProbeResult& r) {
  const auto start = Clock::now();
  const auto deadline = start + o.timeout;
  r.link_mtu = outgoing_link_mtu(t);
  IcmpSocket sock(t.family, reinterpret_cast<const sockaddr*>(&t.addr), t.len);
  r.method = sock.method();

  Search s;
  s.floor_mtu = t.family == AF_INET6 ? kMinMtu6 : kMinMtu4;
  s.bad = r.link_mtu + 1;
  s.next = r.link_mtu;  // the common case: the whole path carries the link MTU
  while (s.ok + 1 < s.bad && r.probes < o.max_probes) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    if (o.progress)
      o.progress(fmt::format("probing {} ({}): {} bytes, probe {} of at most {}", r.address,
                             r.family == AF_INET6 ? "IPv6" : "IPv4", s.next, r.probes + 1, o.max_probes));
    auto res = sock.probe(s.next, std::min(o.wait, left));
    ++r.probes;
    if (s.next <= s.floor_mtu) s.floor_tried = true;
    if (res.answer == IcmpSocket::Answer::unreachable) {
      r.error = fmt::format("{}: {}", t.text, std::strerror(res.err));
      r.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      return;
    }
    if (!take_answer(s, res, r)) continue;
    if (!choose_next(s, res)) break;
  }
  r.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  r.path_mtu = s.ok;
  r.converged = s.ok != 0 && s.ok + 1 >= s.bad;
  if (s.ok != 0) r.mss = s.ok - (t.family == AF_INET6 ? kHeaders6 : kHeaders4);
  if (s.ok == 0) r.error = fmt::format("{}: no echo reply within {} probes", t.text, r.probes);
}

}  // namespace

void validate(const ProbeOptions& o) {
  if (o.host.empty()) throw InputError("HOST: empty");
  if (!o.ipv4 && !o.ipv6) throw InputError("no address family left to probe");
  if (o.max_probes < 1 || o.max_probes > 64)
    throw InputError(fmt::format("--max-probes {}: out of range 1..64", o.max_probes));
  if (o.wait.count() <= 0) throw InputError("--wait: must be longer than 0");
  if (o.timeout.count() <= 0) throw InputError("--timeout: must be longer than 0");
}

std::vector<ProbeResult> probe(const ProbeOptions& o) {
  validate(o);
  std::vector<ProbeResult> out;
  for (const auto& t : resolve(o)) {
    ProbeResult r;
    r.family = t.family;
    r.address = t.text;
    try {
      measure(t, o, r);
    } catch (const SystemError& e) {
      // One family failing (no IPv6 route, say) must not hide the other.
      r.error = e.what();
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace bdctl::mss
