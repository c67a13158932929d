// The hardware watchdog, read from sysfs: /dev/watchdogN is never opened
// (opening it starts the countdown, and a close without the magic character
// leaves it running). systemd's manager pets it once RuntimeWatchdogSec= is
// set; the drop-in that sets it is written here.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace bdctl::hwdog {

struct Device {
  std::string name;      // watchdog0
  std::string path;      // /dev/watchdog0
  std::string identity;  // the driver's name for it: "Broadcom BCM2835 Watchdog timer"
  std::optional<int> timeout_s, min_timeout_s, max_timeout_s;
  // Where max_timeout_s came from: "sysfs", "driver" (a driver known to
  // bdctl whose kernel has no max_timeout file), "" when unknown.
  std::string max_source;
  std::optional<bool> active;  // sysfs state: "active" (counting down) or "inactive"
  std::optional<bool> nowayout;
};

// Every /sys/class/watchdog/watchdogN (paths::sysfs_root()), by name; empty
// when the machine has none (on a Pi: dtparam=watchdog=on, or the bcm2835_wdt module).
std::vector<Device> devices();

// The drop-in bdctl writes for systemd's manager: paths::systemd_conf_dir()/bdctl-watchdog.conf.
std::string dropin_path();
struct DropIn {
  bool exists = false;
  std::optional<int> timeout_s;  // its RuntimeWatchdogSec=
  std::string device;            // its WatchdogDevice=
};
// What the drop-in holds; SystemError when it cannot be read.
DropIn read_dropin();
// The timeout enable() takes without one: the device's maximum, at most 60 s.
int default_timeout(const Device& d);
// Writes the drop-in for d with RuntimeWatchdogSec=timeout_s; false when it
// already said so. InputError "--timeout 20s: above watchdog0's maximum of
// 15s (...)" for a value the device would not take, or one it cannot check.
bool enable(const Device& d, int timeout_s);
// Removes the drop-in; false when there was none.
bool disable();

}  // namespace bdctl::hwdog
