// What keeps a remote reset safe: one lock per board, request spacing shared
// by every process, intent records that let a later run finish a pulse a
// killed run left energised, per-channel rate limits, and the audit trail.
#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>
#include "bdctl/handles.hpp"
#include "bdctl/lock.hpp"

#include <nlohmann/json.hpp>

#include "bdctl/audit.hpp"

#include "bdctl/duration.hpp"

namespace bdctl::relay {

// Tells a long wait to stop early (the tool maps SIGINT/SIGTERM/SIGHUP to it).
class Interrupt {
 public:
  virtual ~Interrupt() = default;
  // Sleep until deadline or until interrupted; true when interrupted, with
  // reason set (e.g. "SIGTERM"). The default never interrupts.
  virtual bool wait_until(std::chrono::steady_clock::time_point deadline);
  // What a wait of a second or more is waiting for ("pulsing radio on for
  // 4s ..."), "" when it is over: the tool may show it as a status line.
  virtual void status(std::string_view /*line*/) {}
  std::string reason;
};

// flock on <lock_dir>/relay.<board>.lock held for the object's lifetime; the
// kernel drops it when the process dies, so there is no stale lock.
class BoardLock {
 public:
  // Waits up to timeout (0: try once); SystemError when the board stays busy.
  BoardLock(const std::string& board, Millis timeout, Interrupt* interrupt = nullptr);
  ~BoardLock();
  BoardLock(const BoardLock&) = delete;
  BoardLock& operator=(const BoardLock&) = delete;
  static std::string path(const std::string& board);
  static std::string file(const std::string& board);  // its name in the lock directory

 private:
  std::optional<FileLock> lock_;
};

// Keeps requests to one board at least `spacing` apart, across processes:
// the time of the last request (CLOCK_MONOTONIC) lives beside the lock.
// Call before every request while holding the board's lock. Returns when
// the request may start, which is also what last_request_start() reports.
std::chrono::steady_clock::time_point space_requests(const std::string& board, Millis spacing);
// When this process last started a request to the board (for pulse timing).
std::chrono::steady_clock::time_point last_request_start(const std::string& board);

// A pulse in flight: written (fsynced) before energising, removed after the
// relay is verified at rest.
struct Intent {
  std::string name;  // relay name
  std::string board;
  int channel = 0;
  bool rest_raw = false;
  long long pulse_ms = 0;
  long long started_unix_ms = 0;
  int pid = 0;
};
std::string intent_dir();  // <state_dir>/relay/intents
void write_intent(const Intent& intent);
void remove_intent(const Intent& intent);
std::vector<Intent> read_intents();  // malformed records are skipped (and left for a human)

// Past pulses per relay for cool-down and max-per-hour, in <state_dir>/relay/history/<name>.
// refusal reason, or nullopt when another reset is allowed now.
std::optional<std::string> rate_limit_refusal(const std::string& name, std::optional<Millis> cooldown,
                                              std::optional<int> max_per_hour, long long now_unix_ms);
void record_reset(const std::string& name, long long now_unix_ms);

using bdctl::iso8601_ms;
using bdctl::unix_ms_now;

// Relay events go to <log_dir>/relay-audit.log (bdctl/audit.hpp). Throws
// SystemError when the log cannot be written: no action without a trail.
class Audit : public AuditLog {
 public:
  explicit Audit(std::vector<std::string> argv) : AuditLog("relay-audit.log", "bdctl-relay", std::move(argv)) {}
  static std::string log_path();
};

}  // namespace bdctl::relay
