// Shared by the libFuzzer targets: the contract every parser of outside input
// keeps is "a value or a bdctl::Error". Anything else escaping (a
// std::out_of_range, a json::type_error, a crash) is a finding.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bdctl/error.hpp"

namespace fuzz {

inline std::string_view view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs f; a bdctl::Error is the documented way to refuse input.
template <class F>
void refused_ok(F&& f) {
  try {
    f();
  } catch (const bdctl::Error&) {
  }
}

// Splits the input at the first NUL: lets one input carry two fields.
inline std::pair<std::string_view, std::string_view> split2(std::string_view in) {
  auto p = in.find('\0');
  if (p == std::string_view::npos) return {in, {}};
  return {in.substr(0, p), in.substr(p + 1)};
}

}  // namespace fuzz
