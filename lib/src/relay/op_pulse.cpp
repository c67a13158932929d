// A host-timed pulse that always ends: intent record before energising,
// timing from the moment the ON request left, an interruptible wait, and a
// verified return to rest with retries. If even that fails, the intent
// stays behind for the next run or the boot-time unit.
#include <fmt/format.h>
#include <unistd.h>

#include "bdctl/error.hpp"
#include "bdctl/relay_ops.hpp"

namespace bdctl::relay {

ActionResult Controller::pulse(const std::string& name, std::optional<Millis> length) {
  using clock = std::chrono::steady_clock;
  const RelaySpec& r = config_.relay(name);
  const BoardSpec& b = config_.board(r.board);
  const Millis len = length.value_or(r.pulse);
  ActionResult res;
  res.name = r.name;
  res.board = r.board;
  res.driver = b.driver;
  res.channel = r.channel;
  res.action = "pulse";
  res.pulse_ms = len.count();

  if (len <= Millis(0)) refuse(res, fmt::format("pulse length {} must be positive", format_duration(len)));
  if (len > r.max_pulse)
    refuse(res, fmt::format("pulse length {} exceeds {}'s max_pulse {}", format_duration(len), name,
                            format_duration(r.max_pulse)));
  if (len < b.spacing)
    refuse(res, fmt::format("pulse length {} is shorter than board {}'s request spacing {}", format_duration(len),
                            r.board, format_duration(b.spacing)));
  const bool rest = config_.rest_raw(r);
  if (r.is_protected && !r.output_of(!rest))
    refuse(res, fmt::format("{} is protected (it feeds the site's own link or controller): a pulse would switch it off",
                            name));

  auto t0 = clock::now();
  auto finish = [&](std::string result, std::string error = {}) {
    res.result = std::move(result);
    if (!error.empty()) res.error = std::move(error);
    res.elapsed_ms = std::chrono::duration_cast<Millis>(clock::now() - t0).count();
    audit(res, "done");
    return res;
  };

  std::optional<BoardLock> lock;
  Driver* d = nullptr;
  try {
    lock.emplace(r.board, lock_wait_, &interrupt_);
    if (auto why = rate_limit_refusal(r.name, r.cooldown, r.max_per_hour, unix_ms_now()))
      return finish("refused", *why);
    d = &driver(r.board);
    res.before = state_of(r, d->read());
  } catch (const SystemError& e) {
    return finish("error", e.what());
  }
  if (!res.before->at_rest) {
    if (!r.momentary)
      return finish("refused", fmt::format("{} is {} and a pulse starts from rest ({}): switch it first", name,
                                           state_word(res.before), rest == r.raw_for(true) ? "on" : "off"));
    // A reset contact found closed: open it before anything else.
    if (!drive_to_rest(*d, r, res, clock::now() + 3 * b.timeout))
      return finish("error", "not at rest before the pulse: " + res.error);
    res.before = res.after;
  }

  if (interrupt_.wait_until(clock::now()))  // stopped before anything was energised
    return finish("interrupted", fmt::format("{}: pulse not started", interrupt_.reason));

  Intent intent{r.name, r.board, r.channel, rest, len.count(), unix_ms_now(), int(::getpid())};
  write_intent(intent);
  audit(res, "intent");

  std::string set_error;
  clock::time_point t_on = clock::now();
  try {
    d->set(r.channel, !rest);
    // The spacing wait before the request is not part of the pulse (drivers
    // without spacing, e.g. gpio, never move last_request_start).
    t_on = std::max(t_on, last_request_start(r.board));
  } catch (const SystemError& e) {
    set_error = e.what();  // the command may still have reached the board: end the pulse anyway
  }
  record_reset(r.name, unix_ms_now());
  clock::time_point deadline = t_on + len;
  bool interrupted = false;
  if (set_error.empty()) {
    // Read back mid-pulse only when it cannot delay the end of the pulse.
    auto read_at = std::max(clock::now(), t_on + b.spacing);
    if (read_at + b.spacing + Millis(50) + b.timeout / 10 <= deadline) {
      try {
        res.during = state_of(r, d->read());
      } catch (const SystemError&) {
        // only a hint; the read after the pulse is the one that counts
      }
    }
    if (len >= Millis(1000))
      interrupt_.status(fmt::format("pulsing {} {} for {} (Ctrl-C returns it to rest)", name,
                                    rest == r.raw_for(true) ? "off" : "on", format_duration(len)));
    interrupted = interrupt_.wait_until(deadline);
    interrupt_.status("");
  }
  bool at_rest = drive_to_rest(*d, r, res, clock::now() + std::max(Millis(5000), 3 * b.timeout));
  if (!at_rest)
    return finish("error", fmt::format("STUCK: {} did not return to rest ({}); the intent record is kept for "
                                       "'bdctl-relay recover'",
                                       name, res.error));
  remove_intent(intent);
  if (!set_error.empty()) return finish("error", set_error);
  if (interrupted)
    return finish("interrupted", fmt::format("{}: pulse cut short, {} is at rest", interrupt_.reason, name));
  if (res.during && res.during->energised == rest)
    return finish("error",
                  fmt::format("board {} did not report channel {} switched during the pulse", r.board, r.channel));
  return finish("ok");
}

}  // namespace bdctl::relay
