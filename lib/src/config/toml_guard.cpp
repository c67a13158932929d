#include "toml_guard.hpp"

#include <fmt/format.h>

namespace bdctl::config_detail {

namespace {
// The code point of the UTF-8 sequence of at most three bytes at i, or 0.
char32_t code_point(std::string_view t, std::size_t i) {
  auto b = [&](std::size_t k) { return i + k < t.size() ? static_cast<unsigned char>(t[i + k]) : 0u; };
  auto cont = [&](std::size_t k) { return (b(k) & 0xC0u) == 0x80u; };
  if (b(0) >= 0xC2 && b(0) <= 0xDF && cont(1)) return char32_t(((b(0) & 0x1Fu) << 6) | (b(1) & 0x3Fu));
  if (b(0) >= 0xE0 && b(0) <= 0xEF && cont(1) && cont(2))
    return char32_t(((b(0) & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu));
  return 0;
}

// Mirrors toml++ 3.3.0's is_non_ascii_horizontal_whitespace(): true where it
// falls through to TOML_UNREACHABLE (U+00A1..U+0499, U+2C5E..U+2FFF,
// U+3001..U+3057, U+FB26..U+FEFE).
bool unreachable_in_toml(char32_t c) {
  if (c < 0xA0 || c > 0xFEFF) return false;
  const auto child = (static_cast<unsigned long long>(c) - 0xA0ull) / 0x3FAull;
  if ((1ull << child) & 0x7FFFFFFFFFFFF75Eull) return false;
  if (c == 0xA0 || c == 0x3000 || c == 0xFEFF) return false;
  return child != 5 && child != 7;
}

// The length of the run of c starting at i.
std::size_t run(std::string_view t, std::size_t i, char c) {
  std::size_t n = 0;
  while (i + n < t.size() && t[i + n] == c) ++n;
  return n;
}
// toml++ 3.3.0 assumes (TOML_ASSERT_ASSUME: undefined behaviour in a release
// build) that a table header's keys start with a key character: `[= "1"]`,
// `[[\x16]]` and `[a.]` break that (found by fuzz_config). Checks the header
// starting at t[i] ('[' first on its line).
bool is_date(std::string_view d) {  // YYYY-MM-DD
  for (std::size_t k = 0; k < d.size(); ++k)
    if (k == 4 || k == 7 ? d[k] != '-' : (d[k] < '0' || d[k] > '9')) return false;
  return true;
}

std::optional<std::string> bad_header(std::string_view t, std::size_t i) {
  auto key_start = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '"' || c == '\'';
  };
  std::size_t k = i + 1;
  if (k < t.size() && t[k] == '[') ++k;
  bool want_key = true;
  char quote = 0;
  for (; k < t.size() && t[k] != '\n'; ++k) {
    char c = t[k];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == ' ' || c == '\t') continue;
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;  // refused as non-ASCII, where it is
    if (want_key && !key_start(c)) return "a table header must name a key";
    want_key = false;
    if (c == '"' || c == '\'') quote = c;
    if (c == '.') want_key = true;
    if (c == ']') return std::nullopt;
  }
  if (want_key && !quote) return "a table header must name a key";  // `[` alone, `[a.`
  return std::nullopt;                                              // unterminated after a key: toml++ reports it
}

enum class In { code, comment, basic, literal, ml_basic, ml_literal };

// Outside strings and comments: why toml++ cannot be given t[i], if so. May
// enter a string or comment (in), consuming skip further bytes.
std::optional<std::string> refuse_in_code(std::string_view t, std::size_t i, bool line_start, In& in,
                                          std::size_t& skip) {
  const char c = t[i];
  if (c == '#') {
    in = In::comment;
  } else if ((c == 'T' || c == 't') && i >= 10 && is_date(t.substr(i - 10, 10)) &&
             (i + 1 >= t.size() || t[i + 1] < '0' || t[i + 1] > '9')) {
    // toml++ 3.3.0 asserts that a digit follows a date's T (found by fuzz_config).
    return "a date-time needs the time right after its T (1979-05-27T07:32:00Z)";
  } else if (c == '[' && line_start) {
    return bad_header(t, i);
  } else if (c == '"' || c == '\'') {
    bool multi = run(t, i, c) >= 3;
    in = c == '"' ? (multi ? In::ml_basic : In::basic) : (multi ? In::ml_literal : In::literal);
    if (multi) skip = 2;
  } else if (static_cast<unsigned char>(c) >= 0x80) {
    return "non-ASCII character outside a string or comment";
  } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
    // TOML allows none there; toml++ 3.3.0 asserts on some inside a table
    // header (`[[\x16t]]`, found by fuzz_config).
    return fmt::format("control character U+{:04X} outside a string", unsigned(c));
  }
  return std::nullopt;
}

// Inside one of the four kinds of string: the same, and where it ends.
std::optional<std::string> refuse_in_string(std::string_view t, std::size_t i, In& in, std::size_t& skip) {
  const char c = t[i];
  if (auto cp = code_point(t, i); unreachable_in_toml(cp))
    return fmt::format(
        "character U+{:04X} is not supported by this TOML parser (toml++ 3.3.0); "
        "write it as \\u{:04X} in a \"basic\" string",
        unsigned(cp), unsigned(cp));
  const bool basic = in == In::basic || in == In::ml_basic;
  const bool multi = in == In::ml_basic || in == In::ml_literal;
  const char q = basic ? '"' : '\'';
  if (basic && c == '\\' && i + 1 < t.size() && t[i + 1] != '\n' &&
      static_cast<unsigned char>(t[i + 1]) < 0x80) {  // a non-ASCII one is checked next
    skip = 1;
  } else if (!multi && (c == q || c == '\n')) {
    in = In::code;  // an unterminated string ends at the line's end (toml++ reports it)
  } else if (multi && c == q && run(t, i, q) >= 3) {
    skip = run(t, i, q) - 1;  // up to two quotes may sit just inside the delimiter: """a"""""
    in = In::code;
  }
  return std::nullopt;
}

// Moves pos over t[i..i+skip].
void advance(TextPos& pos, std::string_view t, std::size_t i, std::size_t skip) {
  for (std::size_t k = 0; k <= skip; ++k) {
    if (t[i + k] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
}

}  // namespace

std::optional<Refusal> refuse_for_toml(std::string_view t) {
  In in = In::code;
  TextPos pos;
  bool line_start = true;  // only blanks so far on this line, outside strings
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    std::size_t skip = 0;  // further bytes this step consumes (escapes, delimiters)
    std::optional<std::string> why;
    if (in == In::code)
      why = refuse_in_code(t, i, line_start, in, skip);
    else if (in == In::comment && c == '\n')
      in = In::code;
    else if (in != In::comment)
      why = refuse_in_string(t, i, in, skip);
    if (why) return Refusal{pos, *why};
    if (c == '\n')
      line_start = true;
    else if (c != ' ' && c != '\t' && c != '\r')
      line_start = false;
    advance(pos, t, i, skip);
    i += skip;
  }
  return std::nullopt;
}

}  // namespace bdctl::config_detail
