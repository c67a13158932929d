#include "bdctl/lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <thread>
#include <utility>

#include "bdctl/error.hpp"
#include "bdctl/paths.hpp"

namespace bdctl {

namespace {
// Why dir (fstat'ed as st) must not hold bdctl's locks, or "" when it may.
// last: the lock directory itself, where nobody else may add a file.
std::string unsafe(const struct stat& st, bool last) {
  const uid_t me = ::geteuid();
  if (!S_ISDIR(st.st_mode)) return "not a directory";
  if (st.st_uid != 0 && st.st_uid != me) return fmt::format("owned by uid {}", st.st_uid);
  const bool sticky = st.st_mode & S_ISVTX;
  const bool others_write = (st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) && st.st_gid != 0);
  // Above the lock directory a sticky world-writable one (/tmp) cannot lose
  // our entry to another user; the lock directory itself must be ours alone.
  if (others_write && (last || !sticky)) return fmt::format("writable by others (mode {:04o})", st.st_mode & 07777);
  return "";
}

// The longest existing prefix of path, resolved (a root-owned /var/run link
// is fine: what is checked is where it leads), and the missing rest.
std::pair<std::string, std::string> split_existing(const std::string& path) {
  std::string head = path, tail;
  for (;;) {
    char buf[PATH_MAX];
    if (::realpath(head.c_str(), buf)) return {buf, tail};
    if (errno != ENOENT) throw SystemError("lock directory " + path, errno);
    auto slash = head.rfind('/');
    if (slash == std::string::npos || slash == 0) return {"/", head.substr(slash == 0 ? 1 : 0) + tail};
    tail.insert(0, head.substr(slash));
    head.erase(slash);
  }
}
}  // namespace

Fd open_lock_dir() {
  const std::string want = paths::lock_dir();
  if (want.empty() || want[0] != '/') throw SystemError(fmt::format("lock directory '{}' is not absolute", want));
  auto [real, missing] = split_existing(want);
  // Walk down from / without following links, checking every directory and
  // creating what is missing.
  std::string walked = "/";
  Fd dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) throw SystemError("/", errno);
  std::string rest = real.substr(1);
  rest += missing;
  std::size_t pos = 0;
  auto refuse = [&](const std::string& where, const std::string& why) {
    return SystemError(
        fmt::format("lock directory {}: {} is {}: refusing to keep locks there (remove it; bdctl "
                    "creates it owned by root, mode 0700)",
                    want, where, why));
  };
  for (;;) {
    struct stat st {};
    if (::fstat(dir.get(), &st) != 0) throw SystemError(walked, errno);
    bool last = pos >= rest.size();
    if (auto why = unsafe(st, last); !why.empty()) throw refuse(walked, why);
    if (last) break;
    auto slash = rest.find('/', pos);
    std::string name = rest.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    pos = slash == std::string::npos ? rest.size() : slash + 1;
    if (name.empty() || name == ".") continue;
    std::string here = walked;
    if (here.back() != '/') here += '/';
    here += name;
    if (::mkdirat(dir.get(), name.c_str(), 0700) != 0 && errno != EEXIST)
      throw SystemError("lock directory " + here, errno);
    Fd next(::openat(dir.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) {
      if (errno == ENOTDIR || errno == ELOOP) throw refuse(here, "a link or not a directory");
      throw SystemError("lock directory " + here, errno);
    }
    dir = std::move(next);
    walked = std::move(here);
  }
  return dir;
}

std::string lock_path(const std::string& name) { return paths::lock_dir() + "/" + name; }

Fd open_lock_file(const std::string& name) {
  Fd dir = open_lock_dir();
  // O_NONBLOCK: a FIFO planted by root's mistake must not hang the open.
  Fd f(::openat(dir.get(), name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644));
  if (!f.valid()) throw SystemError("lock " + lock_path(name), errno);
  struct stat st {};
  if (::fstat(f.get(), &st) != 0) throw SystemError("lock " + lock_path(name), errno);
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || st.st_nlink != 1)
    throw SystemError(fmt::format("lock {}: not a plain file of this user (remove it)", lock_path(name)));
  return f;
}

bool LockWaiter::sleep_until(std::chrono::steady_clock::time_point t) {
  std::this_thread::sleep_until(t);
  return false;
}

namespace {
LockWaiter* default_waiter = nullptr;
}

LockWaiter* set_default_lock_waiter(LockWaiter* w) { return std::exchange(default_waiter, w); }

FileLock::FileLock(const std::string& name, std::chrono::milliseconds timeout, LockWaiter* waiter) {
  LockWaiter plain;
  LockWaiter& w = waiter ? *waiter : default_waiter ? *default_waiter : plain;
  const std::string p = lock_path(name);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool told = false;
  for (;;) {
    Fd f = open_lock_file(name);
    if (::flock(f.get(), LOCK_EX | LOCK_NB) == 0) {
      // Still the file the name points at? One unlinked (and maybe
      // recreated) while we waited locks nothing: start again.
      struct stat held {
      }, now{};
      if (::fstat(f.get(), &held) == 0 && ::stat(p.c_str(), &now) == 0 && held.st_dev == now.st_dev &&
          held.st_ino == now.st_ino) {
        fd_ = std::move(f);
        if (told) w.acquired();
        return;
      }
      continue;
    }
    int err = errno;  // before anything else can change it
    if (err != EWOULDBLOCK && err != EINTR) throw SystemError("lock " + p, err);
    if (!told) {
      told = true;
      w.busy(p);
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      throw LockBusy(fmt::format("lock {}: held by another bdctl process (timed out waiting)", p), false);
    if (w.sleep_until(std::min(deadline, now + std::chrono::milliseconds(20))))
      throw LockBusy(fmt::format("stopped waiting for {}", p), true);
  }
}

FileLock::~FileLock() = default;  // closing the descriptor releases the flock

std::string ruleset_lock_path() { return lock_path(kRulesetLock); }

bool lock_held(const std::string& name) {
  // Read-only and shared, so that anyone who can read the lock can ask
  // (bdctl-check as a user); no lock file: no run since boot (/run).
  auto path = lock_path(name);
  Fd f(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (f.get() < 0) {
    if (errno == ENOENT) return false;
    throw SystemError(path, errno);
  }
  if (::flock(f.get(), LOCK_SH | LOCK_NB) == 0) return false;
  if (errno == EWOULDBLOCK) return true;
  throw SystemError("flock " + path, errno);
}

}  // namespace bdctl
