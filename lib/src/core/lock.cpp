#include "bdctl/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/paths.hpp"

namespace bdctl {

FileLock::FileLock(const std::string& path, std::chrono::milliseconds timeout) {
  auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) make_dirs(path.substr(0, slash));
  fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd_.valid()) throw SystemError("lock " + path, errno);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    if (err != EWOULDBLOCK && err != EINTR) throw SystemError("lock " + path, err);
    if (std::chrono::steady_clock::now() >= deadline) {
      throw SystemError("lock " + path + ": held by another bdctl process (timed out waiting)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

FileLock::~FileLock() = default;  // closing the descriptor releases the flock

std::string ruleset_lock_path() { return paths::lock_dir() + "/ruleset.lock"; }

}  // namespace bdctl
