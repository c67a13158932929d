#include "bdctl/relay_config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sys/stat.h>

#include <algorithm>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/http.hpp"

namespace bdctl::relay {

namespace {
bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 32) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

template <class T>
T need(const std::optional<T>& v, const Config& c, const std::string& key) {
  if (!v) throw InputError(fmt::format("{}: missing", c.where(key)));
  return *v;
}

// A password in its own file lets bdctl.toml be readable by monitoring users;
// the file itself must be private, as ssh insists for its keys.
std::string read_password_file(const Config& c, const std::string& key, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(fmt::format("{}: cannot read '{}'", c.where(key), path));
  if (st.st_mode & (S_IRWXO | S_IWGRP))
    throw InputError(
        fmt::format("{}: '{}' has mode {:04o}: a password file must not be readable or writable by "
                    "others (chmod 600 {})",
                    c.where(key), path, st.st_mode & 07777, path));
  auto text = read_file(path, 4096);
  if (!text) throw InputError(fmt::format("{}: cannot read '{}'", c.where(key), path));
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
  return *text;
}

BoardSpec load_board(const Config& c, const std::string& name) {
  std::string k = "boards." + name + ".";
  BoardSpec b;
  b.name = name;
  b.driver = need(c.get_string(k + "driver"), c, k + "driver");
  const auto& names = driver_names();
  if (std::find(names.begin(), names.end(), b.driver) == names.end())
    throw InputError(
        fmt::format("{}: unknown driver '{}' ({})", c.where(k + "driver"), b.driver, fmt::join(names, ", ")));
  b.url = c.get_string(k + "url").value_or("");
  if (http::url_has_credentials(b.url))
    // The url is shown by list and in errors: never let it carry a password (and never echo it here).
    throw InputError(fmt::format("{}: credentials in the url; put them in user and password (or password_file)",
                                 c.where(k + "url")));
  b.host = c.get_string(k + "host").value_or("");
  b.device = c.get_string(k + "device").value_or("");
  b.user = c.get_string(k + "user").value_or("");
  b.password = c.get_string(k + "password").value_or("");
  if (auto pf = c.get_string(k + "password_file")) {
    if (!b.password.empty())
      throw InputError(fmt::format("{}: give password or password_file, not both", c.where(k + "password_file")));
    b.password = read_password_file(c, k + "password_file", *pf);
  }
  b.chip = c.get_string(k + "chip").value_or("");
  b.lines = c.get_strings(k + "lines");
  b.active_low = c.get_bool(k + "active_low").value_or(false);
  if (auto p = c.get_int(k + "port")) {
    if (*p < 1 || *p > 65535) throw InputError(fmt::format("{}: port out of range 1..65535", c.where(k + "port")));
    b.port = int(*p);
  }
  if (auto n = c.get_int(k + "channels")) {
    if (*n < 1 || *n > 64) throw InputError(fmt::format("{}: channels out of range 1..64", c.where(k + "channels")));
    b.channels = int(*n);
  }
  b.timeout = c.get_duration(k + "timeout").value_or(Millis(3000));
  if (b.timeout < Millis(100) || b.timeout > Millis(60000))
    throw InputError(fmt::format("{}: timeout must be between 100ms and 1m", c.where(k + "timeout")));
  b.spacing = c.get_duration(k + "spacing").value_or(default_spacing(b.driver));
  if (b.spacing > Millis(10000)) throw InputError(fmt::format("{}: spacing longer than 10s", c.where(k + "spacing")));
  if ((b.driver == "kmtronic-http" || b.driver == "rigrunner") && b.url.empty())
    throw InputError(fmt::format("{}: missing (driver {})", c.where(k + "url"), b.driver));
  if (b.driver == "kmtronic-udp" && b.host.empty())
    throw InputError(fmt::format("{}: missing (driver kmtronic-udp)", c.where(k + "host")));
  if (b.driver == "kmtronic-serial" && b.device.empty())
    throw InputError(fmt::format("{}: missing (driver kmtronic-serial)", c.where(k + "device")));
  if (b.driver == "kmtronic-serial" && b.channels != 4 && b.channels != 8)
    throw InputError(fmt::format("{}: kmtronic-serial boards have 4 or 8 channels", c.where(k + "channels")));
  if (b.driver == "gpio" && b.lines.empty())
    throw InputError(fmt::format("{}: missing (driver gpio)", c.where(k + "lines")));
  return b;
}

RelaySpec load_relay(const Config& c, const std::string& name) {
  std::string k = "relays." + name + ".";
  RelaySpec r;
  r.name = name;
  r.board = need(c.get_string(k + "board"), c, k + "board");
  // Range-checked before narrowing: 4294967297 must not become channel 1.
  long long ch = need(c.get_int(k + "channel"), c, k + "channel");
  if (ch < 0 || ch > 255)
    throw InputError(fmt::format("{}: channel {} out of range 0..255", c.where(k + "channel"), ch));
  r.channel = int(ch);
  if (auto w = c.get_string(k + "wiring")) {
    if (*w == "NO" || *w == "no")
      r.wiring = Wiring::NO;
    else if (*w == "NC" || *w == "nc")
      r.wiring = Wiring::NC;
    else
      throw InputError(fmt::format("{}: '{}' is not NO or NC", c.where(k + "wiring"), *w));
  }
  r.momentary = c.get_bool(k + "momentary").value_or(false);
  r.is_protected = c.get_bool(k + "protected").value_or(false);
  r.max_pulse = c.get_duration(k + "max_pulse").value_or(r.momentary ? Millis(10000) : Millis(600000));
  r.pulse = c.get_duration(k + "pulse").value_or(Millis(1000));
  if (r.pulse <= Millis(0) || r.pulse > r.max_pulse)
    throw InputError(fmt::format("{}: pulse must be between 1ms and max_pulse ({})", c.where(k + "pulse"),
                                 format_duration(r.max_pulse)));
  r.cooldown = c.get_duration(k + "cooldown");
  if (auto m = c.get_int(k + "max_per_hour")) {
    if (*m < 1 || *m > 3600) throw InputError(fmt::format("{}: must be 1..3600", c.where(k + "max_per_hour")));
    r.max_per_hour = int(*m);
  }
  if (auto rest = c.get_string(k + "rest")) {
    if (*rest != "on" && *rest != "off")
      throw InputError(fmt::format("{}: '{}' is not on or off", c.where(k + "rest"), *rest));
    r.rest_on = *rest == "on";
  }
  return r;
}
}  // namespace

std::string to_string(Wiring w) { return w == Wiring::NO ? "NO" : "NC"; }

RelayConfig RelayConfig::from(const Config& c) {
  RelayConfig out;
  out.source = c.path();
  for (const auto& n : c.table_keys("boards")) {
    if (!valid_name(n))
      throw InputError(fmt::format("{}: board names use letters, digits, '-' and '_'", c.where("boards." + n)));
    out.boards.emplace(n, load_board(c, n));
  }
  for (const auto& n : c.table_keys("relays")) {
    if (!valid_name(n))
      throw InputError(fmt::format("{}: relay names use letters, digits, '-' and '_'", c.where("relays." + n)));
    RelaySpec r = load_relay(c, n);
    auto b = out.boards.find(r.board);
    if (b == out.boards.end())
      throw InputError(fmt::format("{}: no board '{}' in [boards]", c.where("relays." + n + ".board"), r.board));
    // Range-check the channel against the kind of device, without talking to it.
    const BoardSpec& bs = b->second;
    int lo = bs.driver == "rigrunner" ? 0 : 1;
    int hi = bs.driver == "rigrunner"      ? 4
             : bs.driver == "gpio"         ? int(bs.lines.size())
             : bs.channels > 0             ? bs.channels
             : bs.driver == "kmtronic-udp" ? 8
                                           : 255;
    if (r.channel < lo || r.channel > hi)
      throw InputError(fmt::format("{}: channel {} out of range {}..{} for board {}",
                                   c.where("relays." + n + ".channel"), r.channel, lo, hi, r.board));
    out.relays.emplace(n, std::move(r));
  }
  return out;
}

const RelaySpec& RelayConfig::relay(const std::string& name) const {
  auto it = relays.find(name);
  if (it != relays.end()) return it->second;
  std::vector<std::string> known;
  for (auto& [k, v] : relays) known.push_back(k);
  if (known.empty()) throw InputError(fmt::format("unknown relay '{}': {} configures no relays", name, source));
  throw InputError(fmt::format("unknown relay '{}' (configured: {})", name, fmt::join(known, ", ")));
}

const BoardSpec& RelayConfig::board(const std::string& name) const {
  auto it = boards.find(name);
  if (it == boards.end()) throw InputError(fmt::format("unknown board '{}'", name));
  return it->second;
}

bool RelayConfig::rest_raw(const RelaySpec& r) const {
  if (r.rest_on) return r.raw_for(*r.rest_on);
  // Relays rest de-energised; a DC panel's rails rest enabled (powered).
  return board(r.board).driver == "rigrunner";
}

}  // namespace bdctl::relay
