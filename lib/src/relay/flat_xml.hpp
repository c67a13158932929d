// A strict reader for the flat XML the relay boards serve: one root element
// whose children are leaf elements holding text. Anything else (nesting,
// attributes on children, stray text, a second root) is rejected, so a
// different document served at the same URL is not mistaken for relay state.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bdctl::relay {

struct FlatXml {
  std::string root;
  std::vector<std::pair<std::string, std::string>> children;  // in document order, text trimmed
};

// Throws SystemError("malformed reply: ...") on anything that is not flat XML.
FlatXml parse_flat_xml(std::string_view doc);

}  // namespace bdctl::relay
