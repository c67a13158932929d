// Bodies of the ZeroTier-One local API (/status, /network/ID, /peer/ID) as the
// client parses them: nlohmann::json without exceptions, then the typed views.
#include <nlohmann/json.hpp>

#include "bdctl/zerotier.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;  // the client reports "not JSON" itself
  using namespace bdctl::zerotier;
  fuzz::refused_ok([&] {
    auto s = parse_status(j);
    (void)s.state();
  });
  fuzz::refused_ok([&] {
    auto n = parse_network(j);
    (void)explain_network_status(n.status);
  });
  fuzz::refused_ok([&] {
    auto p = parse_peer(j);
    (void)p.direct_path();
  });
  // The list endpoints answer arrays of the same objects.
  if (j.is_array())
    for (auto& e : j) {
      fuzz::refused_ok([&] { (void)parse_network(e); });
      fuzz::refused_ok([&] { (void)parse_peer(e); });
    }
  return 0;
}
