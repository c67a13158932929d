// The owners of bdctl's handles: file descriptors, directories, and (through
// Owned) every C library's object (mnl sockets, libnftnl objects, curl
// handles). Header-only, so the front command, which links libc alone, uses
// it too. No raw owning handle lives anywhere else.
#pragma once
#include <dirent.h>
#include <unistd.h>

#include <memory>
#include <utility>

namespace bdctl {

// A C object freed by Free: Owned<mnl_socket, mnl_socket_close>.
template <auto Free>
struct Freer {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
template <class T, auto Free>
using Owned = std::unique_ptr<T, Freer<Free>>;

using Dir = Owned<DIR, ::closedir>;

// The one owner of a file descriptor: move-only, closes what it holds. Four
// hand-written owners (two of them copyable, so a copy closed the
// descriptor twice) were folded into this one.
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
