// Resets per relay over the last hour, for cool-down and max_per_hour. The
// file is only touched under the board's lock, so read-modify-write is safe.
#include <fmt/format.h>

#include <chrono>
#include <sstream>

#include "bdctl/fileio.hpp"
#include "bdctl/paths.hpp"
#include "bdctl/relay_safety.hpp"

namespace bdctl::relay {

namespace {
constexpr long long kHourMs = 3'600'000;
std::string history_path(const std::string& name) { return paths::state_dir() + "/relay/history/" + name; }

std::vector<long long> load(const std::string& name) {
  std::vector<long long> out;
  auto text = read_own_file(history_path(name));
  if (!text) return out;
  std::istringstream in(*text);
  long long t;
  while (in >> t) out.push_back(t);
  return out;
}
}  // namespace

std::string Audit::log_path() { return paths::log_dir() + "/relay-audit.log"; }

std::optional<std::string> rate_limit_refusal(const std::string& name, std::optional<Millis> cooldown,
                                              std::optional<int> max_per_hour, long long now) {
  auto past = load(name);
  if (cooldown && !past.empty()) {
    long long last = past.back();
    long long since = now - last;
    // A clock stepped backwards makes "since" negative: treat as just now (refuse).
    if (since < cooldown->count())
      return fmt::format("cool-down: last reset of {} was {} ago, next allowed in {}", name,
                         format_duration(Millis(std::max(0LL, since) / 1000 * 1000)),
                         format_duration(Millis((cooldown->count() - std::max(0LL, since) + 999) / 1000 * 1000)));
  }
  if (max_per_hour) {
    int n = 0;
    long long oldest = now;
    for (long long t : past)
      if (now - t < kHourMs) {
        ++n;
        oldest = std::min(oldest, t);
      }
    if (n >= *max_per_hour)
      return fmt::format("{} resets of {} in the last hour (max_per_hour = {}), next allowed in {}", n, name,
                         *max_per_hour, format_duration(Millis((kHourMs - (now - oldest) + 999) / 1000 * 1000)));
  }
  return std::nullopt;
}

void record_reset(const std::string& name, long long now) {
  make_dirs(paths::state_dir() + "/relay/history", 0700);
  std::string s;
  for (long long t : load(name))
    if (now - t < kHourMs) s += fmt::format("{}\n", t);
  s += fmt::format("{}\n", now);
  write_file_atomic(history_path(name), s, 0600);
}

}  // namespace bdctl::relay
