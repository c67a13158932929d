// lan.<name>: a TCP connect to every target, all at once.
#include <fmt/format.h>

#include "internal.hpp"

namespace bdctl::check::detail {

void lan_group(const Settings& s, Sink& sink) {
  std::vector<Target> targets;
  for (const auto& t : s.targets)
    if (sink.wants("lan." + t.name)) targets.push_back(t);
  Timer t;
  auto outcomes = tcp_probe(targets, s.timeout);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& o = outcomes[i];
    State st = State::critical;
    std::string sum;
    const char* kind = "error";
    switch (o.kind) {
      case TcpOutcome::open:
        st = State::ok;
        kind = "open";
        sum = fmt::format("{} accepts connections", o.address);
        break;
      case TcpOutcome::refused:
        kind = "refused";
        sum = fmt::format("{}: connection refused (host up, service not listening)", o.address);
        break;
      case TcpOutcome::unreachable:
        kind = "unreachable";
        sum = fmt::format("{}: {} (host down or not on this LAN)", o.address, o.error);
        break;
      case TcpOutcome::timeout:
        kind = "timeout";
        sum = fmt::format("{}: no answer within {}", o.address, format_duration(s.timeout));
        break;
      case TcpOutcome::failed: sum = fmt::format("{}: {}", o.address, o.error); break;
    }
    Result r = make("lan." + targets[i].name, st, sum, t,
                    {{"host", targets[i].host},
                     {"port", targets[i].port},
                     {"result", kind},
                     {"connect_ms", o.kind == TcpOutcome::open ? nlohmann::ordered_json(o.rtt.count())
                                                               : nlohmann::ordered_json(nullptr)}});
    r.duration = o.rtt;  // each target's own time, not the batch's
    sink.add(std::move(r));
  }
}

}  // namespace bdctl::check::detail
