// The hardware watchdog through sysfs, and the manager's drop-in for it.
#include "bdctl/hwdog.hpp"

#include <dirent.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/paths.hpp"

namespace bdctl::hwdog {

namespace {
std::string class_dir() { return paths::sysfs_root() + "/class/watchdog"; }

// One attribute's first line; nullopt when the kernel has no such file (older
// kernels lack min_timeout and max_timeout) or it cannot be read.
std::optional<std::string> attr(const std::string& dev, const char* name) {
  try {
    auto v = read_file(class_dir() + "/" + dev + "/" + name, 4096);
    if (!v) return std::nullopt;
    auto nl = v->find('\n');
    return nl == std::string::npos ? *v : v->substr(0, nl);
  } catch (const SystemError&) {
    return std::nullopt;  // EACCES, EIO from a driver: not known
  }
}

std::optional<int> int_attr(const std::string& dev, const char* name) {
  auto v = attr(dev, name);
  if (!v || v->empty()) return std::nullopt;
  char* end = nullptr;
  long n = std::strtol(v->c_str(), &end, 10);
  if (*end || n < 0 || n > 1000000) return std::nullopt;
  return int(n);
}

// Drivers whose maximum is known when the kernel does not say it. bcm2835:
// 20 bits of 1/65536 s ticks, so 15 s; it refuses more, and systemd goes on
// without a hardware watchdog, saying so only in its log.
std::optional<int> known_max(const std::string& identity) {
  if (identity.find("BCM2835") != std::string::npos) return 15;
  return std::nullopt;
}

std::optional<int> key_seconds(const std::string& v) {
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (end == v.c_str() || n < 0) return std::nullopt;
  std::string unit(end);
  if (unit.empty() || unit == "s") return int(n);
  if (unit == "min") return int(n * 60);
  return std::nullopt;
}
}  // namespace

std::vector<Device> devices() {
  std::vector<Device> out;
  DIR* d = ::opendir(class_dir().c_str());
  if (!d) {
    if (errno == ENOENT) return out;
    throw SystemError(class_dir(), errno);
  }
  while (auto* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.rfind("watchdog", 0) != 0) continue;
    Device dev;
    dev.name = name;
    dev.path = "/dev/" + name;
    dev.identity = attr(name, "identity").value_or("");
    dev.timeout_s = int_attr(name, "timeout");
    dev.min_timeout_s = int_attr(name, "min_timeout");
    dev.max_timeout_s = int_attr(name, "max_timeout");
    dev.max_source = dev.max_timeout_s ? "sysfs" : "";
    if (!dev.max_timeout_s && (dev.max_timeout_s = known_max(dev.identity))) dev.max_source = "driver";
    if (auto s = attr(name, "state")) dev.active = *s == "active";
    if (auto n = int_attr(name, "nowayout")) dev.nowayout = *n != 0;
    out.push_back(std::move(dev));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const Device& a, const Device& b) { return a.name < b.name; });
  return out;
}

std::string dropin_path() { return paths::systemd_conf_dir() + "/bdctl-watchdog.conf"; }

DropIn read_dropin() {
  DropIn out;
  auto text = read_file(dropin_path(), 65536);
  if (!text) return out;
  out.exists = true;
  std::size_t pos = 0;
  while (pos < text->size()) {
    auto nl = text->find('\n', pos);
    std::string line = text->substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text->size() : nl + 1;
    if (line.rfind("RuntimeWatchdogSec=", 0) == 0) out.timeout_s = key_seconds(line.substr(19));
    if (line.rfind("WatchdogDevice=", 0) == 0) out.device = line.substr(15);
  }
  return out;
}

int default_timeout(const Device& d) { return std::min(d.max_timeout_s.value_or(60), 60); }

bool enable(const Device& d, int timeout_s) {
  std::string what = fmt::format("--timeout {}s", timeout_s);
  if (timeout_s < 1) throw InputError(what + ": the watchdog needs at least 1s");
  if (!d.max_timeout_s)
    throw InputError(
        fmt::format("{}: {} does not say its maximum (no max_timeout in sysfs, driver '{}' not known); "
                    "a value above it would be ignored, so nothing was written",
                    what, d.name, d.identity));
  if (timeout_s > *d.max_timeout_s)
    throw InputError(
        fmt::format("{}: above {}'s maximum of {}s ({}); the driver would refuse it and systemd would "
                    "run without a hardware watchdog",
                    what, d.name, *d.max_timeout_s, d.identity.empty() ? "unnamed driver" : d.identity));
  if (d.min_timeout_s && timeout_s < *d.min_timeout_s)
    throw InputError(fmt::format("{}: below {}'s minimum of {}s", what, d.name, *d.min_timeout_s));
  std::string text = fmt::format(
      "# Written by bdctl-watch hwdog enable: systemd's manager pets {} and the\n"
      "# hardware resets the Pi if the manager hangs for {}s. Takes effect at the\n"
      "# next boot or 'systemctl daemon-reexec'. Remove with bdctl-watch hwdog disable.\n"
      "[Manager]\nRuntimeWatchdogSec={}s\nWatchdogDevice={}\n",
      d.path, timeout_s, timeout_s, d.path);
  if (read_file(dropin_path(), 65536) == text) return false;
  make_dirs(paths::systemd_conf_dir());
  write_file_atomic(dropin_path(), text);
  return true;
}

bool disable() { return remove_file(dropin_path()); }

}  // namespace bdctl::hwdog
