// Constructors of the concrete drivers (one file each), used by make_driver.
#pragma once
#include <memory>

#include "bdctl/handles.hpp"
#include "bdctl/relay.hpp"

namespace bdctl::relay {

std::unique_ptr<Driver> make_kmtronic_http(const BoardSpec& b);
std::unique_ptr<Driver> make_kmtronic_udp(const BoardSpec& b);
std::unique_ptr<Driver> make_kmtronic_serial(const BoardSpec& b);
std::unique_ptr<Driver> make_rigrunner(const BoardSpec& b);
std::unique_ptr<Driver> make_gpio(const BoardSpec& b);

}  // namespace bdctl::relay
