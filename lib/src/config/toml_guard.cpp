#include "toml_guard.hpp"

namespace bdctl::config_detail {

namespace {
// The length of the run of c starting at i.
std::size_t run(std::string_view t, std::size_t i, char c) {
  std::size_t n = 0;
  while (i + n < t.size() && t[i + n] == c) ++n;
  return n;
}
}  // namespace

std::optional<TextPos> non_ascii_outside_strings(std::string_view t) {
  enum class In { code, comment, basic, literal, ml_basic, ml_literal } in = In::code;
  TextPos pos;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    switch (in) {
      case In::code:
        if (c == '#') {
          in = In::comment;
        } else if (c == '"' || c == '\'') {
          bool multi = run(t, i, c) >= 3;
          in = c == '"' ? (multi ? In::ml_basic : In::basic) : (multi ? In::ml_literal : In::literal);
          if (multi) {
            i += 2;
            pos.column += 2;
          }
        } else if (static_cast<unsigned char>(c) >= 0x80) {
          return pos;
        }
        break;
      case In::comment:
        if (c == '\n') in = In::code;
        break;
      case In::basic:
      case In::literal:
        // An unterminated string ends at the line's end (toml++ reports it).
        if (c == '\n' || c == (in == In::basic ? '"' : '\''))
          in = In::code;
        else if (in == In::basic && c == '\\' && i + 1 < t.size() && t[i + 1] != '\n') {
          ++i;
          ++pos.column;
        }
        break;
      case In::ml_basic:
      case In::ml_literal: {
        const char q = in == In::ml_basic ? '"' : '\'';
        if (in == In::ml_basic && c == '\\' && i + 1 < t.size() && t[i + 1] != '\n') {
          ++i;
          ++pos.column;
        } else if (c == q && run(t, i, q) >= 3) {
          // Up to two quotes may sit just inside the closing delimiter: """a"""""
          std::size_t n = run(t, i, q);
          i += n - 1;
          pos.column += int(n - 1);
          in = In::code;
        }
        break;
      }
    }
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return std::nullopt;
}

}  // namespace bdctl::config_detail
