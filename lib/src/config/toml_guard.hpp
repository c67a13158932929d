// A guard in front of toml++ for input it mishandles.
#pragma once
#include <optional>
#include <string_view>

namespace bdctl::config_detail {

struct TextPos {
  int line = 1, column = 1;  // 1-based; columns count bytes
};

// toml++ 3.3.0 (Debian 12) reaches __builtin_unreachable for many non-ASCII
// characters outside strings and comments (is_non_ascii_horizontal_whitespace;
// upstream marzer/tomlplusplus#295, fixed after 3.3.0): undefined behaviour
// on a typo such as `é = 1`, found by fuzz_config. TOML 1.0 allows non-ASCII
// only inside strings and comments, so the parser refuses such input first.
// Returns where the first such byte is, or nullopt.
std::optional<TextPos> non_ascii_outside_strings(std::string_view text);

}  // namespace bdctl::config_detail
