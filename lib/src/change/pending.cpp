// The pending change, persisted in <state_dir>/pending.json so that a killed
// holder, the next bdctl run or the boot unit can still roll it back.
#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "bdctl/change.hpp"
#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/paths.hpp"

namespace bdctl::change {

namespace {
using Json = nlohmann::ordered_json;

// Raw netlink attributes and file contents are bytes: hex keeps the JSON valid.
std::string hex(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(const std::string& text, const std::string& where) {
  auto val = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    throw InputError(fmt::format("{}: not hex", where));
  };
  if (text.size() % 2) throw InputError(fmt::format("{}: not hex", where));
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) out += char(val(text[i]) * 16 + val(text[i + 1]));
  return out;
}

Json hex_list(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(hex(s));
  return a;
}

Json image_json(const nft::TableImage& t) {
  return {{"exists", t.exists}, {"chains", hex_list(t.chains)}, {"rules", hex_list(t.rules)}};
}
nft::TableImage image_from(const Json& j, const std::string& where) {
  nft::TableImage t;
  t.exists = j.at("exists").get<bool>();
  for (const auto& c : j.at("chains")) t.chains.push_back(unhex(c.get<std::string>(), where));
  for (const auto& r : j.at("rules")) t.rules.push_back(unhex(r.get<std::string>(), where));
  return t;
}

Json to_json(const Snapshot& s) {
  Json j;
  j["table"] = image_json(s.table);
  j["bridge_table"] = image_json(s.bridge_table);
  if (s.layout) bridge::to_json(j["layout"], *s.layout);
  Json sc = Json::object();
  for (const auto& [k, v] : s.sysctls) sc[k] = v ? Json(*v) : Json(nullptr);
  j["sysctls"] = sc;
  Json files = Json::object();
  for (const auto& [p, f] : s.files)
    files[p] = f.exists ? Json{{"mode", f.mode}, {"content", hex(f.content)}} : Json(nullptr);
  j["files"] = files;
  return j;
}

Snapshot snapshot_from(const Json& j, const std::string& where) {
  Snapshot s;
  s.table = image_from(j.at("table"), where);
  // Records of changes made before bdctl had a bridge table hold none.
  if (j.contains("bridge_table")) s.bridge_table = image_from(j.at("bridge_table"), where);
  if (j.contains("layout")) s.layout = bridge::layout_from(j.at("layout"), where);
  for (const auto& [k, v] : j.at("sysctls").items())
    s.sysctls[k] = v.is_null() ? std::nullopt : std::optional<std::string>(v.get<std::string>());
  for (const auto& [p, f] : j.at("files").items()) {
    FileImage img;
    if (!f.is_null()) {
      img.exists = true;
      img.mode = f.at("mode").get<unsigned>();
      img.content = unhex(f.at("content").get<std::string>(), where);
    }
    s.files[p] = img;
  }
  return s;
}
}  // namespace

std::string pending_path() { return paths::state_dir() + "/pending.json"; }

std::optional<Pending> load_pending() {
  std::string path = pending_path();
  auto text = read_own_file(path);
  if (!text) return std::nullopt;
  try {
    auto j = Json::parse(*text);
    Pending p;
    p.id = j.at("id").get<std::string>();
    p.command = j.at("command").get<std::string>();
    p.who.uid = j.at("uid").get<unsigned>();
    p.who.sudo_user = j.at("sudo_user").get<std::string>();
    p.who.ssh_client = j.at("ssh_client").get<std::string>();
    p.started_ms = j.at("started_ms").get<std::int64_t>();
    p.deadline_ms = j.at("deadline_ms").get<std::int64_t>();
    p.holder_pid = j.at("holder_pid").get<int>();
    p.holder_unit = j.value("holder_unit", "");  // absent in records of bdctl 0.1.0's first safe changes
    p.rollback_left = j.at("rollback_left").get<std::vector<std::string>>();
    p.before = snapshot_from(j.at("before"), path);
    return p;
  } catch (const nlohmann::json::exception& e) {
    // Never guessed around: a change that cannot be read cannot be undone,
    // and the operator must decide (the file says what it was).
    throw SystemError(
        fmt::format("{}: not a pending change bdctl can read ({}); inspect it, then remove it", path, e.what()));
  }
}

void save_pending(const Pending& p) {
  Json j;
  j["id"] = p.id;
  j["command"] = p.command;
  j["uid"] = p.who.uid;
  j["sudo_user"] = p.who.sudo_user;
  j["ssh_client"] = p.who.ssh_client;
  j["started_ms"] = p.started_ms;
  j["deadline_ms"] = p.deadline_ms;
  j["holder_pid"] = p.holder_pid;
  j["holder_unit"] = p.holder_unit;
  j["rollback_left"] = p.rollback_left;
  j["before"] = to_json(p.before);
  make_dirs(paths::state_dir());
  write_file_atomic(pending_path(), j.dump() + "\n", 0600);
}

void clear_pending() { remove_file(pending_path()); }

bool holder_running(int pid) {
  if (pid <= 0) return false;
  auto stat = read_file(fmt::format("/proc/{}/stat", pid));  // "PID (COMM) STATE ..."
  if (!stat) return false;
  auto close = stat->rfind(") ");
  return close != std::string::npos && close + 2 < stat->size() &&
         stat->compare(0, close, fmt::format("{} ({}", pid, kHolderName)) == 0 && (*stat)[close + 2] != 'Z' &&
         (*stat)[close + 2] != 'X';
}

Who who_now() {
  Who w;
  w.uid = ::getuid();
  if (const char* s = std::getenv("SUDO_USER")) w.sudo_user = s;
  if (const char* s = std::getenv("SSH_CLIENT")) w.ssh_client = s;
  return w;
}

std::string clock_text(std::int64_t unix_ms) {
  time_t t = time_t(unix_ms / 1000);
  tm local{};
  localtime_r(&t, &local);
  return fmt::format("{:02}:{:02}:{:02}", local.tm_hour, local.tm_min, local.tm_sec);
}

std::string left_text(std::int64_t ms) {
  if (ms < 0) ms = 0;
  auto s = ms / 1000;
  if (s >= 3600) return fmt::format("{}h{:02}m{:02}s", s / 3600, s / 60 % 60, s % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace bdctl::change
