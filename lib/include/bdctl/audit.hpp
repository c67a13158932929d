// The audit trail: one JSON line per event appended (O_APPEND, fsync) to a
// log in paths::log_dir() and sent to syslog (authpriv: who changed what is
// security-relevant). Each line gets ts, host, uid, sudo_user, ssh_client,
// request_id and argv before the event's own keys.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace bdctl {

long long unix_ms_now();                    // wall clock, ms since the epoch
std::string iso8601_ms(long long unix_ms);  // "2026-12-02T22:15:00.123Z"

class AuditLog {
 public:
  // file: a name in log_dir() ("relay-audit.log"); ident: syslog's ("bdctl-relay").
  AuditLog(std::string file, std::string ident, std::vector<std::string> argv);
  // SystemError naming the log when the line cannot be written whole.
  void log(nlohmann::ordered_json event);
  // Several steps in one write and one fsync (each its own line and syslog
  // message): what one run did at once costs the SD card one flush.
  void log_all(const std::vector<nlohmann::ordered_json>& events);
  std::string path() const;

 private:
  std::string line(const nlohmann::ordered_json& event) const;
  std::string file_, ident_;
  std::vector<std::string> argv_;
  std::string request_id_;
};

}  // namespace bdctl
