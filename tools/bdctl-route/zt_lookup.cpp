#include "zt_lookup.hpp"

#include "bdctl/zerotier.hpp"

namespace bdctl::tool {

std::optional<std::string> zerotier_device(const ZtLookup& l) {
  zerotier::ClientOptions opt;
  opt.home = l.home;
  opt.port = l.port;
  opt.token_file = l.token_file;
  try {
    return zerotier::interface_name(opt, l.network);
  } catch (const zerotier::ApiError&) {
    // The service cannot be asked (not running, no token): a named network
    // cannot be resolved without it; otherwise fall back to the zt* links.
    if (l.network) throw;
    return std::nullopt;
  }
}

}  // namespace bdctl::tool
