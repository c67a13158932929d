#include "bdctl/fileio.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string_view>
#include <utility>

#include "bdctl/error.hpp"
#include "bdctl/handles.hpp"

namespace bdctl {

std::string size_text(std::size_t n) {
  if (n >= (std::size_t(1) << 20) && n % (std::size_t(1) << 20) == 0) return fmt::format("{} MiB", n >> 20);
  if (n >= 1024 && n % 1024 == 0) return fmt::format("{} KiB", n >> 10);
  return fmt::format("{} bytes", n);
}

namespace {
std::optional<std::string> read_with(const std::string& path, std::size_t limit, struct stat* info, int flags) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags)};
  if (f.fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    if (errno == ELOOP && (flags & O_NOFOLLOW))
      throw SystemError::with_code(fmt::format("{}: a symbolic link, not a file bdctl wrote (remove it)", path), ELOOP);
    throw SystemError(path, errno);
  }
  if (info && ::fstat(f.fd, info) != 0) throw SystemError(path, errno);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError(path, errno);
    }
    if (n == 0) break;
    if (out.size() + std::size_t(n) > limit)
      throw SystemError::with_code(fmt::format("{}: longer than {}", path, size_text(limit)), EFBIG);
    out.append(buf, std::size_t(n));
  }
  return out;
}
}  // namespace

std::optional<std::string> read_file(const std::string& path, std::size_t limit, struct stat* info) {
  return read_with(path, limit, info, 0);
}

std::optional<std::string> read_own_file(const std::string& path, std::size_t limit, struct stat* info) {
  return read_with(path, limit, info, O_NOFOLLOW);
}

namespace {
std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}
std::string base_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Temporaries of path that a killed run left: "<base>.tmp.<pid>[.<random>]"
// whose pid no longer runs. Removed by the next write of the same file.
void remove_stale_temporaries(const std::string& path) {
  const std::string prefix = base_of(path) + ".tmp.";
  DIR* d = ::opendir(dir_of(path).c_str());
  if (!d) return;
  std::unique_ptr<DIR, int (*)(DIR*)> guard(d, ::closedir);
  while (dirent* e = ::readdir(d)) {
    std::string_view name(e->d_name);
    if (name.substr(0, prefix.size()) != prefix) continue;
    std::string_view rest = name.substr(prefix.size());
    long pid = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    if (ec != std::errc() || pid <= 0 || (end != rest.data() + rest.size() && *end != '.')) continue;
    if (pid == ::getpid() || ::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;
    ::unlinkat(::dirfd(d), e->d_name, 0);
  }
}

// "<path>.tmp.<pid>.<random>": unpredictable, so nobody can plant it first
// in a directory others can write (and O_EXCL|O_NOFOLLOW refuse one anyway).
std::string temp_name(const std::string& path) {
  unsigned char r[6];
  if (::getrandom(r, sizeof r, 0) != ssize_t(sizeof r)) {
    std::random_device rd;  // getrandom missing (old kernel, seccomp): the same source another way
    for (auto& b : r) b = static_cast<unsigned char>(rd());
  }
  static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string suffix;
  for (auto b : r) suffix += digits[b % 36];
  return path + ".tmp." + std::to_string(::getpid()) + "." + suffix;
}
}  // namespace

StagedFile::StagedFile(std::string path, const std::string& content, mode_t mode) : path_(std::move(path)) {
  remove_stale_temporaries(path_);
  Fd f;
  for (int attempt = 0; attempt < 8 && !f.valid(); ++attempt) {
    tmp_ = temp_name(path_);
    f.reset(::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!f.valid() && errno != EEXIST) break;
  }
  if (f.fd < 0) throw SystemError(tmp_, errno);
  auto fail = [&](int err) {
    ::unlink(tmp_.c_str());
    return SystemError(path_, err);
  };
  if (::fchmod(f.fd, mode) != 0) throw fail(errno);
  std::size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(f.fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw fail(errno);
    }
    off += std::size_t(n);
  }
  // Start the writeback now (allocating its blocks), so that the first fsync
  // of several staged files commits them all. Not every filesystem has it.
  if (::sync_file_range(f.fd, 0, 0, SYNC_FILE_RANGE_WRITE) != 0 && errno != ESPIPE && errno != EINVAL &&
      errno != ENOSYS)
    throw fail(errno);
  fd_ = std::move(f);
}

StagedFile::StagedFile(StagedFile&& o) noexcept
    : path_(std::move(o.path_)),
      tmp_(std::move(o.tmp_)),
      fd_(std::move(o.fd_)),
      pending_(std::exchange(o.pending_, false)) {}

StagedFile::~StagedFile() {
  fd_.reset();
  if (pending_) ::unlink(tmp_.c_str());
}

void StagedFile::commit() {
  if (!pending_) return;
  auto fail = [&](int err) {
    pending_ = false;
    ::unlink(tmp_.c_str());
    return SystemError(path_, err);
  };
  // Closed by hand from here: close() can report a delayed write error.
  int fd = fd_.release();
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    throw fail(err);
  }
  // close() can report a delayed write error (NFS); the data is not safe then.
  if (::close(fd) != 0) throw fail(errno);
  pending_ = false;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp_.c_str());
    throw SystemError(path_, err);
  }
}

void write_file_atomic(const std::string& path, const std::string& content, mode_t mode) {
  StagedFile(path, content, mode).commit();
}

void check_dir_writable(const std::string& path) {
  std::string dir = dir_of(path);
  // access() reports EROFS for a read-only mount even to root.
  if (::access(dir.c_str(), W_OK) != 0) throw SystemError(path, errno);
}

bool remove_file(const std::string& path) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  throw SystemError(path, errno);
}

void make_dirs(const std::string& path, mode_t mode) {
  for (std::size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string part = path.substr(0, pos);
    if (::mkdir(part.c_str(), mode) != 0 && errno != EEXIST) throw SystemError(part, errno);
  }
}

}  // namespace bdctl
