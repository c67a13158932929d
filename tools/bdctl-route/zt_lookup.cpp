#include "zt_lookup.hpp"

#include <fmt/format.h>

#include "bdctl/error.hpp"

namespace bdctl::tool {

// TODO(zerotier client): ask the local API once lib/src/zerotier lands; until
// then a named network cannot be resolved and discovery falls back to the
// only zt* link.
std::optional<std::string> zerotier_device(const ZtLookup& l) {
  if (l.network)
    throw InputError(fmt::format("--network {}: ZeroTier API look-up is not available in this build", *l.network));
  return std::nullopt;
}

}  // namespace bdctl::tool
