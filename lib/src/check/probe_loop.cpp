// The one poll() loop every LAN probe shares.
#include <cerrno>

#include <fmt/format.h>

#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "probe.hpp"

namespace bdctl::check::detail {

void run_batches(const std::vector<Batch*>& batches, Clock::time_point end) {
  for (;;) {
    auto now = Clock::now();
    if (now >= end) break;
    for (auto* b : batches)
      if (b->next_timer() <= now) b->timer(now);
    PollSet ps;
    for (auto* b : batches) b->want(ps);
    if (ps.fds.empty()) break;
    auto wake = end;
    for (auto* b : batches) wake = std::min(wake, b->next_timer());
    // Rounded up: waking a little early would only spin.
    auto wait = std::chrono::ceil<Millis>(wake - now).count();
    int n = ::poll(ps.fds.data(), ps.fds.size(), static_cast<int>(std::max<Millis::rep>(wait, 0)));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError("poll", errno);
    }
    for (std::size_t k = 0; k < ps.fds.size() && n > 0; ++k)
      if (ps.fds[k].revents) ps.owners[k].first->ready(ps.owners[k].second, ps.fds[k].revents);
  }
  for (auto* b : batches) b->expire();
}

std::vector<ProbeOutcome> lan_probe(const std::vector<Target>& targets, Millis timeout) {
  std::vector<ProbeOutcome> out(targets.size());
  auto end = Clock::now() + timeout;
  std::vector<Job> tcp, icmp;
  for (std::size_t i = 0; i < targets.size(); ++i)
    (targets[i].probe == Probe::icmp ? icmp : tcp).emplace_back(&targets[i], &out[i]);
  std::vector<std::unique_ptr<Batch>> owned;
  if (!tcp.empty()) owned.push_back(tcp_batch(std::move(tcp), timeout));
  if (!icmp.empty()) owned.push_back(icmp_batch(std::move(icmp), timeout));
  std::vector<Batch*> batches;
  batches.reserve(owned.size());
  for (auto& b : owned) batches.push_back(b.get());
  run_batches(batches, end);
  return out;
}

}  // namespace bdctl::check::detail

namespace bdctl::check {

std::vector<Reached> reach(const std::vector<std::pair<std::string, Target>>& targets, Millis timeout) {
  std::vector<Target> ts;
  ts.reserve(targets.size());
  for (const auto& t : targets) ts.push_back(t.second);
  auto outcomes = detail::lan_probe(ts, timeout);
  std::vector<Reached> out;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& o = outcomes[i];
    Reached r{targets[i].first, o.kind == detail::ProbeOutcome::answered, ""};
    switch (o.kind) {
      case detail::ProbeOutcome::answered: break;
      case detail::ProbeOutcome::timeout: r.why = fmt::format("no answer within {}", format_duration(timeout)); break;
      case detail::ProbeOutcome::refused: r.why = "connection refused"; break;
      default: r.why = o.error.empty() ? "no answer" : o.error; break;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace bdctl::check
