// A host-timed pulse that always ends: intent record before energising,
// timing from the moment the ON request left, an interruptible wait, and a
// return to rest that nothing between "energised" and "at rest" can skip:
// whatever fails in between is kept and reported after the relay is back.
// If even the return fails, the intent stays behind for the next run or the
// boot-time unit.
#include <fmt/format.h>
#include <unistd.h>

#include "bdctl/error.hpp"
#include "bdctl/relay_ops.hpp"

namespace bdctl::relay {

namespace {
using clock = std::chrono::steady_clock;

}  // namespace

// What happened while the relay was away from rest.
struct Controller::Held {
  clock::time_point on;      // when the ON request left
  std::string failure;       // the first thing that went wrong (the ON request, the history, ...)
  bool interrupted = false;  // a signal cut the wait short
};

namespace {
long long ms_between(clock::time_point a, clock::time_point b) {
  return std::chrono::duration_cast<Millis>(b - a).count();
}
}  // namespace

void Controller::check_pulse(const RelaySpec& r, const BoardSpec& b, Millis len, ActionResult& res, bool power_cycle) {
  if (len <= Millis(0)) refuse(res, fmt::format("pulse length {} must be positive", format_duration(len)));
  if (len > r.max_pulse)
    refuse(res, fmt::format("pulse length {} exceeds {}'s max_pulse {}", format_duration(len), r.name,
                            format_duration(r.max_pulse)));
  if (len < b.spacing)
    refuse(res, fmt::format("pulse length {} is shorter than board {}'s request spacing {}", format_duration(len),
                            r.board, format_duration(b.spacing)));
  if (r.is_protected && !r.output_of(!config_.rest_raw(r)) && !power_cycle)
    refuse(res, fmt::format("{} is protected (it feeds the site's own link or controller): a pulse would switch it off",
                            r.name));
}

// Energise, hold until the end (or a signal), reading back once in the middle
// only when that read cannot outlast the pulse. Never throws: every failure
// lands in Held::failure, so the caller's return to rest always runs.
Controller::Held Controller::hold(Driver& d, const RelaySpec& r, const BoardSpec& b, Millis len, ActionResult& res) {
  const bool rest = config_.rest_raw(r);
  Held h;
  h.on = clock::now();
  auto note = [&](const std::string& what) {
    if (h.failure.empty()) h.failure = what;
  };
  try {
    d.set(r.channel, !rest);
    // The spacing wait before the request is not part of the pulse (drivers
    // without spacing, e.g. gpio, never move last_request_start).
    h.on = std::max(h.on, last_request_start(r.board));
  } catch (const std::exception& e) {
    note(e.what());  // the command may still have reached the board: end the pulse anyway
  }
  try {
    record_reset(r.name, unix_ms_now());
  } catch (const std::exception& e) {
    note(fmt::format("the reset history could not be written: {}", e.what()));
  }
  if (!h.failure.empty()) return h;
  const clock::time_point deadline = h.on + len;
  try {
    // The rest request waits for the spacing: a read must end before that.
    auto read_at = std::max(clock::now(), h.on + b.spacing);
    if (read_at + b.spacing + Millis(50) <= deadline) {
      d.limit(deadline - b.spacing);
      try {
        res.during = state_of(r, d.read());
      } catch (const SystemError&) {
        // only a hint, abandoned at the end of the pulse; the read after it is the one that counts
      }
      d.limit(std::nullopt);
    }
    if (len >= Millis(1000))
      interrupt_.status(fmt::format("pulsing {} {} for {} (Ctrl-C returns it to rest)", r.name,
                                    rest == r.raw_for(true) ? "off" : "on", format_duration(len)));
    h.interrupted = interrupt_.wait_until(deadline);
    interrupt_.status("");
  } catch (const std::exception& e) {
    d.limit(std::nullopt);
    note(e.what());
  }
  return h;
}

ActionResult Controller::pulse(const std::string& name, std::optional<Millis> length, bool power_cycle) {
  const RelaySpec& r = config_.relay(name);
  const BoardSpec& b = config_.board(r.board);
  const Millis len = length.value_or(r.pulse);
  ActionResult res = blank_result(r, "pulse");
  res.pulse_ms = len.count();
  res.requested_ms = len.count();
  check_pulse(r, b, len, res, power_cycle);
  const bool rest = config_.rest_raw(r);

  auto t0 = clock::now();
  std::optional<BoardLock> lock;
  Driver* d = nullptr;
  try {
    lock.emplace(r.board, lock_wait_, &interrupt_);
    if (auto why = rate_limit_refusal(r.name, r.cooldown, r.max_per_hour, unix_ms_now()))
      return done(res, t0, "refused", *why);
    d = &driver(r.board);
    res.before = state_of(r, d->read());
  } catch (const SystemError& e) {
    return done(res, t0, "error", e.what());
  }
  if (!res.before->at_rest) {
    if (!r.momentary)
      return done(res, t0, "refused",
                  fmt::format("{} is {} and a pulse starts from rest ({}): switch it first", name,
                              state_word(res.before), rest == r.raw_for(true) ? "on" : "off"));
    // A reset contact found closed: open it before anything else.
    if (!drive_to_rest(*d, r, res, clock::now() + 3 * b.timeout))
      return done(res, t0, "error", "not at rest before the pulse: " + res.error);
    res.before = res.after;
  }
  if (interrupt_.wait_until(clock::now()))  // stopped before anything was energised
    return done(res, t0, "interrupted", fmt::format("{}: pulse not started", interrupt_.reason));

  Intent intent{r.name, r.board, r.channel, rest, len.count(), unix_ms_now(), int(::getpid())};
  try {
    write_intent(intent);
    audit(res, "intent");
  } catch (const SystemError&) {
    // No action without a trail: nothing was energised, so this is the run's error.
    try {
      remove_intent(intent);
    } catch (const SystemError&) {
    }
    throw;
  }
  Held h = hold(*d, r, b, len, res);
  return end_pulse(*d, r, b, intent, h, res, t0);
}

// The unconditional return to rest, then the verdict on the whole pulse.
ActionResult Controller::end_pulse(Driver& d, const RelaySpec& r, const BoardSpec& b, const Intent& intent,
                                   const Held& h, ActionResult& res, clock::time_point t0) {
  std::optional<clock::time_point> rest_sent;
  bool at_rest = drive_to_rest(d, r, res, clock::now() + std::max(Millis(5000), 3 * b.timeout), &rest_sent);
  if (rest_sent) res.pulse_ms = std::max(0LL, ms_between(h.on, *rest_sent));  // what the relay really did
  if (!at_rest)
    return done(res, t0, "error",
                fmt::format("STUCK: {} did not return to rest ({}); the intent record is kept for "
                            "'bdctl-relay recover'",
                            r.name, res.error));
  res.error.clear();  // a failed attempt on the way back is not the verdict: the read-back is
  try {
    remove_intent(intent);
  } catch (const SystemError& e) {
    // At rest: a leftover record only makes the next run re-check it.
    if (h.failure.empty()) return done(res, t0, "error", fmt::format("{} is at rest; {}", r.name, e.what()));
  }
  if (!h.failure.empty()) return done(res, t0, "error", fmt::format("{} (the relay is back at rest)", h.failure));
  if (h.interrupted)
    return done(res, t0, "interrupted", fmt::format("{}: pulse cut short, {} is at rest", interrupt_.reason, r.name));
  if (res.during && res.during->energised == config_.rest_raw(r))
    return done(res, t0, "error",
                fmt::format("board {} did not report channel {} switched during the pulse", r.board, r.channel));
  return done(res, t0, "ok");
}

}  // namespace bdctl::relay
