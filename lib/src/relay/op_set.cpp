// on / off for latched channels: read, switch, read back.
#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "bdctl/relay_ops.hpp"

namespace bdctl::relay {

ActionResult Controller::set(const std::string& name, bool on) {
  const RelaySpec& r = config_.relay(name);
  const BoardSpec& b = config_.board(r.board);
  ActionResult res = blank_result(r, on ? "on" : "off");
  if (r.momentary) refuse(res, fmt::format("{} is momentary (a reset contact): use 'pulse {}'", name, name));
  if (!on && r.is_protected)
    refuse(res, fmt::format("{} is protected (it feeds the site's own link or controller): refusing to switch it off",
                            name));
  if (b.driver == "gpio")
    refuse(res, fmt::format("{} is on a GPIO board, which cannot hold a relay after bdctl-relay exits: use 'pulse {}'",
                            name, name));

  auto t0 = std::chrono::steady_clock::now();
  auto finish = [&](std::string result, std::string error = {}) {
    return done(res, t0, std::move(result), std::move(error));
  };
  try {
    BoardLock lock(r.board, lock_wait_, &interrupt_);
    Driver& d = driver(r.board);
    res.before = state_of(r, d.read());
    if (res.before->on == on) {
      res.after = res.before;
      return finish("ok");
    }
    audit(res, "intent");
    // The reply code is not trusted (404-but-switched firmware): the read-back decides.
    for (int round = 0; round < 2; ++round) {
      d.set(r.channel, r.raw_for(on));
      ++res.attempts;
      for (int reads = 0; reads < 2; ++reads) {
        res.after = state_of(r, d.read());
        if (res.after->on == on) return finish("ok");
      }
    }
    return finish("error", fmt::format("board {} still reports channel {} {} after switching it {}", r.board, r.channel,
                                       state_word(res.after), on ? "on" : "off"));
  } catch (const SystemError& e) {
    return finish("error", e.what());
  }
}

}  // namespace bdctl::relay
