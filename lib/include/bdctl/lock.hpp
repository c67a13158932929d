// An exclusive flock held for the lifetime of the object, so two bdctl
// processes never interleave changes to the same thing.
#pragma once
#include <chrono>
#include <string>
#include "bdctl/fd.hpp"

namespace bdctl {

class FileLock {
 public:
  // Creates the lock file (and its directory) if needed; waits up to timeout
  // for the lock, then throws SystemError naming the path.
  FileLock(const std::string& path, std::chrono::milliseconds timeout);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  Fd fd_;
};

// The lock every tool takes before changing the kernel's ruleset or sysctls.
std::string ruleset_lock_path();

}  // namespace bdctl
