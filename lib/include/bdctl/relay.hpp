// Relay and power-rail drivers behind one interface: set one channel, read all
// channels, say whether the device can time a pulse itself. Drivers speak
// "raw" states (coil energised, rail enabled, GPIO line active); wiring and
// rest states are applied above them (relay_ops.hpp).
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bdctl/duration.hpp"

namespace bdctl::relay {

// One [boards.X] table. Only the fields of its driver are used.
struct BoardSpec {
  std::string name;
  std::string driver;  // kmtronic-http, kmtronic-udp, kmtronic-serial, rigrunner, gpio
  std::string url;     // kmtronic-http, rigrunner: http://host[:port]
  std::string host;    // kmtronic-udp
  int port = 12345;    // kmtronic-udp
  std::string device;  // kmtronic-serial: /dev/ttyUSB0
  std::string user;
  std::string password;            // never printed, logged or put in an error
  std::string chip;                // gpio: chip label or /dev/gpiochipN (empty: search all); "fake:PATH" for tests
  std::vector<std::string> lines;  // gpio: line names, channel 1 = lines[0]
  bool active_low = false;         // gpio
  int channels = 0;                // kmtronic-serial (4 or 8); optional elsewhere
  Millis timeout{3000};            // per request
  Millis spacing{0};               // minimum gap between two requests to the board
};

struct ChannelReading {
  int channel = 0;
  bool raw = false;                 // energised / enabled / active
  std::optional<double> current_a;  // rigrunner rail load
  std::string label;                // rigrunner rail name from settings.cgi
};

struct BoardReading {
  std::vector<ChannelReading> channels;
  std::optional<double> supply_v;  // rigrunner input voltage

  // The reading for a channel; SystemError when the device did not report it.
  const ChannelReading& at(int channel, const std::string& board) const;
};

class Driver {
 public:
  virtual ~Driver() = default;
  // Send the command for one channel. Never trusted alone: callers read back.
  virtual void set(int channel, bool raw) = 0;
  // Read every channel. details: also fetch labels (one more request on some devices).
  virtual BoardReading read(bool details = false) = 0;
  // Can the device time a pulse on its own? None of the supported devices can.
  virtual bool device_pulse() const { return false; }
  // Does a state set by this process outlive it? (GPIO lines do not.)
  virtual bool latches() const { return true; }
  // InputError when the channel cannot exist on this kind of device.
  virtual void check_channel(int channel) const = 0;

  // Until cleared, every request gives up at `until`: a read in the middle
  // of a pulse must not lengthen it. nullopt: the board's own timeout only.
  void limit(std::optional<std::chrono::steady_clock::time_point> until) { until_ = until; }

 protected:
  // How long a request may take now: timeout, cut at the limit; SystemError
  // naming the board once the limit has passed.
  Millis budget(const std::string& board, Millis timeout) const;

 private:
  std::optional<std::chrono::steady_clock::time_point> until_;
};

// The driver a board names; InputError for an unknown driver or missing field.
std::unique_ptr<Driver> make_driver(const BoardSpec& board);

// Default request spacing per driver (KMTronic web boards hang when hit fast).
Millis default_spacing(const std::string& driver);
const std::vector<std::string>& driver_names();

}  // namespace bdctl::relay
