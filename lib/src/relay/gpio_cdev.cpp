// Linux GPIO character device, v2 uAPI called directly: Debian 12 ships
// libgpiod 1.6 (v1 API), and the ioctls are small. Lines are found by name
// (chip numbers move between Pi models and kernels).
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <linux/gpio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <algorithm>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "bdctl/error.hpp"
#include "bdctl/handles.hpp"
#include "drivers.hpp"
#include "gpio_backend.hpp"

namespace bdctl::relay {

namespace {
class CdevLines final : public GpioLines {
 public:
  CdevLines(Fd fd, std::size_t n) : fd_(std::move(fd)), n_(n) {}
  void set(std::size_t index, bool active) override {
    gpio_v2_line_values v{};
    v.mask = 1ULL << index;
    v.bits = active ? v.mask : 0;
    if (::ioctl(fd_.fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &v) != 0) throw SystemError("gpio set value", errno);
  }
  std::vector<bool> get() override {
    gpio_v2_line_values v{};
    v.mask = (n_ >= 64) ? ~0ULL : ((1ULL << n_) - 1);
    if (::ioctl(fd_.fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &v) != 0) throw SystemError("gpio get values", errno);
    std::vector<bool> out(n_);
    for (std::size_t i = 0; i < n_; ++i) out[i] = (v.bits >> i) & 1;
    return out;
  }

 private:
  Fd fd_;
  std::size_t n_;
};

std::vector<std::string> chip_paths(const std::string& chip) {
  if (chip.rfind("/dev/", 0) == 0) return {chip};
  std::vector<std::string> out;
  Dir d(::opendir("/dev"));
  if (!d) throw SystemError("/dev", errno);
  for (errno = 0; dirent* e = ::readdir(d.get()); errno = 0)
    if (std::strncmp(e->d_name, "gpiochip", 8) == 0) out.push_back(std::string("/dev/") + e->d_name);
  if (errno != 0) throw SystemError("/dev", errno);
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

std::unique_ptr<GpioLines> request_cdev_lines(const std::string& chip, const std::vector<std::string>& names,
                                              bool active_low) {
  if (names.empty() || names.size() > GPIO_V2_LINES_MAX) throw InputError("gpio: between 1 and 64 lines");
  for (const auto& path : chip_paths(chip)) {
    Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (fd.fd < 0) throw SystemError(path, errno);
    gpiochip_info info{};
    if (::ioctl(fd.fd, GPIO_GET_CHIPINFO_IOCTL, &info) != 0) throw SystemError(path, errno);
    if (!chip.empty() && chip != path && chip != info.label && chip != info.name) continue;
    std::vector<__u32> offsets(names.size(), ~0u);
    for (__u32 off = 0; off < info.lines; ++off) {
      gpio_v2_line_info li{};
      li.offset = off;
      if (::ioctl(fd.fd, GPIO_V2_GET_LINEINFO_IOCTL, &li) != 0) throw SystemError(path, errno);
      for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == li.name) offsets[i] = off;
    }
    if (std::count(offsets.begin(), offsets.end(), ~0u) != 0) continue;  // not all lines on this chip
    gpio_v2_line_request req{};
    for (std::size_t i = 0; i < names.size(); ++i) req.offsets[i] = offsets[i];
    req.num_lines = __u32(names.size());
    std::snprintf(req.consumer, sizeof req.consumer, "bdctl-relay");
    req.config.flags = GPIO_V2_LINE_FLAG_OUTPUT | (active_low ? GPIO_V2_LINE_FLAG_ACTIVE_LOW : 0);
    req.config.num_attrs = 1;
    req.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
    req.config.attrs[0].attr.values = 0;  // inactive: the request never energises a relay
    req.config.attrs[0].mask = (names.size() >= 64) ? ~0ULL : ((1ULL << names.size()) - 1);
    if (::ioctl(fd.fd, GPIO_V2_GET_LINE_IOCTL, &req) != 0)
      throw SystemError(fmt::format("gpio {}: request lines", path), errno);
    return std::make_unique<CdevLines>(Fd(req.fd), names.size());
  }
  throw SystemError(fmt::format("gpio: no chip{} has all of the lines {}", chip.empty() ? "" : " '" + chip + "'",
                                fmt::join(names, ", ")));
}

}  // namespace bdctl::relay
