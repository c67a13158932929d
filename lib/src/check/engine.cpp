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
}  // namespace

Report run(const Settings& s) {
  using namespace detail;
  Timer whole;
  Report rep;
  rep.timestamp = static_cast<std::int64_t>(std::time(nullptr));
  auto names = selected_names(s);
  std::set<std::string> wanted(names.begin(), names.end());
  auto sink = std::make_shared<Sink>(wanted);
  auto shared = std::make_shared<Shared>();

  const std::vector<std::pair<std::string, Group>> groups{
      {"zerotier", zerotier_group}, {"forwarding", forwarding_group}, {"uplink", uplink_group}, {"lan", lan_group},
      {"plan", plan_group},
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
  // Groups get a copy of the settings: an abandoned thread must not outlive
  // them. The site is resolved once, here, so that every group judges the same one.
  Settings copy = s;
  if (!copy.resolved && (runs("zerotier") || runs("forwarding") || runs("plan"))) {
    try {
      copy.resolved = std::make_shared<const site::Site>(resolve_site(copy));
    } catch (const std::exception&) {
      // No rtnetlink: each group resolves what it can and says what it could not.
    }
  }
  auto settings = std::make_shared<const Settings>(std::move(copy));
  std::vector<std::thread> threads;
  for (const auto& entry : groups) {
    // Named references, not a structured binding: clang 14 cannot capture those in a lambda.
    const std::string& group = entry.first;
    const Group& fn = entry.second;
    if (!runs(group)) continue;
    {
      std::lock_guard lk(shared->mu);
      ++shared->running;
    }
    threads.emplace_back([fn = fn, group = group, settings, sink, shared] {
      Timer t;
      try {
        fn(*settings, *sink);
      } catch (const std::exception& e) {
        // A group that fails as a whole: its missing checks become unknown with the reason.
        for (const auto& n : check_names(*settings))
          if (belongs(group, n) && sink->wants(n)) {
            bool have = false;
            for (const auto& r : sink->take()) have = have || r.name == n;
            if (!have) sink->add(make(n, State::unknown, e.what(), t));
          }
      }
      std::lock_guard lk(shared->mu);
      --shared->running;
      shared->cv.notify_all();
    });
  }
  {
    std::unique_lock lk(shared->mu);
    shared->cv.wait_for(lk, s.deadline, [&] { return shared->running == 0; });
    rep.abandoned = shared->running != 0;
  }
  // Finished threads are joined (they are past their last statement), so no
  // thread outlives the run unless it was abandoned at the deadline.
  for (auto& t : threads) rep.abandoned ? t.detach() : t.join();

  std::map<std::string, Result> got;
  for (auto& r : sink->take()) got.emplace(r.name, std::move(r));
  for (const auto& n : names) {
    auto it = got.find(n);
    if (it != got.end()) {
      rep.checks.push_back(std::move(it->second));
    } else {
      Result r;
      r.name = n;
      r.state = State::unknown;
      r.summary = fmt::format("did not finish within the deadline ({})", format_duration(s.deadline));
      r.duration = whole.elapsed();
      rep.checks.push_back(std::move(r));
    }
  }
  rep.state = State::ok;
  for (const auto& r : rep.checks) rep.state = worse(rep.state, r.state);
  rep.duration = whole.elapsed();
  return rep;
}

}  // namespace bdctl::check
