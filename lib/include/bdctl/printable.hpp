// Text from outside (the ZeroTier API, a relay board) made safe to print:
// control characters become \xNN, so a network name cannot clear the screen,
// set a terminal title or forge a line of output; and its length is bounded.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bdctl {

inline constexpr std::size_t kMaxEchoed = 256;  // bytes of a field echoed from outside

// C0 and C1 controls, DEL and bytes that are not UTF-8 escaped as \xNN
// (keep_newlines: '\n' and '\t' kept, for whole renderings); longer than max
// bytes: cut at a character boundary and marked "...(N bytes)".
std::string printable(std::string_view s, std::size_t max = kMaxEchoed, bool keep_newlines = false);
// Each of a list (a document's array of texts from outside).
std::vector<std::string> printable(const std::vector<std::string>& v);

}  // namespace bdctl
