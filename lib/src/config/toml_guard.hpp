// A guard in front of toml++ for input it mishandles.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace bdctl::config_detail {

struct TextPos {
  int line = 1, column = 1;  // 1-based; columns count bytes
};

struct Refusal {
  TextPos at;
  std::string why;
};

// toml++ 3.3.0 (Debian 12) reaches __builtin_unreachable when it asks whether
// some characters are whitespace (U+00A1..U+0499 and three ranges within
// U+2C5E..U+FEFE; is_non_ascii_horizontal_whitespace, upstream
// marzer/tomlplusplus#295, fixed after 3.3.0): undefined behaviour on a typo
// such as `é = 1`, found by fuzz_config. It asks that of every character of a
// bare token, of an escape (`\é`), and a token can run into what looks like a
// string (`2"é"`). So, before toml++ sees the text: non-ASCII outside strings
// and comments is refused (TOML 1.0 allows it nowhere else), and those
// characters inside strings too (a basic string can spell them \u00E9).
// Comments may hold anything. ASCII control characters (but tab and line
// ends) are refused outside strings: toml++ asserts on some in a table header.
std::optional<Refusal> refuse_for_toml(std::string_view text);

}  // namespace bdctl::config_detail
