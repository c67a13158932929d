#include "bdctl/error.hpp"

#include <cstring>

namespace bdctl {

SystemError::SystemError(const std::string& what, int err)
    : Error(ErrorKind::system, what + ": " + std::strerror(err)), errno_(err) {}

}  // namespace bdctl
