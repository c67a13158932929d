// bdctl-repeat run: the daemon. One poll loop hears every rule's sockets,
// the stop signals and the kernel's link events: a link or address that
// changes (ZeroTier restarted is a new interface index) re-checks the
// interfaces at once, and a look every minute covers an event lost. It
// pings systemd's watchdog when the unit asks; the counters go to the
// status file at most once a second, and only when they changed, so an
// idle repeater wakes three times a minute and writes nothing.
#include <fmt/format.h>

#include <cstdio>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/systemd.hpp"
#include "render.hpp"
#include "repeat_verbs.hpp"
#include "signals.hpp"

namespace bdctl::repeat_tool {

namespace {
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;
constexpr milliseconds kRefresh{60000}, kWriteEvery{1000};

// The daemon's log is its stderr (the journal under systemd).
void log(const std::vector<std::string>& lines) {
  for (const auto& l : lines) std::fprintf(stderr, "bdctl-repeat: %s\n", l.c_str());
}

std::string summary(const repeat::Status& st) {
  std::string s;
  for (const auto& r : st.rules) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", r.rule.name, r.rule.port);
  return fmt::format("repeating {} between {} and {}", s, st.sides[repeat::lan].interface,
                     st.sides[repeat::zerotier].interface);
}
}  // namespace

cli::Runner setup_run(CLI::App& sub) {
  auto f = std::make_shared<Flags>();
  add_options(sub, *f);
  return [f] {
    auto s = load(*f);
    if (s.rules.empty())
      throw InputError(
          fmt::format("{}: no [repeat.NAME] rule, nothing to repeat (see bdctl-repeat(8))", s.config_path));
    cli::block_stop_signals();
    Fd stop = cli::stop_signal_fd();
    std::optional<FileLock> single;
    try {
      single.emplace(repeat::kRunLock, kRunLockWait);
    } catch (const LockBusy&) {
      throw SystemError(fmt::format("another bdctl-repeat run is running (it holds {})", lock_path(repeat::kRunLock)));
    }
    remove_file(repeat::status_path());  // the last run's counters are not this run's
    repeat::Repeater r(s.rules, s.lan_if, s.zt_if);
    log(r.refresh());
    repeat::write_status(r.status());
    systemd::notify("READY=1\nSTATUS=" + summary(r.status()));
    const auto ping = systemd::watchdog_period();
    auto now = steady::now();
    auto next_refresh = now + kRefresh;
    auto next_ping = ping ? now + *ping : steady::time_point::max();
    auto last_write = now;
    auto written = r.status().generation;
    for (;;) {
      auto until = std::min(next_refresh, next_ping);
      if (r.status().generation != written) until = std::min(until, last_write + kWriteEvery);
      auto wait = std::max(milliseconds(0), std::chrono::ceil<milliseconds>(until - steady::now()));
      auto woke = r.serve(wait, stop.get());
      if (woke.stop) break;
      now = steady::now();
      if (woke.links_changed || now >= next_refresh) {
        log(r.refresh());
        next_refresh = now + kRefresh;
      }
      if (r.status().generation != written && now >= last_write + kWriteEvery) {
        repeat::write_status(r.status());
        written = r.status().generation;
        last_write = now;
      }
      if (now >= next_ping) {
        systemd::notify("WATCHDOG=1");
        next_ping = now + *ping;
      }
    }
    std::string sig = cli::take_stop_signal(stop.get());
    systemd::notify("STOPPING=1");
    repeat::write_status(r.status());
    return run_outcome(r.status(), sig);
  };
}

}  // namespace bdctl::repeat_tool
