// The one owner of a file descriptor in bdctl: move-only, closes what it
// holds. Four hand-written owners (two of them copyable, so a copy closed
// the descriptor twice) were folded into this one.
#pragma once
#include <unistd.h>

#include <utility>

namespace bdctl {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int owned) : fd(owned) {}
  Fd(Fd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) reset(std::exchange(o.fd, -1));
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd; }
  bool valid() const { return fd >= 0; }
  void reset(int f = -1) {
    if (fd >= 0) ::close(fd);
    fd = f;
  }
  int release() { return std::exchange(fd, -1); }

  // Read it, never assign it: the owned descriptor (-1 for none). Public for
  // the poll loops and ioctls that take it by name.
  int fd = -1;
};

}  // namespace bdctl
