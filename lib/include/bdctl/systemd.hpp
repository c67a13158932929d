// systemd's manager over D-Bus (sd-bus): transient units for processes that
// must outlive the caller's login session (logind stops a session's scope
// with everything in it; a unit in system.slice is not part of it). The bus
// is the one libsystemd finds: DBUS_SYSTEM_BUS_ADDRESS is honoured, so tests
// run a private bus with a stand-in manager (tests/sim/systemd).
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bdctl::systemd {

// systemd runs this machine (sd_booted), or a bus was named for it.
bool available();

// sd_notify(3) to the service manager ("READY=1", "WATCHDOG=1", "STATUS=...");
// false when not run as a notify service (no NOTIFY_SOCKET).
bool notify(const std::string& state);
// How often to send "WATCHDOG=1": half of WATCHDOG_USEC, as
// sd_watchdog_enabled(3) advises; nullopt when the unit sets no WatchdogSec.
std::optional<std::chrono::microseconds> watchdog_period();

// The manager's own pets of the hardware watchdog. A property this systemd
// does not have yet (WatchdogDevice came in 250) is nullopt.
struct ManagerWatchdog {
  std::optional<std::uint64_t> runtime_usec;    // RuntimeWatchdogUSec: 0 off, UINT64_MAX the device's default
  std::optional<std::string> device;            // WatchdogDevice ("" the default, /dev/watchdog0)
  std::optional<std::uint64_t> last_ping_usec;  // WatchdogLastPingTimestamp, realtime; 0 never
};

class Manager {
 public:
  Manager();  // connects to the system bus; SystemError naming the bus on failure
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // The manager runs in this process's network namespace, so the units it
  // starts see the same interfaces and ruleset (not so when a tool runs in
  // a test's or a container's namespace: their changes are not the host's).
  bool shares_network_namespace();

  // StartTransientUnit of NAME.service running argv (argv[0] an absolute
  // path) with env ("KEY=VALUE": a unit gets the manager's environment, not
  // the caller's), Type=exec, collected when it ends however it ends.
  // Returns its main pid once it runs (waits up to 2 s for the job).
  // SystemError with the manager's error ("org.freedesktop.systemd1.UnitExists: ...").
  int start_service(const std::string& unit, const std::string& description, const std::vector<std::string>& argv,
                    const std::vector<std::string>& env);
  // StopUnit(NAME, "replace"); false when no such unit is loaded.
  bool stop(const std::string& unit);
  // RestartUnit(NAME, "replace"): the job's object path (queued, not waited
  // for). SystemError with the manager's error (NoSuchUnit, AccessDenied).
  std::string restart(const std::string& unit);
  // logind's org.freedesktop.login1.Manager.Reboot(interactive=false).
  // SystemError with logind's error.
  void reboot();
  // RuntimeWatchdogUSec, WatchdogDevice, WatchdogLastPingTimestamp.
  ManagerWatchdog watchdog();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bdctl::systemd
