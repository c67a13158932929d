// The audit trail (bdctl/audit.hpp).
#include <fcntl.h>
#include <fmt/format.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <random>

#include "bdctl/audit.hpp"
#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/handles.hpp"
#include "bdctl/paths.hpp"

namespace bdctl {

std::string iso8601_ms(long long ms) {
  time_t secs = time_t(ms / 1000);
  tm t{};
  gmtime_r(&secs, &t);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                     t.tm_min, t.tm_sec, ms % 1000);
}

long long unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string AuditLog::path() const { return paths::log_dir() + "/" + file_; }

namespace {
std::string new_request_id() {
  std::random_device rd;
  return fmt::format("{:08x}", rd());
}
}  // namespace

AuditLog::AuditLog(std::string file, std::string ident, std::vector<std::string> argv)
    : file_(std::move(file)), ident_(std::move(ident)), argv_(std::move(argv)), request_id_(new_request_id()) {}

void AuditLog::log(nlohmann::ordered_json event) { log_all({std::move(event)}); }

std::string AuditLog::line(const nlohmann::ordered_json& event) const {
  nlohmann::ordered_json line;
  line["ts"] = iso8601_ms(unix_ms_now());
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  line["host"] = host;
  line["uid"] = ::getuid();
  auto env = [](const char* v) -> nlohmann::ordered_json {
    const char* s = std::getenv(v);
    return s ? nlohmann::ordered_json(s) : nlohmann::ordered_json(nullptr);
  };
  line["sudo_user"] = env("SUDO_USER");
  line["ssh_client"] = env("SSH_CLIENT");
  line["request_id"] = request_id_;
  line["argv"] = argv_;
  for (const auto& [k, v] : event.items()) line[k] = v;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AuditLog::log_all(const std::vector<nlohmann::ordered_json>& events) {
  std::string s;
  std::vector<std::string> lines;
  for (const auto& e : events) {
    lines.push_back(line(e));
    s += lines.back() + "\n";
  }

  make_dirs(paths::log_dir(), 0750);
  std::string p = path();
  // O_NOFOLLOW: a link planted in the log directory must not be appended through.
  Fd fd(::open(p.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640));
  if (!fd.valid()) throw SystemError("audit log " + p, errno);
  // One write() for the lines: O_APPEND keeps concurrent lines whole.
  ssize_t w = ::write(fd.get(), s.data(), s.size());
  // A short write sets no errno: the stale one (EEXIST from mkdir) once read "File exists".
  int err = w < 0 ? errno : ENOSPC;
  if (w != ssize_t(s.size())) throw SystemError("audit log " + p, err);
  if (::fsync(fd.get()) != 0) throw SystemError("audit log " + p, errno);

  ::openlog(ident_.c_str(), LOG_PID, LOG_AUTHPRIV);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    bool bad = e.contains("result") && e["result"] != "ok" && e["result"] != "intent";
    ::syslog(bad ? LOG_WARNING : LOG_NOTICE, "%s", lines[i].c_str());
  }
}

}  // namespace bdctl
