// What a RIGrunner 4005i answers: status.xml, then settings.cgi applied to the
// reading (input: STATUS [NUL SETTINGS]).
#include "../../lib/src/relay/parsers.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [status, settings] = fuzz::split2(fuzz::view(data, size));
  bdctl::relay::BoardReading r;
  fuzz::refused_ok([&, status = status] { r = bdctl::relay::parse_rigrunner_status_xml(status); });
  fuzz::refused_ok([&, settings = settings] { bdctl::relay::apply_rigrunner_settings(settings, r); });
  return 0;
}
