// lan.<name>: a TCP connect or ICMP echo to every target, all at once.
#include <fmt/format.h>

#include <cmath>

#include "internal.hpp"
#include "probe.hpp"

namespace bdctl::check::detail {

namespace {
using nlohmann::ordered_json;

// Milliseconds with microsecond resolution: a LAN echo takes well under 1 ms.
double ms(std::chrono::microseconds us) { return std::round(double(us.count())) / 1000.0; }

const char* kind_name(ProbeOutcome::Kind k, bool icmp) {
  switch (k) {
    case ProbeOutcome::answered: return icmp ? "reply" : "open";
    case ProbeOutcome::refused: return "refused";
    case ProbeOutcome::unreachable: return "unreachable";
    case ProbeOutcome::timeout: return "timeout";
    case ProbeOutcome::failed: return "error";
    case ProbeOutcome::unavailable: return "unavailable";
  }
  return "error";
}

Result tcp_result(const Target& t, const ProbeOutcome& o, Millis timeout, const Timer& timer) {
  State st = State::critical;
  std::string sum;
  switch (o.kind) {
    case ProbeOutcome::answered:
      st = State::ok;
      sum = fmt::format("{} accepts connections", o.address);
      break;
    case ProbeOutcome::refused:
      sum = fmt::format("{}: connection refused (host up, service not listening)", o.address);
      break;
    case ProbeOutcome::unreachable:
      sum = fmt::format("{}: {} (host down or not on this LAN)", o.address, o.error);
      break;
    case ProbeOutcome::timeout:
      sum = fmt::format("{}: no answer within {}", o.address, format_duration(timeout));
      break;
    case ProbeOutcome::unavailable: st = State::unknown; [[fallthrough]];
    case ProbeOutcome::failed: sum = fmt::format("{}: {}", o.address, o.error); break;
  }
  bool open = o.kind == ProbeOutcome::answered;
  return make(
      "lan." + t.name, st, sum, timer,
      {{"host", t.host},
       {"port", t.port},
       {"result", kind_name(o.kind, false)},
       {"connect_ms", open ? ordered_json(std::chrono::duration_cast<Millis>(o.rtt).count()) : ordered_json(nullptr)},
       {"probe", "tcp"}});
}

Result icmp_result(const Target& t, const ProbeOutcome& o, Millis timeout, const Timer& timer) {
  State st = State::critical;
  std::string who = o.address == t.host ? t.host : fmt::format("{} ({})", t.host, o.address);
  std::string sum;
  switch (o.kind) {
    case ProbeOutcome::answered:
      st = State::ok;
      sum = fmt::format("{} answers ICMP echo in {:.3f} ms", who, ms(o.rtt));
      break;
    case ProbeOutcome::refused:  // not for ICMP; kept for completeness
    case ProbeOutcome::unreachable: sum = fmt::format("{}: {} (host down or not on this LAN)", who, o.error); break;
    case ProbeOutcome::timeout:
      sum = fmt::format("{}: no echo reply within {} ({} request(s) sent)", who, format_duration(timeout), o.sent);
      break;
    case ProbeOutcome::unavailable: st = State::unknown; [[fallthrough]];
    case ProbeOutcome::failed: sum = fmt::format("{}: {}", who, o.error); break;
  }
  bool reply = o.kind == ProbeOutcome::answered;
  ordered_json d{
      {"host", t.host},        {"port", nullptr}, {"result", kind_name(o.kind, true)},
      {"connect_ms", nullptr}, {"probe", "icmp"}, {"address", o.address},
      {"method", o.method},    {"sent", o.sent},  {"rtt_ms", reply ? ordered_json(ms(o.rtt)) : ordered_json(nullptr)}};
  if (!o.error.empty()) d["error"] = o.error;
  return make("lan." + t.name, st, sum, timer, std::move(d));
}
}  // namespace

void lan_group(const Settings& s, Sink& sink) {
  std::vector<Target> targets;
  for (const auto& t : s.targets)
    if (sink.wants("lan." + t.name)) targets.push_back(t);
  Timer timer;
  auto outcomes = lan_probe(targets, s.timeout);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& o = outcomes[i];
    Result r = targets[i].probe == Probe::icmp ? icmp_result(targets[i], o, s.timeout, timer)
                                               : tcp_result(targets[i], o, s.timeout, timer);
    r.duration = std::chrono::duration_cast<Millis>(o.rtt);  // each target's own time, not the batch's
    sink.add(std::move(r));
  }
}

}  // namespace bdctl::check::detail
