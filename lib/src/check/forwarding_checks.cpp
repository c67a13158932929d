// forwarding.sysctl, forwarding.rules (bdctl-route's status), forwarding.mss
// (bdctl-mss's status), forwarding.drops (foreign forward-hook drop policies).
#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>

#include "bdctl/ifname.hpp"
#include "bdctl/mss.hpp"
#include "bdctl/nft.hpp"
#include "bdctl/route.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/sysctl.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

namespace {
using nlohmann::ordered_json;

bool on(const std::optional<std::string>& v) { return v && (*v == "1" || *v == "2"); }

int number(const std::optional<std::string>& v) {
  int n = 0;
  if (v) std::from_chars(v->data(), v->data() + v->size(), n);
  return n;
}

// Which families to look at. bdctl-route's applied options say what is
// routed; without them IPv4 always, and IPv6 when both sides could carry it:
// a ZeroTier interface and the LAN interface (when known) hold an IPv6
// address beyond link-local. IPv6 forwarding off is no fault on a site
// that has no IPv6 to forward.
struct Families {
  bool v4 = true, v6 = false;
  std::string v6_reason;
};

bool routable_v6(const IpAddr& a) {
  bool link_local = a.bytes[0] == 0xfe && (a.bytes[1] & 0xc0) == 0x80;
  bool loopback = a == IpAddr{AF_INET6, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
  return !link_local && !loopback;
}

Families families(const Interfaces& ifs, const std::optional<route::Options>& applied) {
  Families f;
  if (applied) {
    f.v4 = applied->ipv4;
    f.v6 = applied->ipv6;
    f.v6_reason = f.v6 ? "bdctl-route up routes IPv6" : "bdctl-route up routes IPv4 only";
    return f;
  }
  Rtnl rt;
  auto has_v6 = [&](const std::string& ifn) {
    auto l = rt.link(ifn);
    if (!l) return false;
    for (const auto& a : rt.addresses(AF_INET6))
      if (a.ifindex == l->index && routable_v6(a.prefix.addr)) return true;
    return false;
  };
  std::string zt6;
  for (const auto& z : ifs.zt)
    if (has_v6(z)) {
      zt6 = z;
      break;
    }
  if (zt6.empty()) {
    f.v6_reason = "no IPv6 address beyond link-local on the ZeroTier interface";
  } else if (!ifs.lan.empty() && !has_v6(ifs.lan)) {
    f.v6_reason = fmt::format("{} has IPv6 but the LAN interface {} has none beyond link-local", zt6, ifs.lan);
  } else {
    f.v6 = true;
    f.v6_reason = ifs.lan.empty() ? fmt::format("{} has an IPv6 address", zt6)
                                  : fmt::format("{} and {} have IPv6 addresses", zt6, ifs.lan);
  }
  return f;
}

std::optional<route::Options> applied_or_none() {
  try {
    return route::applied_options();
  } catch (const std::exception&) {
    return std::nullopt;  // an unreadable state file: fall back to what the interfaces say
  }
}

// What forwarding.sysctl read: the values, and the names of what is wrong.
struct SysctlReading {
  ordered_json values = ordered_json::object();
  std::vector<std::string> off, strict, absent, unread;
  std::string force_hint;
};

ordered_json shown(const std::optional<std::string>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }

void read_ipv4(const Sysctl& sc, const std::vector<std::string>& names, SysctlReading& r) {
  auto g = sc.get("net.ipv4.ip_forward");
  r.values["net.ipv4.ip_forward"] = shown(g);
  if (!g) r.unread.push_back("net.ipv4.ip_forward");
  if (g && !on(g)) r.off.push_back("net.ipv4.ip_forward");
  auto all_rp = sc.get("net.ipv4.conf.all.rp_filter");
  for (const auto& ifn : names) {
    // IPv4 forwards what arrives on an interface whose own forwarding is on.
    auto v = sc.get("net/ipv4/conf/" + ifn + "/forwarding");
    r.values[sysctl_dotted("net/ipv4/conf/" + ifn + "/forwarding")] = shown(v);
    if (v && !on(v)) r.off.push_back(sysctl_dotted("net/ipv4/conf/" + ifn + "/forwarding"));
    auto rp = sc.get("net/ipv4/conf/" + ifn + "/rp_filter");
    // The kernel applies the larger of "all" and the interface's own value.
    int eff = std::max(number(all_rp), number(rp));
    r.values["rp_filter." + ifn] = eff;
    if (eff == 1) r.strict.push_back(ifn);
  }
}

void read_ipv6(const Sysctl& sc, const std::vector<std::string>& names, SysctlReading& r) {
  // IPv6 forwards when conf.all.forwarding is on, or (Linux 6.17+) when the
  // interface a packet arrives on has force_forwarding. The per-interface
  // "forwarding" only picks host or router behaviour (router advertisements
  // accepted, the router flag in neighbour advertisements): shown, no fault.
  // IPv6 has no rp_filter sysctl; its reverse-path filter is a netfilter rule.
  auto g = sc.get("net.ipv6.conf.all.forwarding");
  r.values["net.ipv6.conf.all.forwarding"] = shown(g);
  if (!g) r.unread.push_back("net.ipv6.conf.all.forwarding");
  bool forced_everywhere = !names.empty();
  for (const auto& ifn : names) {
    r.values[sysctl_dotted("net/ipv6/conf/" + ifn + "/forwarding")] =
        shown(sc.get("net/ipv6/conf/" + ifn + "/forwarding"));
    auto force = sc.get("net/ipv6/conf/" + ifn + "/force_forwarding");
    if (force) r.values[sysctl_dotted("net/ipv6/conf/" + ifn + "/force_forwarding")] = *force;
    forced_everywhere = forced_everywhere && on(force);
  }
  if (!on(g) && !forced_everywhere) {
    r.off.push_back("net.ipv6.conf.all.forwarding");
    if (sc.get("net.ipv6.conf.all.force_forwarding")) r.force_hint = " or force_forwarding on both interfaces";
  }
}

// The worst finding names the state and the summary.
std::pair<State, std::string> sysctl_verdict(const Families& fam, const std::vector<std::string>& names,
                                             const SysctlReading& r) {
  std::string fam_text = fam.v4 && fam.v6 ? "IPv4 and IPv6" : fam.v6 ? "IPv6" : fam.v4 ? "IPv4" : "no";
  State st = State::ok;
  std::string sum =
      fmt::format("{} forwarding on for {}", fam_text,
                  names.empty() ? std::string("(no interfaces found)") : fmt::format("{}", fmt::join(names, ", ")));
  if (!fam.v6) sum += fmt::format(" (IPv6 not checked: {})", fam.v6_reason);
  if (!r.strict.empty()) {
    st = State::warning;
    sum = fmt::format("strict rp_filter on {}: set 2 (loose), strict drops routed replies", fmt::join(r.strict, ", "));
  }
  if (!r.unread.empty()) {
    st = worse(st, State::unknown);
    sum = fmt::format("could not read {}", fmt::join(r.unread, ", "));
  }
  if (!r.off.empty()) {
    st = State::critical;
    sum = fmt::format("forwarding off: {}{} (bdctl-route up turns it on)", fmt::join(r.off, ", "), r.force_hint);
  }
  if (!r.absent.empty()) {
    st = State::critical;
    sum = fmt::format("no interface named {}: nothing is forwarded through it", fmt::join(r.absent, ", "));
  }
  if (names.empty() && st == State::ok) st = State::warning;
  return {st, sum};
}

void sysctl_check(Sink& sink, const Interfaces& ifs) {
  Timer t;
  Sysctl sc;
  auto fam = families(ifs, applied_or_none());
  SysctlReading r;
  std::vector<std::string> names = ifs.zt;
  if (!ifs.lan.empty()) names.push_back(ifs.lan);
  // A value that could not be read is not a value that is right: an interface
  // without its conf directory does not exist (--lan nosuch0).
  for (const auto& ifn : names)
    if (!is_wildcard_ifname(ifn) && !sc.get("net/ipv4/conf/" + ifn + "/rp_filter")) r.absent.push_back(ifn);
  if (fam.v4) read_ipv4(sc, names, r);
  if (fam.v6) read_ipv6(sc, names, r);
  std::vector<std::string> fams;
  if (fam.v4) fams.emplace_back("ipv4");
  if (fam.v6) fams.emplace_back("ipv6");
  auto [st, sum] = sysctl_verdict(fam, names, r);
  ordered_json d{{"values", r.values}, {"interfaces", names}, {"families", fams}, {"ipv6_reason", fam.v6_reason}};
  d["absent"] = r.absent;
  sink.add(make("forwarding.sysctl", st, sum, t, std::move(d)));
}

void rules_check(Sink& sink, const Interfaces& ifs) {
  Timer t;
  const auto applied = route::applied_options();
  route::Options o;
  if (applied) {
    o = *applied;
  } else {
    if (ifs.zt.empty() || ifs.lan.empty()) {
      sink.add(make("forwarding.rules", State::critical,
                    "bdctl-route up has not been run, and the ZeroTier or LAN interface is unknown", t));
      return;
    }
    o.zt_if = ifs.zt.size() == 1 ? ifs.zt.front() : "zt*";
    o.lan_if = ifs.lan;
  }
  Rtnl rt;
  auto st = route::status(o, rt);
  if (applied && ifs.site) st.conflicts = ifs.site->conflicts;
  ordered_json drift = ordered_json::array();
  for (const auto& d : st.rules)
    if (!d.empty()) drift.push_back(d);
  ordered_json d{
      {"zt_interface", o.zt_if}, {"lan_interface", o.lan_if}, {"applied", applied.has_value()}, {"drift", drift}};
  if (ifs.site) site::to_json(d["site"], *ifs.site);
  // Rules that match what was applied are not enough: they must be for the
  // interfaces the site has now (the network moved, the link was recreated).
  std::vector<std::string> stale = st.conflicts;
  for (const auto& i : st.interfaces)
    if (!i.exists) stale.push_back(fmt::format("the {} interface {} does not exist", i.role, i.name));
  if (st.rules_ok() && !stale.empty())
    sink.add(make("forwarding.rules", State::critical,
                  fmt::format("bdctl-route rules are for {} <-> {}, but {}: run bdctl-route up", o.zt_if, o.lan_if,
                              fmt::join(stale, "; ")),
                  t, std::move(d)));
  else if (st.rules_ok())
    sink.add(make("forwarding.rules", State::ok,
                  fmt::format("bdctl-route rules present for {} <-> {}", o.zt_if, o.lan_if), t, std::move(d)));
  else
    sink.add(make("forwarding.rules", State::critical,
                  applied
                      ? fmt::format("bdctl-route rules differ from what was applied ({} chain(s)): run "
                                    "bdctl-route up again",
                                    drift.size())
                      : fmt::format("bdctl-route rules missing for {} <-> {}: run bdctl-route up", o.zt_if, o.lan_if),
                  t, std::move(d)));
}

// A clamp is judged only where one is configured or was set: a site without
// a PPPoE hop needs none, and must be able to be green.
void mss_check(Sink& sink, const Settings& s) {
  Timer t;
  auto st = mss::status(std::nullopt);
  ordered_json chains = ordered_json::array();
  for (const auto& c : st.chains)
    chains.push_back({{"chain", c.name}, {"present", c.present}, {"expected", c.expected}, {"drift", c.drift()}});
  ordered_json d{{"expected", st.expected ? ordered_json(mss::describe(*st.expected)) : ordered_json(nullptr)},
                 {"configured", s.mss_configured ? ordered_json(*s.mss_configured) : ordered_json(nullptr)},
                 {"chains", chains}};
  if (!st.expected && s.mss_configured)
    sink.add(make("forwarding.mss", State::critical,
                  fmt::format("[mss] says {} but no clamp is set: run bdctl-mss set", *s.mss_configured), t,
                  std::move(d)));
  else if (!st.expected && !st.drift())
    sink.add(make("forwarding.mss", State::ok, "no MSS clamp configured, none present", t, std::move(d)));
  else if (!st.expected)
    sink.add(make("forwarding.mss", State::warning,
                  "mss_* chains present that no bdctl-mss set recorded: run bdctl-mss set or bdctl-mss clear", t,
                  std::move(d)));
  else if (st.drift())
    sink.add(make(
        "forwarding.mss", State::critical,
        fmt::format("MSS clamp differs from what was set ({}): run bdctl-mss set again", mss::describe(*st.expected)),
        t, std::move(d)));
  else if (s.mss_configured && *s.mss_configured != mss::describe(*st.expected))
    sink.add(make("forwarding.mss", State::warning,
                  fmt::format("MSS clamp {} is in place, but [mss] says {}: boot will apply the file",
                              mss::describe(*st.expected), *s.mss_configured),
                  t, std::move(d)));
  else
    sink.add(make("forwarding.mss", State::ok, fmt::format("MSS clamp in place ({})", mss::describe(*st.expected)), t,
                  std::move(d)));
}

void drops_check(Sink& sink, const Interfaces& ifs) {
  Timer t;
  nft::Session s;
  ordered_json list = ordered_json::array();
  std::vector<std::string> drops;
  auto chains = s.foreign_base_chains("forward");
  for (const auto& f : chains) {
    list.push_back({{"family", f.family},
                    {"table", f.table},
                    {"chain", f.chain},
                    {"priority", f.priority},
                    {"policy", f.policy_drop ? "drop" : "accept"},
                    {"rules", f.rules}});
    if (f.policy_drop) drops.push_back(fmt::format("{} {} {}", f.family, f.table, f.chain));
  }
  // Judged for the pairs the backdoor routes: does the chain let them through?
  std::vector<route::Blocker> found;
  if (!ifs.lan.empty())
    for (const auto& zt : ifs.zt) {
      route::Options o;
      o.zt_if = zt;
      o.lan_if = ifs.lan;
      for (auto& b : route::blockers(o, chains)) found.push_back(std::move(b));
    }
  ordered_json blocking = ordered_json::array();
  for (const auto& b : found) blocking.push_back({{"chain", b.chain}, {"certain", b.certain}, {"fix", b.fix}});
  if (!found.empty()) {
    std::string lines;
    for (const auto& b : found) {
      if (!lines.empty()) lines += "; ";
      lines += b.text;
    }
    sink.add(make("forwarding.drops", State::critical, lines, t, {{"chains", list}, {"blockers", blocking}}));
  } else if (drops.empty()) {
    sink.add(make("forwarding.drops", State::ok,
                  fmt::format("no foreign forward chain with a drop policy ({} other forward chain(s))", list.size()),
                  t, {{"chains", list}, {"blockers", blocking}}));
  } else if (ifs.lan.empty() || ifs.zt.empty()) {
    sink.add(make("forwarding.drops", State::warning,
                  fmt::format("forward-hook chain(s) with policy drop: {}; they drop routed traffic unless they "
                              "accept it too",
                              fmt::join(drops, ", ")),
                  t, {{"chains", list}, {"blockers", blocking}}));
  } else {
    sink.add(make("forwarding.drops", State::ok,
                  fmt::format("forward-hook chain(s) with policy drop ({}) accept {} <-> {}", fmt::join(drops, ", "),
                              fmt::join(ifs.zt, ","), ifs.lan),
                  t, {{"chains", list}, {"blockers", blocking}}));
  }
}
}  // namespace

void forwarding_group(const Settings& s, Sink& sink) {
  auto ifs = find_interfaces(s);
  // Each check on its own: one failing (say, no permission for nftables) leaves the others.
  auto guarded = [&](const char* name, auto&& fn) {
    if (!sink.wants(name)) return;
    Timer t;
    try {
      fn();
    } catch (const std::exception& e) {
      sink.add(make(name, State::unknown, e.what(), t));
    }
  };
  guarded("forwarding.sysctl", [&] { sysctl_check(sink, ifs); });
  guarded("forwarding.rules", [&] { rules_check(sink, ifs); });
  guarded("forwarding.mss", [&] { mss_check(sink, s); });
  guarded("forwarding.drops", [&] { drops_check(sink, ifs); });
  guarded("forwarding.pending", [&] { pending_check(sink); });
}

}  // namespace bdctl::check::detail
