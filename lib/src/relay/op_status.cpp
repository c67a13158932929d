#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "bdctl/relay_ops.hpp"

namespace bdctl::relay {

std::vector<ActionResult> Controller::status(const std::vector<std::string>& names) {
  std::vector<const RelaySpec*> wanted;
  if (names.empty())
    for (auto& [n, r] : config_.relays) wanted.push_back(&r);
  else
    for (auto& n : names) wanted.push_back(&config_.relay(n));  // InputError before any I/O

  // One lock and one read per board, however many of its relays are asked for.
  std::map<std::string, std::vector<std::size_t>> by_board;
  std::vector<ActionResult> out(wanted.size());
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const RelaySpec& r = *wanted[i];
    auto& res = out[i];
    res.name = r.name;
    res.board = r.board;
    res.driver = config_.board(r.board).driver;
    res.channel = r.channel;
    res.action = "status";
    by_board[r.board].push_back(i);
  }
  for (auto& [board, idx] : by_board) {
    auto t0 = std::chrono::steady_clock::now();
    std::string error;
    try {
      BoardLock lock(board, lock_wait_, &interrupt_);
      BoardReading reading = driver(board).read(true);
      for (auto i : idx) {
        out[i].after = state_of(*wanted[i], reading);
        out[i].supply_v = reading.supply_v;
      }
    } catch (const SystemError& e) {
      error = e.what();
    }
    auto ms = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - t0).count();
    for (auto i : idx) {
      out[i].elapsed_ms = ms;
      if (!error.empty()) {
        out[i].result = "error";
        out[i].error = error;
      }
    }
  }
  return out;
}

}  // namespace bdctl::relay
