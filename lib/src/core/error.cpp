#include "bdctl/error.hpp"

#include <cerrno>
#include <cstring>

namespace bdctl {

SystemError::SystemError(const std::string& what, int err)
    : Error(ErrorKind::system, what + ": " + std::strerror(err)), errno_(err) {}

bool local_resource_error(int err) noexcept {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

}  // namespace bdctl
