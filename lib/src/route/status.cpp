#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <system_error>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/ifname.hpp"
#include "bdctl/route.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/sysctl.hpp"

namespace bdctl::route {

namespace {

// 0 when the key is absent; the kernel only ever holds 0, 1 or 2 there.
int rp_filter_value(const std::string& key, const std::optional<std::string>& v) {
  if (!v) return 0;
  int n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size())
    throw SystemError(fmt::format("{}: '{}' is not a number", key, *v));
  return n;
}

SysctlState sysctl_state(const Sysctl& s, const SysctlDropins& d, const std::string& key, bool persisted_matters) {
  SysctlState st;
  st.key = key;
  st.runtime = s.get(key);
  if (auto p = d.effective(key)) {
    st.persisted = p->value;
    st.persisted_file = p->file;
  }
  // Values 1 and 2 both mean "on" for per-interface forwarding (tailscale does the same).
  auto on = [](const std::optional<std::string>& v) { return v && (*v == "1" || *v == "2"); };
  st.ok = on(st.runtime) && (!persisted_matters || on(st.persisted));
  return st;
}

}  // namespace

bool Status::rules_ok() const {
  return std::all_of(rules.begin(), rules.end(), [](const nft::ChainDrift& d) { return d.empty(); });
}

bool Status::forwarding_ok() const {
  return std::all_of(forwarding.begin(), forwarding.end(), [](const SysctlState& s) { return s.ok; });
}

Interference interference(const Options& o, nft::Session& session) {
  Interference in;
  in.blockers = blockers(o, session.foreign_base_chains("forward"));
  auto& w = in.warnings;
  for (const char* names : {"/proc/net/ip_tables_names", "/proc/net/ip6_tables_names"}) {
    auto t = read_file(names);
    if (t && !t->empty())
      w.push_back(
          fmt::format("iptables-legacy tables are loaded ({}): their FORWARD rules apply too; check them "
                      "with iptables-legacy -S",
                      names));
  }
  Sysctl sysctl;
  auto all = sysctl.get("net.ipv4.conf.all.rp_filter");
  for (const auto& ifn : {o.zt_if, o.lan_if}) {
    if (is_wildcard_ifname(ifn)) continue;
    auto v = sysctl.get("net/ipv4/conf/" + ifn + "/rp_filter");
    // The kernel applies the larger of "all" and the interface's own value.
    int eff = std::max(rp_filter_value("net.ipv4.conf.all.rp_filter", all),
                       rp_filter_value("net.ipv4.conf." + ifn + ".rp_filter", v));
    if (eff == 1)
      w.push_back(
          fmt::format("strict reverse-path filtering on {} (rp_filter=1) drops asymmetric routed traffic; "
                      "2 (loose) is safe",
                      ifn));
  }
  return in;
}

bool Status::interfaces_ok() const {
  for (const auto& i : interfaces)
    if (!i.exists) return false;
  return true;
}

Status status(const Options& o, Rtnl& rtnl) {
  Status st;
  st.options = o;
  Sysctl sysctl;
  SysctlDropins dropins;
  for (const auto& k : forwarding_keys(o)) st.forwarding.push_back(sysctl_state(sysctl, dropins, k, true));
  for (const auto& ifn : {o.zt_if, o.lan_if}) {
    if (is_wildcard_ifname(ifn)) continue;
    for (const char* fam : {"ipv4", "ipv6"}) {
      if ((std::string(fam) == "ipv4" && !o.ipv4) || (std::string(fam) == "ipv6" && !o.ipv6)) continue;
      auto key = fmt::format("net/{}/conf/{}/forwarding", fam, ifn);
      if (!sysctl.get(key)) continue;
      auto s = sysctl_state(sysctl, dropins, key, false);
      // IPv6 forwards on net.ipv6.conf.all.forwarding alone: an interface's own
      // value only switches it between host and router behaviour (router
      // advertisements), so it is shown but not judged (as bdctl-check does).
      if (std::string(fam) == "ipv6") s.ok = true;
      st.forwarding.push_back(s);
    }
  }

  nft::Session session;
  auto have = session.read_table();
  auto want = desired_chains(o);
  st.rules = nft::diff(have, want);
  if (!o.masquerade && have.chains.count(kNatChain)) {
    nft::ChainDrift d;
    d.chain = kNatChain;
    for (const auto& r : have.chains.at(kNatChain).rules) d.extra_rules.push_back(r);
    d.extra_rules.push_back("(chain present although --no-masquerade)");
    st.rules.push_back(d);
  }

  auto addrs = rtnl.addresses();
  for (auto [role, ifn] : {std::pair{"zerotier", o.zt_if}, {"lan", o.lan_if}}) {
    InterfaceState is;
    is.role = role;
    is.name = ifn;
    if (is_wildcard_ifname(ifn)) {
      for (const auto& l : rtnl.links())
        if (l.name.compare(0, ifn.size() - 1, ifn, 0, ifn.size() - 1) == 0) {
          is.exists = true;
          is.operstate = l.operstate;
          is.mtu = l.mtu;
        }
    } else if (auto l = rtnl.link(ifn)) {
      is.exists = true;
      is.operstate = l->operstate;
      is.mtu = l->mtu;
      for (const auto& a : addrs)
        if (a.ifindex == l->index) is.addresses.push_back(a.prefix.to_string());
    }
    st.interfaces.push_back(is);
  }
  auto in = interference(o, session);
  st.warnings = std::move(in.warnings);
  st.blockers = std::move(in.blockers);
  return st;
}

}  // namespace bdctl::route
