// Where the gpio driver gets its lines: the kernel's GPIO character device
// (v2 uAPI, ioctls) or, for tests, a fake chip kept in a text file.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace bdctl::relay {

class GpioLines {
 public:
  virtual ~GpioLines() = default;
  // Logical values (active = true); active-low is applied by the backend.
  virtual void set(std::size_t index, bool active) = 0;
  virtual std::vector<bool> get() = 0;
};

// Request the named lines as outputs at their inactive value, so the request
// itself never energises a relay. Lines stay held until the object dies.
std::unique_ptr<GpioLines> request_cdev_lines(const std::string& chip, const std::vector<std::string>& names,
                                              bool active_low);
// Fake chip: PATH holds "NAME VALUE" lines; every change is also appended
// to PATH.events as "MONOTONIC_SECONDS NAME VALUE" for timing tests.
std::unique_ptr<GpioLines> request_fake_lines(const std::string& path, const std::vector<std::string>& names,
                                              bool active_low);

}  // namespace bdctl::relay
