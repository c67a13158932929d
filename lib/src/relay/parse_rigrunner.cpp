#include <fmt/format.h>

#include <cstdlib>
#include <map>

#include "bdctl/error.hpp"
#include "bdctl/printable.hpp"
#include "flat_xml.hpp"
#include "parsers.hpp"

namespace bdctl::relay {

namespace {
constexpr int kRails = 5;

double number(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) malformed(fmt::format("status.xml has no <{}>: not a RIGrunner 4005i", key));
  const std::string& t = it->second;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || v < 0 || v > 1000)
    malformed(fmt::format("<{}> is '{}', expected a number", key, t.substr(0, 16)));
  return v;
}
}  // namespace

BoardReading parse_rigrunner_status_xml(std::string_view doc) {
  FlatXml x = parse_flat_xml(doc);
  if (x.root != "rr4005i")
    malformed(fmt::format("root element <{}> is not <rr4005i>: not a RIGrunner 4005i", x.root.substr(0, 32)));
  std::map<std::string, std::string> m;
  for (auto& [k, v] : x.children)
    if (!m.emplace(k, v).second) malformed(fmt::format("<{}> appears twice", k.substr(0, 32)));
  BoardReading out;
  out.supply_v = number(m, "SUPPLY");
  for (int i = 0; i < kRails; ++i) {
    std::string ena = fmt::format("RAILENA{}", i);
    auto it = m.find(ena);
    if (it == m.end()) malformed(fmt::format("status.xml has no <{}>: not a RIGrunner 4005i", ena));
    if (it->second != "0" && it->second != "1")
      malformed(fmt::format("<{}> is '{}', expected 0 or 1", ena, it->second.substr(0, 16)));
    out.channels.push_back({i, it->second == "1", number(m, fmt::format("RAILLOAD{}", i)), {}});
  }
  return out;
}

void apply_rigrunner_settings(std::string_view text, BoardReading& reading) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // RAILSTRn=Name (the ASCOM driver reads the digit at 7 and the name from 9).
    if (line.size() < 9 || line.substr(0, 7) != "RAILSTR" || line[7] < '0' || line[7] > '4' || line[8] != '=') continue;
    int rail = line[7] - '0';
    std::string name(line.substr(9, 64));
    for (auto& c : name)
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    for (auto& ch : reading.channels)
      if (ch.channel == rail) ch.label = printable(name, 64);  // shown as is: a board must not write escapes
  }
}

}  // namespace bdctl::relay
