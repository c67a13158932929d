// [route] in bdctl.toml: the settings `up` takes by flag, under the flags' names.
#include <fmt/format.h>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "bdctl/route.hpp"

namespace bdctl::route {

FileSettings file_settings(const Config& cfg) {
  FileSettings f;
  f.family = cfg.get_string("route.family").value_or("both");
  if (f.family != "ipv4" && f.family != "ipv6" && f.family != "both")
    throw InputError(fmt::format("{}: family '{}' is not ipv4, ipv6 or both", cfg.where("route.family"), f.family));
  f.masquerade = cfg.get_bool("route.masquerade").value_or(true);
  f.allow_lan_initiated = cfg.get_bool("route.allow_lan_initiated").value_or(false);
  return f;
}

}  // namespace bdctl::route
