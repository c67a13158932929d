#include "bdctl/duration.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <limits>

#include "bdctl/error.hpp"

namespace bdctl {

Millis parse_duration(std::string_view text) {
  auto bad = [&](const char* why) {
    return InputError(fmt::format("invalid duration '{}': {} (examples: 500ms, 2s, 1m30s)", text, why));
  };
  if (text.empty()) throw bad("empty");
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') throw bad("expected a number");
    std::int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000) throw bad("too large");
      ++i;
    }
    std::size_t u = i;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    std::string_view unit = text.substr(u, i - u);
    std::int64_t scale;
    if (unit == "ms")
      scale = 1;
    else if (unit == "s")
      scale = 1000;
    else if (unit == "m")
      scale = 60'000;
    else if (unit == "h")
      scale = 3'600'000;
    else if (unit.empty())
      throw bad("missing unit (ms, s, m or h)");
    else
      throw bad("unknown unit");
    total += n * scale;
    if (total > std::int64_t{7} * 24 * 3'600'000) throw bad("longer than a week");
  }
  return Millis(total);
}

std::string format_duration(Millis d) {
  auto ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return fmt::format("{}h", ms / 3'600'000);
  if (ms != 0 && ms % 60'000 == 0) return fmt::format("{}m", ms / 60'000);
  if (ms != 0 && ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

}  // namespace bdctl
