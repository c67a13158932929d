// systemd's manager through sd-bus, with libsystemd loaded on first use: a
// tool that never arms a holder never maps it (and its compression and
// crypto libraries) at start-up, as with libcurl (core/curl_lazy.cpp). Only
// sd-bus's non-variadic calls are used, so plain function pointers suffice
// and no libsystemd headers are needed to build.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "../core/dl.hpp"
#include "bdctl/error.hpp"
#include "bdctl/systemd.hpp"

namespace bdctl::systemd {
namespace sdbus {
// sd-bus's public ABI (sd-bus.h): opaque handles and the error struct.
struct sd_bus;
struct sd_bus_message;
struct sd_bus_error {
  const char* name;
  const char* message;
  int need_free;
};
}  // namespace sdbus

namespace {
using sdbus::sd_bus;
using sdbus::sd_bus_error;
using sdbus::sd_bus_message;

struct Api {
  int (*open_system)(sd_bus**);
  sd_bus* (*flush_close_unref)(sd_bus*);
  int (*new_method_call)(sd_bus*, sd_bus_message**, const char*, const char*, const char*, const char*);
  int (*append_basic)(sd_bus_message*, char, const void*);
  int (*open_container)(sd_bus_message*, char, const char*);
  int (*close_container)(sd_bus_message*);
  int (*call)(sd_bus*, sd_bus_message*, std::uint64_t, sd_bus_error*, sd_bus_message**);
  int (*read_basic)(sd_bus_message*, char, void*);
  int (*get_property_trivial)(sd_bus*, const char*, const char*, const char*, const char*, sd_bus_error*, char, void*);
  int (*get_property_string)(sd_bus*, const char*, const char*, const char*, const char*, sd_bus_error*, char**);
  void (*error_free)(sd_bus_error*);
  sd_bus_message* (*message_unref)(sd_bus_message*);
  int (*notify)(int, const char*);
};

const Api& api() {
  static Api a;
  static std::once_flag once;
  std::call_once(once, [] {
    void* h = dl::open("libsystemd.so.0", "libsystemd0");
    auto sym = [h](auto& fn, const char* name) { dl::bind(h, "libsystemd.so.0", fn, name); };
    sym(a.open_system, "sd_bus_open_system");
    sym(a.flush_close_unref, "sd_bus_flush_close_unref");
    sym(a.new_method_call, "sd_bus_message_new_method_call");
    sym(a.append_basic, "sd_bus_message_append_basic");
    sym(a.open_container, "sd_bus_message_open_container");
    sym(a.close_container, "sd_bus_message_close_container");
    sym(a.call, "sd_bus_call");
    sym(a.read_basic, "sd_bus_message_read_basic");
    sym(a.get_property_trivial, "sd_bus_get_property_trivial");
    sym(a.get_property_string, "sd_bus_get_property_string");
    sym(a.error_free, "sd_bus_error_free");
    sym(a.message_unref, "sd_bus_message_unref");
    sym(a.notify, "sd_notify");
  });
  return a;
}

constexpr const char* kDest = "org.freedesktop.systemd1";
constexpr const char* kPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr std::uint64_t kCallTimeoutUs = 5'000'000;

struct BusError {
  sd_bus_error e{nullptr, nullptr, 0};
  ~BusError() { api().error_free(&e); }
  bool is(const char* name) const { return e.name && std::strcmp(e.name, name) == 0; }
  std::string text(const std::string& what, int r) const {
    if (e.name) return fmt::format("{}: {}: {}", what, e.name, e.message ? e.message : "");
    return fmt::format("{}: {}", what, std::strerror(-r));
  }
};

// A method call being built; every append is checked.
class Call {
 public:
  Call(sd_bus* bus, const char* member) : Call(bus, kDest, kPath, kManager, member) {}
  Call(sd_bus* bus, const char* dest, const char* path, const char* iface, const char* member)
      : bus_(bus), member_(member) {
    must(api().new_method_call(bus, &m_, dest, path, iface, member));
  }
  ~Call() { api().message_unref(m_); }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
  Call& str(char type, const std::string& s) {
    must(api().append_basic(m_, type, s.c_str()));
    return *this;
  }
  Call& boolean(bool b) {
    int v = b;
    must(api().append_basic(m_, 'b', &v));
    return *this;
  }
  Call& open(char type, const char* contents) {
    must(api().open_container(m_, type, contents));
    return *this;
  }
  Call& close() {
    must(api().close_container(m_));
    return *this;
  }
  Call& property(const char* name, const std::string& value) {
    return open('r', "sv").str('s', name).open('v', "s").str('s', value).close().close();
  }
  // Sends it; the reply's first value, an object path. SystemError with the
  // manager's error name; *err (when given) keeps it for the caller to test.
  std::string object_path(BusError* err = nullptr) {
    const char* path = nullptr;
    sd_bus_message* reply = send(err, 'o', &path);
    std::string out = path ? path : "";
    api().message_unref(reply);
    return out;
  }
  // Sends it; a reply with no value (logind's Reboot).
  void no_value() {
    BusError e;
    sd_bus_message* reply = nullptr;
    int r = api().call(bus_, m_, kCallTimeoutUs, &e.e, &reply);
    if (r < 0) throw bdctl::SystemError(e.text(fmt::format("systemd {}", member_), r));
    api().message_unref(reply);
  }
  std::uint32_t uint32() {
    std::uint32_t v = 0;
    api().message_unref(send(nullptr, 'u', &v));
    return v;
  }

 private:
  // The reply, its first value read as type into out; SystemError naming the
  // member and the error the bus or the manager answered.
  sd_bus_message* send(BusError* err, char type, void* out) {
    BusError own;
    BusError& e = err ? *err : own;
    sd_bus_message* reply = nullptr;
    int r = api().call(bus_, m_, kCallTimeoutUs, &e.e, &reply);
    if (r < 0) throw bdctl::SystemError(e.text(fmt::format("systemd {}", member_), r));
    if (api().read_basic(reply, type, out) <= 0) {
      api().message_unref(reply);
      throw bdctl::SystemError(fmt::format("systemd {}: the reply is not of type {}", member_, type));
    }
    return reply;
  }
  void must(int r) const {
    if (r < 0) throw bdctl::SystemError(fmt::format("D-Bus message for systemd {}", member_), -r);
  }
  sd_bus* bus_;
  const char* member_;
  sd_bus_message* m_ = nullptr;
};
}  // namespace

// What sd_booted() tests, without loading libsystemd to ask.
bool available() { return ::access("/run/systemd/system/", F_OK) == 0 || std::getenv("DBUS_SYSTEM_BUS_ADDRESS"); }

struct Manager::Impl {
  sd_bus* bus = nullptr;
  ~Impl() {
    if (bus) api().flush_close_unref(bus);
  }
  // GetUnit(name): its object path, nullopt when it is not loaded.
  std::optional<std::string> unit_path(const std::string& unit) {
    BusError err;
    try {
      return Call(bus, "GetUnit").str('s', unit).object_path(&err);
    } catch (const SystemError&) {
      if (err.is("org.freedesktop.systemd1.NoSuchUnit")) return std::nullopt;
      throw;
    }
  }
};

Manager::Manager() : impl_(std::make_unique<Impl>()) {
  int r = api().open_system(&impl_->bus);
  if (r < 0) {
    const char* addr = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
    throw SystemError(fmt::format("the system bus ({})", addr ? addr : "unix:path=/run/dbus/system_bus_socket"), -r);
  }
}

Manager::~Manager() = default;

bool Manager::shares_network_namespace() {
  auto pid = Call(impl_->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "GetConnectionUnixProcessID")
                 .str('s', kDest)
                 .uint32();
  struct stat mine {
  }, its{};
  if (::stat("/proc/self/ns/net", &mine) != 0) throw SystemError("/proc/self/ns/net", errno);
  std::string path = fmt::format("/proc/{}/ns/net", pid);
  if (::stat(path.c_str(), &its) != 0) return false;  // not in our pid namespace either
  return mine.st_dev == its.st_dev && mine.st_ino == its.st_ino;
}

int Manager::start_service(const std::string& unit, const std::string& description,
                           const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  Call c(impl_->bus, "StartTransientUnit");
  c.str('s', unit).str('s', "fail").open('a', "(sv)");
  c.property("Description", description).property("Type", "exec").property("CollectMode", "inactive-or-failed");
  c.open('r', "sv").str('s', "Environment").open('v', "as").open('a', "s");
  for (const auto& e : env) c.str('s', e);
  c.close().close().close();
  c.open('r', "sv").str('s', "ExecStart").open('v', "a(sasb)").open('a', "(sasb)").open('r', "sasb");
  c.str('s', argv.at(0)).open('a', "s");
  for (const auto& a : argv) c.str('s', a);
  c.close().boolean(false).close().close().close().close();
  c.close();                        // the properties
  c.open('a', "(sa(sv))").close();  // no auxiliary units
  c.object_path();                  // the job

  // The job runs after the reply; with Type=exec, MainPID is set once it exec'd.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  std::optional<std::string> path;  // asked for until the unit is loaded; it does not move
  while (std::chrono::steady_clock::now() < until) {
    if (!path) path = impl_->unit_path(unit);
    if (path) {
      BusError err;
      std::uint32_t pid = 0;
      int r = api().get_property_trivial(impl_->bus, kDest, path->c_str(), "org.freedesktop.systemd1.Service",
                                         "MainPID", &err.e, 'u', &pid);
      if (r < 0) throw SystemError(err.text("systemd MainPID of " + unit, r));
      if (pid != 0) return int(pid);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  throw SystemError(fmt::format("systemd started {} but it did not run within 2 s", unit));
}

bool Manager::stop(const std::string& unit) {
  BusError err;
  try {
    Call(impl_->bus, "StopUnit").str('s', unit).str('s', "replace").object_path(&err);
    return true;
  } catch (const SystemError&) {
    if (err.is("org.freedesktop.systemd1.NoSuchUnit")) return false;
    throw;
  }
}

std::string Manager::restart(const std::string& unit) {
  return Call(impl_->bus, "RestartUnit").str('s', unit).str('s', "replace").object_path();
}

void Manager::reboot() {
  // interactive=false: no polkit prompt; root is allowed, and a service has no one to ask.
  Call(impl_->bus, "org.freedesktop.login1", "/org/freedesktop/login1", "org.freedesktop.login1.Manager", "Reboot")
      .boolean(false)
      .no_value();
}

namespace {
// A manager property; nullopt when this systemd has no such property (older
// than the one that added it), SystemError for any other failure.
std::optional<std::uint64_t> u64_property(sd_bus* bus, const char* name) {
  BusError err;
  std::uint64_t v = 0;
  int r = api().get_property_trivial(bus, kDest, kPath, kManager, name, &err.e, 't', &v);
  if (r >= 0) return v;
  if (err.is("org.freedesktop.DBus.Error.UnknownProperty") || err.is("org.freedesktop.DBus.Error.InvalidArgs"))
    return std::nullopt;
  throw SystemError(err.text(std::string("systemd ") + name, r));
}
}  // namespace

ManagerWatchdog Manager::watchdog() {
  ManagerWatchdog w;
  w.runtime_usec = u64_property(impl_->bus, "RuntimeWatchdogUSec");
  w.last_ping_usec = u64_property(impl_->bus, "WatchdogLastPingTimestamp");
  BusError err;
  char* dev = nullptr;
  int r = api().get_property_string(impl_->bus, kDest, kPath, kManager, "WatchdogDevice", &err.e, &dev);
  if (r >= 0) {
    w.device = dev ? dev : "";
    std::free(dev);  // NOLINT(cppcoreguidelines-no-malloc): sd-bus hands over a malloc'd string
  } else if (!err.is("org.freedesktop.DBus.Error.UnknownProperty") &&
             !err.is("org.freedesktop.DBus.Error.InvalidArgs")) {
    throw SystemError(err.text("systemd WatchdogDevice", r));
  }
  return w;
}

std::optional<std::chrono::microseconds> watchdog_period() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (!usec) return std::nullopt;
  char* end = nullptr;
  unsigned long long v = std::strtoull(usec, &end, 10);
  if (end == usec || *end || v == 0) return std::nullopt;
  return std::chrono::microseconds(v / 2);
}

bool notify(const std::string& state) {
  // Without NOTIFY_SOCKET (not run by systemd) there is no one to tell, and
  // libsystemd need not be loaded for it.
  if (!std::getenv("NOTIFY_SOCKET")) return false;
  int r = api().notify(0, state.c_str());
  if (r < 0) throw SystemError("sd_notify " + state.substr(0, state.find('=')), -r);
  return r > 0;
}

}  // namespace bdctl::systemd
