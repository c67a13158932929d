// The keys bdctl.toml may hold (schema.cpp lists them).
#pragma once
#include <string>

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace bdctl::config_detail {

// InputError "FILE:LINE: unknown key a.b.c (did you mean d?)" for the first
// key or table no bdctl tool reads; a value's type is checked where it is read.
void check_keys(const toml::table& root, const std::string& file);

}  // namespace bdctl::config_detail
