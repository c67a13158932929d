// Whole answers of the ZeroTier-One local API, status line and headers
// included, through the real client: a one-shot service on loopback sends
// them, then libcurl's framing, the reply cap, the 401 and status handling,
// the JSON parse and the typed views run as for a live service.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "bdctl/zerotier.hpp"
#include "canned_server.hpp"
#include "fuzz.hpp"

namespace {
std::string token_file() {
  static const std::string path = [] {
    char tmpl[] = "/tmp/bdctl-fuzz-token-XXXXXX";
    int fd = ::mkstemp(tmpl);
    if (fd >= 0) {
      if (::write(fd, "fuzztoken0123456789abcd\n", 24) < 0) {
      }
      ::close(fd);
    }
    return std::string(tmpl);
  }();
  return path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bdctl::zerotier;
  fuzz::CannedServer service(std::string(reinterpret_cast<const char*>(data), size));
  if (service.port() == 0) return 0;
  ClientOptions o;
  o.port = service.port();
  o.token_file = token_file();
  o.timeout = bdctl::Millis(500);
  fuzz::refused_ok([&] {
    Client c(o);
    switch (size % 3) {  // which endpoint the answer is for
      case 0: (void)c.status(); break;
      case 1: (void)c.networks(); break;
      default: (void)c.peers(); break;
    }
  });
  return 0;
}
