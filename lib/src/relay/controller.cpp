// Shared plumbing of the relay commands: drivers per board, state mapping,
// driving a channel to rest with read-back, audit lines.
#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "bdctl/relay_ops.hpp"

namespace bdctl::relay {

Controller::Controller(RelayConfig config, Audit& audit, Interrupt& interrupt, Millis lock_wait)
    : config_(std::move(config)), audit_(audit), interrupt_(interrupt), lock_wait_(lock_wait) {}
Controller::~Controller() = default;

Driver& Controller::driver(const std::string& board) {
  auto it = drivers_.find(board);
  if (it == drivers_.end()) it = drivers_.emplace(board, make_driver(config_.board(board))).first;
  return *it->second;
}

RelayState Controller::state_of(const RelaySpec& r, const BoardReading& reading) const {
  const ChannelReading& ch = reading.at(r.channel, r.board);
  RelayState s;
  s.energised = ch.raw;
  s.on = r.output_of(ch.raw);
  s.at_rest = ch.raw == config_.rest_raw(r);
  s.current_a = ch.current_a;
  s.label = ch.label;
  return s;
}

// Command rest and verify by reading back, retrying until give_up: a relay
// left energised is the one outcome this tool must not produce silently. A
// failed command is still followed by a read: the board may have switched
// and lost only its reply (hung, reset or truncated).
bool Controller::drive_to_rest(Driver& d, const RelaySpec& r, ActionResult& res,
                               std::chrono::steady_clock::time_point give_up,
                               std::optional<std::chrono::steady_clock::time_point>* rest_sent) {
  const bool rest = config_.rest_raw(r);
  std::string last_error;
  for (int round = 0;; ++round) {
    auto sent = std::chrono::steady_clock::now();
    try {
      d.set(r.channel, rest);
    } catch (const SystemError& e) {
      last_error = e.what();
    }
    ++res.attempts;
    if (rest_sent && !*rest_sent) *rest_sent = std::max(sent, last_request_start(r.board));
    try {
      for (int reads = 0; reads < 2; ++reads) {  // the board may lag its own reply
        RelayState s = state_of(r, d.read());
        res.after = s;
        if (s.at_rest) return true;
      }
      last_error = fmt::format("board {} still reports channel {} {} after commanding rest", r.board, r.channel,
                               res.after->on ? "on" : "off");
    } catch (const SystemError& e) {
      last_error = last_error.empty() ? e.what() : fmt::format("{}; reading it back: {}", last_error, e.what());
    }
    if (std::chrono::steady_clock::now() >= give_up || round >= 5) {
      res.error = last_error;
      return false;
    }
  }
}

ActionResult Controller::blank_result(const RelaySpec& r, const char* action) const {
  ActionResult res;
  res.name = r.name;
  res.board = r.board;
  res.driver = config_.board(r.board).driver;
  res.channel = r.channel;
  res.action = action;
  return res;
}

ActionResult Controller::done(ActionResult& res, std::chrono::steady_clock::time_point t0, std::string result,
                              std::string error) {
  res.result = std::move(result);
  if (!error.empty()) res.error = std::move(error);
  res.elapsed_ms = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - t0).count();
  try {
    audit(res, "done");
  } catch (const SystemError& e) {
    // The action happened: say so, and that its trail is missing.
    res.error = res.error.empty() ? fmt::format("not in the audit trail: {}", e.what())
                                  : fmt::format("{}; not in the audit trail: {}", res.error, e.what());
    res.result = res.result == "ok" ? "error" : res.result;
  }
  return res;
}

void Controller::audit(const ActionResult& res, const char* phase) {
  auto st = [](const std::optional<RelayState>& s) -> nlohmann::ordered_json {
    if (!s) return nullptr;
    return s->on ? "on" : "off";
  };
  nlohmann::ordered_json e;
  e["phase"] = phase;
  e["action"] = res.action;
  e["name"] = res.name;
  e["board"] = res.board;
  e["driver"] = res.driver;
  e["channel"] = res.channel;
  e["pulse_ms"] = res.pulse_ms ? nlohmann::ordered_json(*res.pulse_ms) : nlohmann::ordered_json(nullptr);
  e["before"] = st(res.before);
  e["after"] = st(res.after);
  e["result"] = std::string(phase) == "intent" ? "intent" : res.result;
  e["error"] = res.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(res.error);
  e["attempts"] = res.attempts;
  e["elapsed_ms"] = res.elapsed_ms;
  audit_.log(std::move(e));
}

void Controller::refuse(ActionResult& res, const std::string& why) {
  res.result = "refused";
  res.error = why;
  audit(res, "done");
  throw InputError(why);
}

std::string state_word(const std::optional<RelayState>& s) {
  if (!s) return "unknown";
  return s->on ? "on" : "off";
}

}  // namespace bdctl::relay
