// Asking the ZeroTier service which interface it made (portDeviceName).
#pragma once
#include <optional>
#include <string>

namespace bdctl::tool {

struct ZtLookup {
  std::optional<std::string> home;
  std::optional<int> port;
  std::optional<std::string> token_file;
  std::optional<std::string> network;
};

// nullopt when the service cannot be asked (not running, no token); throws
// InputError when it answers but no single interface fits.
std::optional<std::string> zerotier_device(const ZtLookup& l);

}  // namespace bdctl::tool
