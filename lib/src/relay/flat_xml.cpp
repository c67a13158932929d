#include "flat_xml.hpp"

#include <fmt/format.h>

#include "bdctl/error.hpp"

namespace bdctl::relay {

namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

struct Reader {
  std::string_view s;
  std::size_t i = 0;

  [[noreturn]] void fail(const char* why) const {
    throw SystemError(fmt::format("malformed reply: {} at byte {}", why, i));
  }
  void skip_space() {
    while (i < s.size() && space(s[i])) ++i;
  }
  bool starts(std::string_view p) const { return s.substr(i, p.size()) == p; }
  // Skip the prolog and comments; true if anything was skipped.
  bool skip_misc() {
    skip_space();
    if (starts("<?")) {
      auto e = s.find("?>", i);
      if (e == std::string_view::npos) fail("unterminated declaration");
      i = e + 2;
      return true;
    }
    if (starts("<!--")) {
      auto e = s.find("-->", i);
      if (e == std::string_view::npos) fail("unterminated comment");
      i = e + 3;
      return true;
    }
    return false;
  }
  std::string name() {
    std::size_t b = i;
    while (i < s.size() && name_char(s[i])) ++i;
    if (i == b) fail("expected an element name");
    return std::string(s.substr(b, i - b));
  }
  // "<name>" (the root may carry attributes, children may not).
  std::string open_tag(bool allow_attrs) {
    if (!starts("<")) fail("expected '<'");
    ++i;
    std::string n = name();
    if (allow_attrs) {
      auto e = s.find('>', i);
      if (e == std::string_view::npos) fail("unterminated tag");
      if (e > i && s[e - 1] == '/') fail("empty root element");
      i = e + 1;
    } else {
      skip_space();
      if (!starts(">")) fail("unexpected attribute or empty element");
      ++i;
    }
    return n;
  }
  void close_tag(const std::string& n) {
    if (!starts("</")) fail("expected a closing tag");
    i += 2;
    if (name() != n) fail("mismatched closing tag");
    skip_space();
    if (!starts(">")) fail("unterminated closing tag");
    ++i;
  }
};

std::string trim(std::string_view v) {
  std::size_t b = 0, e = v.size();
  while (b < e && space(v[b])) ++b;
  while (e > b && space(v[e - 1])) --e;
  return std::string(v.substr(b, e - b));
}

}  // namespace

FlatXml parse_flat_xml(std::string_view doc) {
  Reader r{doc};
  FlatXml out;
  while (r.skip_misc()) {
  }
  if (r.i >= doc.size()) r.fail("empty document");
  out.root = r.open_tag(true);
  for (;;) {
    while (r.skip_misc()) {
    }
    if (r.starts("</")) break;
    if (r.i >= doc.size()) r.fail("unterminated root element");
    if (!r.starts("<")) r.fail("text outside a child element");
    std::string child = r.open_tag(false);
    auto e = doc.find('<', r.i);
    if (e == std::string_view::npos) r.fail("unterminated element");
    std::string text = trim(doc.substr(r.i, e - r.i));
    r.i = e;
    r.close_tag(child);  // a nested element fails here
    out.children.emplace_back(std::move(child), std::move(text));
  }
  r.close_tag(out.root);
  while (r.skip_misc()) {
  }
  if (r.i != doc.size()) r.fail("content after the root element");
  return out;
}

}  // namespace bdctl::relay
