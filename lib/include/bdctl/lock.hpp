// Locks that no other user can plant, steal or unlink: every lock file lives
// in one directory (paths::lock_dir(), /run/bdctl/lock) that bdctl creates
// with mode 0700 and verifies before each use; the files are opened without
// following links, never truncated, and re-checked after the flock so a
// file unlinked from under a waiter is not mistaken for the lock.
#pragma once
#include <chrono>
#include <string>

#include "bdctl/error.hpp"
#include "bdctl/handles.hpp"

namespace bdctl {

// The lock directory, created (0700) if missing. SystemError naming the
// directory and what is wrong when it, or a directory above it, is owned by
// another user or writable by others (a sticky /tmp above it is fine), or is
// not a directory.
Fd open_lock_dir();

// A regular file NAME in the lock directory, created 0644 when missing; never
// a link, never another user's file. The path for messages is lock_path(name).
Fd open_lock_file(const std::string& name);
std::string lock_path(const std::string& name);

// How a FileLock waits for a lock another process holds.
class LockWaiter {
 public:
  virtual ~LockWaiter() = default;
  virtual void busy(const std::string& /*path*/) {}  // once, when the lock is first found held
  virtual void acquired() {}                         // after busy(), when the lock is taken
  // Sleep until t; true to stop waiting (interrupted).
  virtual bool sleep_until(std::chrono::steady_clock::time_point t);
};

// The waiter a FileLock uses when given none (nullptr: wait silently). A
// tool's main installs one that tells a terminal why the run waits; the
// library itself never prints. Returns the previous one.
LockWaiter* set_default_lock_waiter(LockWaiter* w);

// Thrown when the wait ends without the lock: timed out, or the waiter stopped it.
struct LockBusy : SystemError {
  LockBusy(const std::string& what, bool stopped) : SystemError(what), interrupted(stopped) {}
  bool interrupted;
};

// An exclusive flock on lock file NAME, held for the object's lifetime; the
// kernel drops it when the process dies, so there is no stale lock.
class FileLock {
 public:
  // Waits up to timeout (0: try once). LockBusy when still held; SystemError
  // for an unsafe lock directory or file.
  FileLock(const std::string& name, std::chrono::milliseconds timeout, LockWaiter* waiter = nullptr);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  int fd() const { return fd_.get(); }

 private:
  Fd fd_;
};

// Whether another process holds lock NAME (a daemon's run lock), asked
// read-only and shared, so a user who can read the file may ask; no file: no.
bool lock_held(const std::string& name);
// lock_held takes that shared flock for a moment: a daemon taking its run
// lock waits this long, so a status probe never makes it think another runs.
inline constexpr std::chrono::milliseconds kRunLockWait{1000};

// The lock every tool takes before changing the kernel's ruleset or sysctls.
inline constexpr const char* kRulesetLock = "ruleset.lock";
// How long a change waits for another tool's change to finish.
inline constexpr std::chrono::milliseconds kRulesetLockWait{10000};
std::string ruleset_lock_path();

}  // namespace bdctl
