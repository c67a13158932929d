#include "bdctl/ifname.hpp"

#include <fmt/format.h>

#include "bdctl/error.hpp"

namespace bdctl {

bool is_wildcard_ifname(std::string_view name) { return !name.empty() && name.back() == '*'; }

void validate_ifname(std::string_view name, std::string_view what, bool allow_wildcard) {
  auto bad = [&](const char* why) {
    return InputError(fmt::format("{}: invalid interface name '{}': {}", what, name, why));
  };
  if (name.empty()) throw bad("empty");
  if (name.size() > 15) throw bad("longer than 15 characters");
  if (name == "." || name == "..") throw bad("reserved name");
  for (std::size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == '*') {
      if (!allow_wildcard) throw bad("wildcards are not allowed here");
      if (i + 1 != name.size()) throw bad("'*' may only end the name");
      if (i == 0) throw bad("a wildcard needs a prefix, e.g. zt*");
      continue;
    }
    if (c <= ' ' || c >= 0x7f || c == '/' || c == ':' || c == '"' || c == '\\' || c == '\'')
      throw bad("contains a character interface names cannot have");
  }
}

}  // namespace bdctl
