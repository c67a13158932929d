// Constructors of the concrete drivers (one file each), used by make_driver.
#pragma once
#include <memory>

#include "bdctl/relay.hpp"

namespace bdctl::relay {

std::unique_ptr<Driver> make_kmtronic_http(const BoardSpec& b);
std::unique_ptr<Driver> make_kmtronic_udp(const BoardSpec& b);
std::unique_ptr<Driver> make_kmtronic_serial(const BoardSpec& b);
std::unique_ptr<Driver> make_rigrunner(const BoardSpec& b);
std::unique_ptr<Driver> make_gpio(const BoardSpec& b);

// RAII for a file descriptor.
struct UniqueFd {
  int fd = -1;
  UniqueFd() = default;
  explicit UniqueFd(int f) : fd(f) {}
  UniqueFd(UniqueFd&& o) noexcept : fd(o.fd) { o.fd = -1; }
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
};

}  // namespace bdctl::relay
