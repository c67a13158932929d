// Replaying intent records: a record whose board lock we can take belongs
// to a run that died mid-pulse (a live owner would hold the lock).
#include <fmt/format.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/relay_ops.hpp"

namespace bdctl::relay {

namespace {
// Is the run that wrote an intent record still alive? A pid reused by
// another program after a reboot does not count.
bool pulsing_now(int pid) {
  if (pid <= 0 || pid == ::getpid() || ::kill(pid, 0) != 0) return false;
  auto comm = read_file(fmt::format("/proc/{}/comm", pid), 64);
  return comm && comm->rfind("bdctl-relay", 0) == 0;
}

// The result a recovery of i starts from.
ActionResult recovery_of(const Intent& i) {
  ActionResult res;
  res.name = i.name;
  res.board = i.board;
  res.channel = i.channel;
  res.action = "recover";
  res.pulse_ms = i.pulse_ms;
  return res;
}

// i's record is still there (its pulse did not finish since it was listed).
bool still_recorded(const Intent& i) {
  auto now = read_intents();
  return std::any_of(now.begin(), now.end(),
                     [&](const Intent& x) { return x.board == i.board && x.channel == i.channel; });
}

// The relay as the record names it: its rest state is the record's, even if
// the config changed since.
RelaySpec recorded_relay(const RelayConfig& config, const Intent& i) {
  RelaySpec r;
  auto cfg = config.relays.find(i.name);
  if (cfg != config.relays.end() && cfg->second.board == i.board && cfg->second.channel == i.channel) r = cfg->second;
  r.name = i.name;
  r.board = i.board;
  r.channel = i.channel;
  r.rest_on = r.output_of(i.rest_raw);
  return r;
}
}  // namespace

std::vector<ActionResult> Controller::recover() {
  std::vector<ActionResult> out;
  for (const Intent& i : read_intents()) {
    ActionResult res = recovery_of(i);
    auto t0 = std::chrono::steady_clock::now();
    auto finish = [&](std::string result, std::string error = {}) {
      out.push_back(done(res, t0, std::move(result), std::move(error)));
    };
    auto b = config_.boards.find(i.board);
    if (b == config_.boards.end()) {
      finish("error", fmt::format("unfinished pulse on board {} channel {}, but the board is no longer configured; "
                                  "intent record kept in {}",
                                  i.board, i.channel, intent_dir()));
      continue;
    }
    res.driver = b->second.driver;
    std::optional<BoardLock> lock;
    try {
      lock.emplace(i.board, Millis(0));
    } catch (const SystemError&) {
      continue;  // a live run owns this pulse and will end it
    }
    if (pulsing_now(i.pid)) continue;  // its owner runs: the lock was taken from under it, not released
    if (!still_recorded(i)) continue;  // finished between our listing and our lock
    RelaySpec r = recorded_relay(config_, i);
    try {
      audit(res, "intent");
    } catch (const SystemError&) {
      // Returning a relay to rest outranks its trail; done() reports the missing line.
    }
    try {
      Driver& d = driver(i.board);
      res.before = state_of(r, d.read());
      if (res.before->at_rest) {
        res.after = res.before;
      } else if (!drive_to_rest(d, r, res,
                                std::chrono::steady_clock::now() + std::max(Millis(5000), 3 * b->second.timeout))) {
        finish("error", fmt::format("STUCK: {} did not return to rest ({})", i.name, res.error));
        continue;
      }
    } catch (const SystemError& e) {
      finish("error", e.what());
      continue;
    }
    remove_intent(i);
    finish("ok");
  }
  return out;
}

}  // namespace bdctl::relay
