// The client against canned whole answers, status line and headers included,
// from a one-shot service on loopback: no emulator, no root.

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "../../fuzz/canned_server.hpp"
#include "../core/temp_dir.hpp"
#include "bdctl/zerotier.hpp"

using namespace bdctl;
using namespace bdctl::zerotier;

namespace {
// A client whose one request is answered with `answer` by a one-shot service
// on loopback (tests/fuzz/canned_server.hpp).
struct Canned {
  test::TempDir dir;
  fuzz::CannedServer service;
  ClientOptions opt;
  explicit Canned(std::string answer) : service(std::move(answer)) {
    REQUIRE(service.port() != 0);
    std::ofstream(dir.path / "token") << "cannedtoken0123456789ab\n";
    opt.port = service.port();
    opt.token_file = (dir.path / "token").string();
    opt.timeout = Millis(2000);
  }
};

std::string answer(const std::string& status, const std::string& body) {
  return "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}
}  // namespace

TEST_CASE("canned: a whole answer is parsed as from the service", "[unit]") {
  Canned c(answer("200 OK", R"({"address":"89e92ceee5","version":"1.14.1","online":true})"));
  Client client(c.opt);
  auto s = client.status();
  CHECK(s.address == "89e92ceee5");
  CHECK(s.state() == "ONLINE");
}

TEST_CASE("canned: 401 is a rejected token, naming the file, never the token", "[unit]") {
  Canned c(answer("401 Unauthorized", "{}"));
  Client client(c.opt);
  try {
    client.status();
    FAIL("401 accepted");
  } catch (const ApiError& e) {
    CHECK(e.failure() == Failure::token_rejected);
    CHECK(std::string(e.what()).find("cannedtoken") == std::string::npos);
  }
}

TEST_CASE("canned: an answer over 4 MiB is refused, not buffered", "[unit]") {
  Canned c(answer("200 OK", "[" + std::string(5u << 20, ' ') + "]"));
  Client client(c.opt);
  try {
    client.networks();
    FAIL("a 5 MiB answer accepted");
  } catch (const ApiError& e) {
    CHECK(e.failure() == Failure::protocol);
    CHECK(std::string(e.what()).find("answer larger than 4 MiB") != std::string::npos);
  }
}

TEST_CASE("canned: a network name with escapes comes back printable", "[unit]") {
  Canned c(answer("200 OK", R"([{"id":"8056c2e21c000001","nwid":"8056c2e21c000001","name":"\u001b[2Jx\r\nOK",)"
                            R"("status":"OK","type":"PRIVATE","portDeviceName":"zt0","assignedAddresses":[],)"
                            R"("routes":[]}])"));
  Client client(c.opt);
  auto nets = client.networks();
  REQUIRE(nets.size() == 1);
  CHECK(nets[0].name == "\\x1b[2Jx\\x0d\\x0aOK");
}
