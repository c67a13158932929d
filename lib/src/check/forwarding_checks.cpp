// forwarding.sysctl, forwarding.rules (bdctl-route's status), forwarding.mss
// (bdctl-mss's status), forwarding.drops (foreign forward-hook drop policies).
#include <fmt/format.h>

#include <algorithm>

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

void sysctl_check(Sink& sink, const Interfaces& ifs) {
  Timer t;
  Sysctl sc;
  ordered_json values = ordered_json::object();
  std::vector<std::string> off, strict;
  auto g = sc.get("net.ipv4.ip_forward");
  values["net.ipv4.ip_forward"] = g ? ordered_json(*g) : ordered_json(nullptr);
  if (!on(g)) off.push_back("net.ipv4.ip_forward");
  std::vector<std::string> names = ifs.zt;
  if (!ifs.lan.empty()) names.push_back(ifs.lan);
  auto all_rp = sc.get("net.ipv4.conf.all.rp_filter");
  for (const auto& ifn : names) {
    auto key = "net/ipv4/conf/" + ifn + "/forwarding";
    auto v = sc.get(key);
    values["net.ipv4.conf." + ifn + ".forwarding"] = v ? ordered_json(*v) : ordered_json(nullptr);
    if (v && !on(v)) off.push_back("net.ipv4.conf." + ifn + ".forwarding");
    auto rp = sc.get("net/ipv4/conf/" + ifn + "/rp_filter");
    // The kernel applies the larger of "all" and the interface's own value.
    int eff = std::max(all_rp ? std::atoi(all_rp->c_str()) : 0, rp ? std::atoi(rp->c_str()) : 0);
    values["rp_filter." + ifn] = eff;
    if (eff == 1) strict.push_back(ifn);
  }
  State st = State::ok;
  std::string sum = fmt::format("forwarding on for {}", names.empty() ? std::string("(no interfaces found)")
                                                                      : fmt::format("{}", fmt::join(names, ", ")));
  ordered_json d{{"values", values}, {"interfaces", names}};
  if (!strict.empty()) {
    st = State::warning;
    sum = fmt::format("strict rp_filter on {}: set 2 (loose), strict drops routed replies", fmt::join(strict, ", "));
  }
  if (!off.empty()) {
    st = State::critical;
    sum = fmt::format("forwarding off: {} (bdctl-route up turns it on)", fmt::join(off, ", "));
  }
  if (names.empty() && st == State::ok) st = State::warning;
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
  ordered_json drift = ordered_json::array();
  for (const auto& d : st.rules)
    if (!d.empty())
      drift.push_back({{"chain", d.chain},
                       {"missing", d.missing},
                       {"missing_rules", d.missing_rules},
                       {"extra_rules", d.extra_rules}});
  ordered_json d{
      {"zt_interface", o.zt_if}, {"lan_interface", o.lan_if}, {"applied", applied.has_value()}, {"drift", drift}};
  if (st.rules_ok())
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

void mss_check(Sink& sink) {
  Timer t;
  auto st = mss::status(std::nullopt);
  ordered_json chains = ordered_json::array();
  for (const auto& c : st.chains)
    chains.push_back({{"chain", c.name}, {"present", c.present}, {"expected", c.expected}, {"drift", c.drift()}});
  ordered_json d{{"expected", st.expected ? ordered_json(mss::describe(*st.expected)) : ordered_json(nullptr)},
                 {"chains", chains}};
  if (!st.expected)
    sink.add(make("forwarding.mss", State::warning,
                  "no MSS clamp set: large TCP transfers may stall over ZeroTier (bdctl-mss set --pmtu)", t,
                  std::move(d)));
  else if (st.drift())
    sink.add(make(
        "forwarding.mss", State::critical,
        fmt::format("MSS clamp differs from what was set ({}): run bdctl-mss set again", mss::describe(*st.expected)),
        t, std::move(d)));
  else
    sink.add(make("forwarding.mss", State::ok, fmt::format("MSS clamp in place ({})", mss::describe(*st.expected)), t,
                  std::move(d)));
}

void drops_check(Sink& sink) {
  Timer t;
  nft::Session s;
  ordered_json list = ordered_json::array();
  std::vector<std::string> drops;
  for (const auto& f : s.foreign_base_chains("forward")) {
    list.push_back({{"family", f.family},
                    {"table", f.table},
                    {"chain", f.chain},
                    {"priority", f.priority},
                    {"policy", f.policy_drop ? "drop" : "accept"},
                    {"rules", f.rules}});
    if (f.policy_drop) drops.push_back(fmt::format("{} {} {}", f.family, f.table, f.chain));
  }
  if (drops.empty())
    sink.add(make("forwarding.drops", State::ok,
                  fmt::format("no foreign forward chain with a drop policy ({} other forward chain(s))", list.size()),
                  t, {{"chains", list}}));
  else
    sink.add(make("forwarding.drops", State::warning,
                  fmt::format("forward-hook chain(s) with policy drop: {}; they drop routed traffic unless they "
                              "accept it too",
                              fmt::join(drops, ", ")),
                  t, {{"chains", list}}));
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
  guarded("forwarding.mss", [&] { mss_check(sink); });
  guarded("forwarding.drops", [&] { drops_check(sink); });
}

}  // namespace bdctl::check::detail
