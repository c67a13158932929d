// Safe changes from afar: what bdctl owns is recorded before a change, the
// change is applied, and unless it is confirmed before its deadline the record
// is put back exactly (Juniper's commit confirmed, netplan try). The library
// records, persists and restores; a tool arms the process that waits for the
// deadline (tools/common/safe_change.cpp).
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bdctl/bridge.hpp"
#include "bdctl/nft.hpp"
#include "bdctl/rtnl.hpp"

namespace bdctl {
class AuditLog;
}

namespace bdctl::change {

using Millis = std::chrono::milliseconds;
inline constexpr Millis kDefaultConfirm{120'000};  // netplan try's 120 s

// What bdctl owns, and so what a rollback puts back: tables inet bdctl and
// bridge bdctl, the forwarding sysctls, its state files and its sysctl.d
// drop-in, and for a bridge change the bridge's interfaces' layout.
struct Owned {
  std::vector<std::string> sysctls;
  std::vector<std::string> files;
  std::optional<bridge::Names> layout = std::nullopt;  // a bridge change's interfaces
};
Owned owned();

struct FileImage {
  bool exists = false;
  std::string content;
  unsigned mode = 0;
  bool operator==(const FileImage&) const = default;
};

struct Snapshot {
  nft::TableImage table;
  nft::TableImage bridge_table;                               // bridge bdctl
  std::optional<bridge::Layout> layout;                       // the bridge's interfaces, when the change names them
  std::map<std::string, std::optional<std::string>> sysctls;  // key -> runtime value (nullopt: absent)
  std::map<std::string, FileImage> files;                     // path -> what it held
  bool operator==(const Snapshot&) const = default;
};

Snapshot take(const Owned& what);

// Everything that differs between the system now and the snapshot, one line
// each ("table inet bdctl", "net.ipv4.ip_forward 1 (was 0)", "FILE"); empty
// when the system is exactly the snapshot.
std::vector<std::string> differences(const Snapshot& s);

// Who started a change (the audit trail's fields).
struct Who {
  unsigned uid = 0;
  std::string sudo_user;   // empty when not set
  std::string ssh_client;  // "203.0.113.5 50022 22", empty when not over SSH
};
Who who_now();

struct Pending {
  std::string id;       // "20261202T221500Z-4242"
  std::string command;  // "bdctl-route up --lan eth0": what a re-run with --confirm extends
  Who who;
  std::int64_t started_ms = 0;   // unix ms (wall clock: it must mean the same after a reboot)
  std::int64_t deadline_ms = 0;  // rolls back at this instant unless confirmed
  int holder_pid = 0;            // the process armed to roll back (0: none yet)
  std::string holder_unit;       // its systemd unit ("": a process of bdctl's own)
  Snapshot before;
  // A rollback that could not complete: what is left, one line each. While
  // this is non-empty the change stays recorded and every change is refused.
  std::vector<std::string> rollback_left;
  bool expired(std::int64_t now_ms) const { return now_ms >= deadline_ms; }
};

std::string pending_path();  // state_dir()/pending.json
std::optional<Pending> load_pending();
void save_pending(const Pending& p);  // atomic replace, mode 0600
void clear_pending();

// The lock every step of a safe change holds (apply, extend, confirm,
// rollback), so rollbacks never interleave with each other or with changes.
inline constexpr const char* kChangeLock = "change.lock";
inline constexpr std::chrono::milliseconds kChangeLockWait{10000};

struct RollbackResult {
  std::vector<std::string> restored;  // what was put back
  std::vector<std::string> left;      // what could not be (empty: complete)
  bool complete() const { return left.empty(); }
};

// Puts the snapshot back: the nftables table in one transaction, then the
// sysctls, then the files. Every step is tried; what failed is named in left.
RollbackResult restore(const Snapshot& s);

// The audit trail of safe changes: <log_dir>/change-audit.log and syslog.
inline constexpr const char* kAuditFile = "change-audit.log";

// An audit line for a step of p: {"event", "change", "command", "deadline"}.
nlohmann::ordered_json step(const std::string& event, const Pending& p);

// restore(p.before), then the pending record is removed (complete) or kept
// with what is left; one audit line either way. The caller holds kChangeLock.
// cause: "deadline", "operator", "verify failed: TARGET", "boot", "apply failed".
RollbackResult roll_back(Pending& p, const std::string& cause, AuditLog& audit);

// The holder's name (/proc/PID/comm, at most 15 bytes): the binary the unit
// runs, and the name bdctl's own holder process takes.
inline constexpr const char* kHolderName = "bdctl-rollback";
// pid is a holder still armed: named kHolderName (a reused pid is not) and
// neither a zombie nor dead (a killed holder not yet reaped is not armed).
bool holder_running(int pid);

// The way an SSH session reaches the Pi: SSH_CONNECTION's server address and
// the interface that holds it ("" when none does, or the value is malformed).
// nullopt when not over SSH (a console, cron, or sudo without env_keep).
struct SessionPath {
  std::string address;
  std::string interface;
};
std::optional<SessionPath> session_path(const char* ssh_connection, const std::vector<Address>& addresses,
                                        const std::vector<Link>& links);

// "14:02:10" in local time (the Pi's clock, as the operator's prompt shows it).
std::string clock_text(std::int64_t unix_ms);
// "1m59s": the time left, rounded down to seconds.
std::string left_text(std::int64_t ms);

}  // namespace bdctl::change
