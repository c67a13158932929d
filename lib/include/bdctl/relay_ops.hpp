// The relay commands as library operations: each returns a result model the
// tool renders; every state reported is read back from the device. Bad
// requests (unknown name, bad duration, momentary/protected rules) throw
// InputError after the refusal is audited; device failures become results.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bdctl/relay.hpp"
#include "bdctl/relay_config.hpp"
#include "bdctl/relay_safety.hpp"

namespace bdctl::relay {

struct RelayState {
  bool energised = false;  // raw channel state
  bool on = false;         // output (contact closed / rail powered), wiring applied
  bool at_rest = false;
  std::optional<double> current_a;
  std::string label;
};

struct ActionResult {
  std::string name, board, driver;
  int channel = 0;
  std::string action;                     // status, on, off, pulse, recover
  std::optional<long long> pulse_ms;      // a pulse: how long the relay was away from rest, measured
  std::optional<long long> requested_ms;  // a pulse: the length asked for
  std::optional<RelayState> before, during, after;
  std::optional<double> supply_v;
  std::string result = "ok";  // ok, error, refused, interrupted, skipped
  std::string error;
  long long elapsed_ms = 0;
  int attempts = 0;  // commands sent to reach the final state
  bool ok() const { return result == "ok"; }
};

class Controller {
 public:
  Controller(RelayConfig config, Audit& audit, Interrupt& interrupt, Millis lock_wait);
  ~Controller();

  // Finish every pulse a killed run left (intent records): force rest, verify.
  std::vector<ActionResult> recover();
  std::vector<ActionResult> status(const std::vector<std::string>& names);  // empty: all
  ActionResult set(const std::string& name, bool on);
  // power_cycle: a protected rail may be pulsed away from rest (off, then on
  // again, bounded by max_pulse and journalled like every pulse): bdctl-watch
  // cycling the hotspot. `off` stays refused for it.
  ActionResult pulse(const std::string& name, std::optional<Millis> length, bool power_cycle = false);

  const RelayConfig& config() const { return config_; }

 private:
  Driver& driver(const std::string& board);
  RelayState state_of(const RelaySpec& r, const BoardReading& reading) const;
  // Command rest and read back until at rest or give_up; rest_sent: when
  // the first rest request left (the measured end of a pulse).
  bool drive_to_rest(Driver& d, const RelaySpec& r, ActionResult& res, std::chrono::steady_clock::time_point give_up,
                     std::optional<std::chrono::steady_clock::time_point>* rest_sent = nullptr);
  void audit(const ActionResult& res, const char* phase);
  [[noreturn]] void refuse(ActionResult& res, const std::string& why);
  ActionResult blank_result(const RelaySpec& r, const char* action) const;
  // Sets the verdict and elapsed time, writes the "done" audit line; a trail
  // that cannot be written turns the verdict into an error, never an exception.
  ActionResult done(ActionResult& res, std::chrono::steady_clock::time_point t0, std::string result,
                    std::string error = {});

  struct Held;
  void check_pulse(const RelaySpec& r, const BoardSpec& b, Millis len, ActionResult& res, bool power_cycle);
  Held hold(Driver& d, const RelaySpec& r, const BoardSpec& b, Millis len, ActionResult& res);
  ActionResult end_pulse(Driver& d, const RelaySpec& r, const BoardSpec& b, const Intent& intent, const Held& h,
                         ActionResult& res, std::chrono::steady_clock::time_point t0);

  RelayConfig config_;
  Audit& audit_;
  Interrupt& interrupt_;
  Millis lock_wait_;
  std::map<std::string, std::unique_ptr<Driver>> drivers_;
};

// For the tool's renderers.
std::string state_word(const std::optional<RelayState>& s);  // "on", "off" or "unknown"

}  // namespace bdctl::relay
