// Parsers for what the devices send back; pure functions so unit tests and
// fuzzers can feed them any bytes. All throw SystemError("malformed reply: ...").
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "bdctl/relay.hpp"

namespace bdctl::relay {

// The one error every parser throws: SystemError("malformed reply: why").
[[noreturn]] void malformed(const std::string& why);

// KMTronic web board status.xml: <response><relay0>..<relayN>; relay0 is not a relay.
BoardReading parse_kmtronic_status_xml(std::string_view doc);
// KMTronic UDP status reply: one '0'/'1' per relay, relay 1 first.
BoardReading parse_kmtronic_udp_status(std::string_view reply);
// KMTronic USB/serial status reply: one byte 00/01 per relay.
BoardReading parse_kmtronic_serial_status(std::string_view reply);
// RIGrunner 4005i status.xml: <rr4005i> with SUPPLY, RAILLOADn, RAILENAn (n = 0..4).
BoardReading parse_rigrunner_status_xml(std::string_view doc);
// RIGrunner settings.cgi: lines RAILSTRn=Name; fills labels of the reading.
void apply_rigrunner_settings(std::string_view text, BoardReading& reading);

}  // namespace bdctl::relay
