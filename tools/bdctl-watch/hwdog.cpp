// bdctl-watch hwdog: the hardware watchdog that resets a hung Pi, and whether
// systemd's manager pets it; `enable` writes the manager's drop-in, refusing
// a timeout the device would not take (the bcm2835 takes 15 s at most and
// systemd then runs with no hardware watchdog at all, saying so only in its log).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <limits>

#include "bdctl/audit.hpp"
#include "bdctl/error.hpp"
#include "bdctl/paths.hpp"
#include "bdctl/systemd.hpp"
#include "render.hpp"
#include "watch_verbs.hpp"

namespace bdctl::watch_tool {

namespace {
struct HwdogFlags {
  std::string action = "show";
  std::optional<std::string> timeout, device;
};

// The device systemd's manager uses (WatchdogDevice, "" = /dev/watchdog0),
// else the one named, else the first.
const hwdog::Device* pick(const HwdogReport& r, const std::optional<std::string>& name) {
  std::string want = name ? *name : "";
  if (want.empty() && r.manager && r.manager->device && !r.manager->device->empty()) want = *r.manager->device;
  if (want.empty() && !r.devices.empty()) return &r.devices.front();
  for (const auto& d : r.devices)
    if (d.name == want || d.path == want) return &d;
  if (name) {
    std::vector<std::string> names;
    for (const auto& d : r.devices) names.push_back(d.name);
    throw InputError(fmt::format("--device {}: no such watchdog in {}/class/watchdog (there: {})", *name,
                                 paths::sysfs_root(),
                                 names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
  }
  return nullptr;
}

constexpr const char* kNoDevice =
    "no hardware watchdog: /sys/class/watchdog has no device (on a Pi: dtparam=watchdog=on in config.txt)";

// What is wrong, each only when its premise was observed; nothing is "ok"
// that was not seen.
void judge(HwdogReport& r) {
  auto add = [&](std::string p) { r.problems.push_back(std::move(p)); };
  if (!r.device) {
    add(kNoDevice);
    return;
  }
  const auto& d = *r.device;
  if (!r.manager) {
    add("cannot ask systemd whether it pets " + d.path + ": " + r.manager_error);
    return;
  }
  const auto& m = *r.manager;
  if (!m.runtime_usec) {
    add("this systemd does not say its RuntimeWatchdogUSec: whether it pets " + d.path + " is unknown");
  } else if (*m.runtime_usec == 0) {
    add("systemd does not pet " + d.path + " (RuntimeWatchdogSec is off): run 'bdctl-watch hwdog enable'");
  } else if (*m.runtime_usec != std::numeric_limits<std::uint64_t>::max()) {
    auto s = *m.runtime_usec / 1000000;
    if (!d.max_timeout_s)
      add(fmt::format("systemd asks {} for {}s, but its maximum is unknown", d.name, s));
    else if (s > std::uint64_t(*d.max_timeout_s))
      add(fmt::format("systemd asks {} for {}s, above its maximum of {}s: the driver refuses it", d.name, s,
                      *d.max_timeout_s));
  }
  if (!d.active)
    add("the kernel does not say whether " + d.name + " is counting (no state in sysfs)");
  else if (!*d.active && m.runtime_usec && *m.runtime_usec != 0)
    add(d.name + " is not counting although systemd is set to pet it: the setting was refused or not applied yet");
  if (m.last_ping_usec && *m.last_ping_usec == 0 && m.runtime_usec && *m.runtime_usec != 0)
    add("systemd has not pinged " + d.name + " yet");
  if (r.dropin.exists && r.dropin.timeout_s && m.runtime_usec &&
      *m.runtime_usec != std::uint64_t(*r.dropin.timeout_s) * 1000000)
    add(
        fmt::format("{} says {}s but systemd runs with another value: it takes effect at the next boot or "
                    "'systemctl daemon-reexec'",
                    hwdog::dropin_path(), *r.dropin.timeout_s));
}

HwdogReport observe(const std::optional<std::string>& device) {
  HwdogReport r;
  r.devices = hwdog::devices();
  try {
    systemd::Manager m;
    r.manager = m.watchdog();
  } catch (const std::exception& e) {
    r.manager_error = e.what();
  }
  r.dropin = hwdog::read_dropin();
  if (const auto* d = pick(r, device)) r.device = *d;
  return r;
}

void change(HwdogReport& r, const HwdogFlags& f) {
  if (!r.device) throw SystemError(std::string(kNoDevice) + "; nothing was written");
  AuditLog audit(kWatchAudit, "bdctl-watch", {"bdctl-watch", "hwdog", f.action});
  if (f.action == "enable") {
    int s = f.timeout ? int(cli::duration_option("--timeout", *f.timeout).count() / 1000)
                      : hwdog::default_timeout(*r.device);
    r.changed = hwdog::enable(*r.device, s);
    audit.log({{"event", "hwdog-enable"}, {"device", r.device->path}, {"timeout_s", s}, {"changed", r.changed}});
  } else {
    r.changed = hwdog::disable();
    audit.log({{"event", "hwdog-disable"}, {"changed", r.changed}});
  }
  r.dropin = hwdog::read_dropin();
}
}  // namespace

cli::Runner setup_hwdog(CLI::App& sub) {
  auto f = std::make_shared<HwdogFlags>();
  sub.add_option("action", f->action, "show (the default), enable (write the drop-in), disable (remove it)")
      ->check(CLI::Validator(
          [](const std::string& v) {
            return v == "show" || v == "enable" || v == "disable" ? ""
                                                                  : "'" + v + "': expected show, enable or disable";
          },
          ""))
      ->type_name("show|enable|disable");
  sub.add_option("--timeout", f->timeout,
                 "enable: RuntimeWatchdogSec, at most the device's maximum (default: the maximum, at most 60s)")
      ->type_name("DURATION");
  sub.add_option("--device", f->device, "The watchdog to use (watchdog0 or /dev/watchdog0; default: systemd's)")
      ->type_name("NAME");
  return [f] {
    if (f->timeout && f->action != "enable") throw InputError("--timeout: only with 'enable'");
    auto r = observe(f->device);
    r.action = f->action;
    if (f->action != "show") change(r, *f);
    judge(r);
    return hwdog_outcome(r);
  };
}

}  // namespace bdctl::watch_tool
