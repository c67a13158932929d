// [boards.X] and [relays.Y] from bdctl.toml: which relay is which channel on
// which board, how it is wired and what it may be asked to do.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bdctl/config.hpp"
#include "bdctl/relay.hpp"

namespace bdctl::relay {

enum class Wiring { NO, NC };

struct RelaySpec {
  std::string name;
  std::string board;
  int channel = 0;
  Wiring wiring = Wiring::NO;
  bool momentary = false;     // reset contact: bounded pulses only
  bool is_protected = false;  // feeds the Pi, hotspot or switch: never switched off
  Millis pulse{1000};         // default pulse length
  Millis max_pulse{10000};    // longest pulse accepted
  std::optional<Millis> cooldown;
  std::optional<int> max_per_hour;
  std::optional<bool> rest_on;  // output at rest; default: output of the driver's rest state

  bool output_of(bool raw) const { return wiring == Wiring::NO ? raw : !raw; }
  bool raw_for(bool output) const { return wiring == Wiring::NO ? output : !output; }
};

struct RelayConfig {
  std::map<std::string, BoardSpec> boards;
  std::map<std::string, RelaySpec> relays;  // sorted by name
  std::string source;                       // config file path

  // Parse and cross-check; InputError "FILE:LINE: key 'relays.x.channel': ..." on bad values.
  static RelayConfig from(const Config& config);

  // InputError naming the relay and the known names when it is not configured.
  const RelaySpec& relay(const std::string& name) const;
  const BoardSpec& board(const std::string& name) const;
  // Raw state a relay rests in.
  bool rest_raw(const RelaySpec& r) const;
};

std::string to_string(Wiring w);

}  // namespace bdctl::relay
