#include <fmt/format.h>
#include <unistd.h>

#include "bdctl/error.hpp"
#include "drivers.hpp"

namespace bdctl::relay {

const ChannelReading& BoardReading::at(int channel, const std::string& board) const {
  for (const auto& c : channels)
    if (c.channel == channel) return c;
  throw SystemError(fmt::format("board {} reports no channel {} ({} channels)", board, channel, channels.size()));
}

const std::vector<std::string>& driver_names() {
  static const std::vector<std::string> names{"kmtronic-http", "kmtronic-udp", "kmtronic-serial", "rigrunner", "gpio"};
  return names;
}

Millis default_spacing(const std::string& driver) {
  if (driver == "kmtronic-http")
    return Millis(350);  // below 300 ms the web boards hang (openHAB forum); 50 ms for jitter
  if (driver == "kmtronic-udp") return Millis(100);
  if (driver == "rigrunner") return Millis(100);
  if (driver == "kmtronic-serial") return Millis(20);
  return Millis(0);
}

std::unique_ptr<Driver> make_driver(const BoardSpec& b) {
  if (b.driver == "kmtronic-http") return make_kmtronic_http(b);
  if (b.driver == "kmtronic-udp") return make_kmtronic_udp(b);
  if (b.driver == "kmtronic-serial") return make_kmtronic_serial(b);
  if (b.driver == "rigrunner") return make_rigrunner(b);
  if (b.driver == "gpio") return make_gpio(b);
  throw InputError(
      fmt::format("board {}: unknown driver '{}' (kmtronic-http, kmtronic-udp, kmtronic-serial, "
                  "rigrunner, gpio)",
                  b.name, b.driver));
}

Millis Driver::budget(const std::string& board, Millis timeout) const {
  if (!until_) return timeout;
  auto left = std::chrono::duration_cast<Millis>(*until_ - std::chrono::steady_clock::now());
  if (left <= Millis(0)) throw SystemError(fmt::format("board {}: request abandoned: the pulse ends first", board));
  return std::min(timeout, left);
}

}  // namespace bdctl::relay
