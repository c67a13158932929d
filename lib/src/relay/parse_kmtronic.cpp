#include <fmt/format.h>

#include <charconv>

#include "bdctl/error.hpp"
#include "flat_xml.hpp"
#include "parsers.hpp"

namespace bdctl::relay {

void malformed(const std::string& why) { throw SystemError("malformed reply: " + why); }

namespace {

bool bit(std::string_view v, const std::string& what) {
  if (v == "0") return false;
  if (v == "1") return true;
  malformed(fmt::format("{} is '{}', expected 0 or 1", what, v.substr(0, 16)));
}
}  // namespace

BoardReading parse_kmtronic_status_xml(std::string_view doc) {
  FlatXml x = parse_flat_xml(doc);
  if (x.root != "response")
    malformed(fmt::format("root element <{}> is not <response>: not a KMTronic relay board", x.root.substr(0, 32)));
  BoardReading out;
  for (std::size_t i = 0; i < x.children.size(); ++i) {
    const auto& [name, text] = x.children[i];
    // Exactly relay0, relay1, ... in order; <temp> and friends mean another device.
    if (name != fmt::format("relay{}", i))
      malformed(fmt::format("unexpected element <{}> (expected <relay{}>): not a KMTronic relay board",
                            name.substr(0, 32), i));
    bool v = bit(text, name);
    if (i == 0) continue;  // relay0 is not a relay
    out.channels.push_back({int(i), v, std::nullopt, {}});
  }
  if (out.channels.empty()) malformed("status.xml lists no relays");
  return out;
}

BoardReading parse_kmtronic_udp_status(std::string_view reply) {
  // Boards may end the reply with CR/LF; nothing else is tolerated.
  while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r')) reply.remove_suffix(1);
  if (reply.empty() || reply.size() > 32) malformed(fmt::format("status of {} bytes", reply.size()));
  BoardReading out;
  for (std::size_t i = 0; i < reply.size(); ++i)
    out.channels.push_back({int(i + 1), bit(reply.substr(i, 1), fmt::format("relay {}", i + 1)), std::nullopt, {}});
  return out;
}

BoardReading parse_kmtronic_serial_status(std::string_view reply) {
  if (reply.empty() || reply.size() > 8) malformed(fmt::format("status of {} bytes", reply.size()));
  BoardReading out;
  for (std::size_t i = 0; i < reply.size(); ++i) {
    auto b = static_cast<unsigned char>(reply[i]);
    if (b > 1) malformed(fmt::format("relay {} byte is 0x{:02x}, expected 00 or 01", i + 1, b));
    out.channels.push_back({int(i + 1), b == 1, std::nullopt, {}});
  }
  return out;
}

}  // namespace bdctl::relay
