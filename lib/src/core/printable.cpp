#include "bdctl/printable.hpp"

#include <fmt/format.h>

namespace bdctl {

namespace {
// Length of the UTF-8 sequence at s[i], or 0 when it is not one (or is a C1 control).
std::size_t utf8_len(std::string_view s, std::size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  if (b == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) return 0;  // U+0080..U+009F: C1 controls
  return n;
}
}  // namespace

std::string printable(std::string_view s, std::size_t max, bool keep_newlines) {
  std::string out;
  out.reserve(std::min(s.size(), max) + 8);
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 1;
    std::string piece;
    if ((c >= 0x20 && c < 0x7f) || (keep_newlines && (c == '\n' || c == '\t'))) {
      piece.assign(1, char(c));
    } else if (c >= 0x80 && (n = utf8_len(s, i)) > 0) {
      piece.assign(s.substr(i, n));
    } else {
      n = 1;
      piece = fmt::format("\\x{:02x}", c);
    }
    if (out.size() + piece.size() > max) {
      out += fmt::format("...({} bytes)", s.size());
      return out;
    }
    out += piece;
    i += n;
  }
  return out;
}

std::vector<std::string> printable(const std::vector<std::string>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& s : v) out.push_back(printable(s));
  return out;
}

}  // namespace bdctl
