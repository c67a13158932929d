// Errors the library throws. The library never prints or exits: a tool's main
// catches these and picks the exit code from the kind.
#pragma once
#include <stdexcept>
#include <string>

namespace bdctl {

enum class ErrorKind {
  input,   // the caller gave a bad value: nothing was changed (exit 2)
  system,  // the kernel, a file or a device failed (exit 1)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& msg) : std::runtime_error(msg), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

struct InputError : Error {
  explicit InputError(const std::string& msg) : Error(ErrorKind::input, msg) {}
};

struct SystemError : Error {
  explicit SystemError(const std::string& msg) : Error(ErrorKind::system, msg) {}
  SystemError(const std::string& what, int err);  // "what: strerror(err)"
  // A whole message already written, and the errno it came from.
  static SystemError with_code(const std::string& msg, int err) {
    SystemError e(msg);
    e.errno_ = err;
    return e;
  }
  int code() const noexcept { return errno_; }

 private:
  int errno_ = 0;
};

// EMFILE, ENFILE, ENOBUFS, ENOMEM: this process ran out of descriptors or
// memory. Whatever it meant to observe is unknown, not broken.
bool local_resource_error(int err) noexcept;

}  // namespace bdctl
