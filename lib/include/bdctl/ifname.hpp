// Interface names as nftables matches them: at most 15 characters (IFNAMSIZ-1),
// no '/', whitespace or quotes; a trailing '*' is a wildcard ("zt*").
#pragma once
#include <string>
#include <string_view>

namespace bdctl {

bool is_wildcard_ifname(std::string_view name);
// Throws InputError naming the value. what: "--lan" etc., used in the message.
void validate_ifname(std::string_view name, std::string_view what, bool allow_wildcard = true);

}  // namespace bdctl
