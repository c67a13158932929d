#include "bdctl/fileio.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <utility>

#include "bdctl/error.hpp"
#include "bdctl/fd.hpp"

namespace bdctl {

std::optional<std::string> read_file(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw SystemError(path, errno);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError(path, errno);
    }
    if (n == 0) break;
    out.append(buf, std::size_t(n));
  }
  return out;
}

StagedFile::StagedFile(std::string path, const std::string& content, mode_t mode)
    : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())) {
  Fd f{::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)};
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
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
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
