// Running the groups concurrently under a whole-run deadline. A group still
// running at the deadline is abandoned (its thread detached, its checks
// reported unknown): the run always ends on time.
#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <ctime>
#include <map>
#include <thread>
#include <vector>

#include "bdctl/error.hpp"
#include "internal.hpp"

namespace bdctl::check {

std::string_view state_name(State s) {
  switch (s) {
    case State::ok: return "ok";
    case State::warning: return "warning";
    case State::critical: return "critical";
    case State::unknown: return "unknown";
  }
  return "unknown";
}

State worse(State a, State b) {
  auto rank = [](State s) {
    switch (s) {
      case State::ok: return 0;
      case State::unknown: return 1;
      case State::warning: return 2;
      case State::critical: return 3;
    }
    return 1;
  };
  return rank(a) >= rank(b) ? a : b;
}

namespace detail {

bool Sink::wants_prefix(const std::string& group) const {
  for (const auto& n : wanted_)
    if (n.rfind(group + ".", 0) == 0) return true;
  return false;
}

void Sink::add(Result r) {
  if (!wants(r.name)) return;
  std::lock_guard lk(mu_);
  results_.push_back(std::move(r));
}

std::vector<Result> Sink::take() {
  std::lock_guard lk(mu_);
  return results_;
}

Result make(const std::string& name, State st, std::string summary, const Timer& t, nlohmann::ordered_json details) {
  Result r;
  r.name = name;
  r.state = st;
  r.summary = std::move(summary);
  r.details = std::move(details);
  r.duration = t.elapsed();
  return r;
}

}  // namespace detail

namespace {
// uplink.zerotier needs the peers' paths, so the ZeroTier group computes it.
bool belongs(const std::string& group, const std::string& name) {
  if (name == "uplink.zerotier") return group == "zerotier";
  return name.rfind(group + ".", 0) == 0;
}

struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  int running = 0;
};

// The settings every group reads, the site resolved once for all of them.
std::shared_ptr<const Settings> prepare(const Settings& s, bool needs_site) {
  Settings copy = s;
  if (!copy.resolved && needs_site) {
    try {
      copy.resolved = std::make_shared<const site::Site>(detail::resolve_site(copy, &copy.zt_networks));
    } catch (const std::exception&) {
      // No rtnetlink: each group resolves what it can and says what it could not.
    }
  }
  return std::make_shared<const Settings>(std::move(copy));
}

// One group on its own thread. Groups get shared copies of what they use: an
// abandoned thread must not outlive them.
std::thread start(const std::string& group, const detail::Group& fn, const std::shared_ptr<const Settings>& settings,
                  const std::shared_ptr<detail::Sink>& sink, const std::shared_ptr<Shared>& shared) {
  {
    std::lock_guard lk(shared->mu);
    ++shared->running;
  }
  return std::thread([fn, group, settings, sink, shared] {
    detail::Timer t;
    try {
      fn(*settings, *sink);
    } catch (const std::exception& e) {
      // A group that fails as a whole: its missing checks become unknown with the reason.
      for (const auto& n : check_names(*settings))
        if (belongs(group, n) && sink->wants(n)) {
          bool have = false;
          for (const auto& r : sink->take()) have = have || r.name == n;
          if (!have) sink->add(detail::make(n, State::unknown, e.what(), t));
        }
    }
    std::lock_guard lk(shared->mu);
    --shared->running;
    shared->cv.notify_all();
  });
}

// Waits for the groups until the deadline; true when some are still running.
// Every second it tells s.progress which checks it still waits for.
bool wait_for_groups(const Settings& s, const std::vector<std::string>& names, detail::Sink& sink, Shared& shared) {
  auto end = std::chrono::steady_clock::now() + s.deadline;
  std::unique_lock lk(shared.mu);
  bool told = false;
  while (shared.running != 0) {
    auto now = std::chrono::steady_clock::now();
    if (now >= end) break;
    if (shared.cv.wait_until(lk, std::min(end, now + std::chrono::seconds(1)), [&] { return shared.running == 0; }))
      break;
    if (!s.progress || std::chrono::steady_clock::now() >= end) continue;
    std::vector<std::string> pending;
    auto got = sink.take();
    for (const auto& n : names)
      if (std::none_of(got.begin(), got.end(), [&](const Result& r) { return r.name == n; })) pending.push_back(n);
    auto left = std::chrono::duration_cast<std::chrono::seconds>(end - std::chrono::steady_clock::now());
    s.progress(fmt::format("waiting for {} ({}s to the deadline)", fmt::join(pending, ", "), left.count() + 1));
    told = true;
  }
  if (told) s.progress("");
  return shared.running != 0;
}

// The report in check_names() order; a check that did not answer is unknown.
void collect(Report& rep, const std::vector<std::string>& names, detail::Sink& sink, const Settings& s,
             const detail::Timer& whole) {
  std::map<std::string, Result> got;
  for (auto& r : sink.take()) got.emplace(r.name, std::move(r));
  for (const auto& n : names) {
    auto it = got.find(n);
    if (it != got.end()) {
      rep.checks.push_back(std::move(it->second));
      continue;
    }
    Result r;
    r.name = n;
    r.state = State::unknown;
    r.summary = fmt::format("did not finish within the deadline ({})", format_duration(s.deadline));
    r.duration = whole.elapsed();
    rep.checks.push_back(std::move(r));
  }
  rep.state = State::ok;
  for (const auto& r : rep.checks) rep.state = worse(rep.state, r.state);
}
}  // namespace

Report run(const Settings& s) {
  detail::Timer whole;
  Report rep;
  rep.timestamp = static_cast<std::int64_t>(std::time(nullptr));
  auto names = selected_names(s);
  auto sink = std::make_shared<detail::Sink>(std::set<std::string>(names.begin(), names.end()));
  auto shared = std::make_shared<Shared>();
  const std::vector<std::pair<std::string, detail::Group>> groups{
      {"zerotier", detail::zerotier_group}, {"forwarding", detail::forwarding_group},
      {"uplink", detail::uplink_group},     {"lan", detail::lan_group},
      {"plan", detail::plan_group},         {"watch", detail::watch_group},
      {"repeat", detail::repeat_group},     {"bridge", detail::bridge_group},
  };
  auto runs = [&](const std::string& group) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return belongs(group, n); });
  };
  // libcurl must be initialised before any other thread exists (it inits
  // OpenSSL, whose per-thread state would otherwise belong to a worker, and
  // the allocations land in the main arena). This loads libcurl here, on the
  // ZeroTier group's path anyway. If it cannot load, that group says why.
  if (runs("zerotier")) {
    try {
      curl_global_init(CURL_GLOBAL_DEFAULT);
    } catch (const std::exception&) {
    }
  }
  auto settings = prepare(s, runs("zerotier") || runs("forwarding") || runs("plan"));
  std::vector<std::thread> threads;
  for (const auto& [group, fn] : groups)
    if (runs(group)) threads.push_back(start(group, fn, settings, sink, shared));
  rep.abandoned = wait_for_groups(s, names, *sink, *shared);
  // Finished threads are joined (they are past their last statement), so no
  // thread outlives the run unless it was abandoned at the deadline.
  for (auto& t : threads) rep.abandoned ? t.detach() : t.join();
  collect(rep, names, *sink, s, whole);
  rep.duration = whole.elapsed();
  return rep;
}

}  // namespace bdctl::check
