// uplink.route and uplink.gateway (uplink.zerotier lives with the ZeroTier checks).
#include <fmt/format.h>
#include <sys/socket.h>

#include "bdctl/rtnl.hpp"
#include "internal.hpp"

namespace bdctl::check::detail {

void uplink_group(const Settings& s, Sink& sink) {
  Timer t;
  Rtnl rt;
  auto def = rt.default_route(AF_INET);
  if (!def) {
    sink.add(make("uplink.route", State::critical, "no IPv4 default route: the hotspot uplink is down", t));
    sink.add(make("uplink.gateway", State::critical, "no default route, no gateway to ask", t));
    return;
  }
  auto link = rt.link(def->oif);
  std::string dev = link ? link->name : std::to_string(def->oif);
  std::string gw = def->gateway ? def->gateway->to_string() : "";
  nlohmann::ordered_json d{{"interface", dev},
                           {"gateway", gw.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(gw)},
                           {"metric", def->metric}};
  bool up = link && link->admin_up && link->operstate != "down" && link->operstate != "lowerlayerdown";
  d["interface_up"] = up;
  sink.add(make("uplink.route", up ? State::ok : State::critical,
                gw.empty() ? fmt::format("default route dev {}{}", dev, up ? "" : " (interface down)")
                           : fmt::format("default route via {} dev {}{}", gw, dev, up ? "" : " (interface down)"),
                t, d));
  if (!sink.wants("uplink.gateway")) return;
  Timer tg;
  if (gw.empty() || def->gateway->family != AF_INET) {
    sink.add(make("uplink.gateway", State::ok, fmt::format("point-to-point uplink on {}: no gateway to ask", dev), tg));
    return;
  }
  try {
    auto answers = arp_probe(
        dev, *def->gateway,
        [&]() -> std::optional<IpAddr> {
          for (const auto& a : rt.addresses(AF_INET))
            if (a.ifindex == def->oif) return a.prefix.addr;
          return std::nullopt;
        }()
                     .value_or(IpAddr{AF_INET, {}}),
        s.timeout);
    if (answers.empty())
      sink.add(make("uplink.gateway", State::critical,
                    fmt::format("gateway {} on {} did not answer ARP within {}", gw, dev, format_duration(s.timeout)),
                    tg, {{"gateway", gw}, {"interface", dev}}));
    else
      sink.add(
          make("uplink.gateway", State::ok,
               fmt::format("gateway {} answered ARP in {} ms ({})", gw, answers[0].rtt.count(), answers[0].mac), tg,
               {{"gateway", gw}, {"interface", dev}, {"mac", answers[0].mac}, {"rtt_ms", answers[0].rtt.count()}}));
  } catch (const std::exception& e) {
    sink.add(make("uplink.gateway", State::unknown, e.what(), tg));
  }
}

}  // namespace bdctl::check::detail
