// What a KMTronic board answers: status.xml over HTTP, the UDP status line and
// the serial status bytes. The same bytes go to all three parsers.
#include "../../lib/src/relay/parsers.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = fuzz::view(data, size);
  fuzz::refused_ok([&] { (void)bdctl::relay::parse_kmtronic_status_xml(in); });
  fuzz::refused_ok([&] { (void)bdctl::relay::parse_kmtronic_udp_status(in); });
  fuzz::refused_ok([&] { (void)bdctl::relay::parse_kmtronic_serial_status(in); });
  return 0;
}
