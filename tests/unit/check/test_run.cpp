#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <sstream>

#include "bdctl/check.hpp"

using namespace bdctl;
using namespace bdctl::check;

namespace {
// A listening socket on a random loopback port; closed at the end of the test.
struct Listener {
  int fd = -1;
  int port = 0;
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd, 16);
    socklen_t l = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &l);
    port = ntohs(a.sin_port);
  }
  ~Listener() { close(fd); }
};
int free_port() {
  Listener l;
  return l.port;  // closed again: nothing listens there afterwards
}
const Result& find(const Report& r, const std::string& name) {
  for (const auto& c : r.checks)
    if (c.name == name) return c;
  FAIL("no check " << name);
  throw;
}
}  // namespace

TEST_CASE("LAN targets: open, refused; states and exit order", "[unit]") {
  Listener up;
  Settings s;
  s.only = {"lan"};
  s.timeout = Millis(500);
  s.targets = {parse_target("up=127.0.0.1:" + std::to_string(up.port)),
               parse_target("down=127.0.0.1:" + std::to_string(free_port()))};
  auto r = run(s);
  REQUIRE(r.checks.size() == 2);
  CHECK(find(r, "lan.up").state == State::ok);
  CHECK(find(r, "lan.down").state == State::critical);
  CHECK(find(r, "lan.down").details["result"] == "refused");
  CHECK(r.state == State::critical);
}

// Root (as in CI) may always open a raw socket; others need net.ipv4.ping_group_range.
bool may_ping() {
  if (geteuid() == 0) return true;
  int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
  if (fd < 0) return false;
  close(fd);
  return true;
}

TEST_CASE("ICMP targets: loopback answers over IPv4 and IPv6, beside a TCP target", "[unit]") {
  Listener up;
  Settings s;
  s.only = {"lan"};
  s.timeout = Millis(2000);
  s.targets = {parse_target("v4=icmp:127.0.0.1"), parse_target("v6=icmp:::1"),
               parse_target("tcp=127.0.0.1:" + std::to_string(up.port))};
  auto t0 = std::chrono::steady_clock::now();
  auto r = run(s);
  auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE(r.checks.size() == 3);
  CHECK(took < std::chrono::milliseconds(1000));  // answers end the run, not the timeout
  CHECK(find(r, "lan.tcp").state == State::ok);
  CHECK(find(r, "lan.tcp").details["probe"] == "tcp");
  for (const char* n : {"lan.v4", "lan.v6"}) {
    const auto& c = find(r, n);
    INFO(n << ": " << c.summary);
    CHECK(c.details["probe"] == "icmp");
    CHECK(c.details["port"].is_null());
    if (may_ping()) {
      CHECK(c.state == State::ok);
      CHECK(c.details["result"] == "reply");
      CHECK(c.details["rtt_ms"].is_number());
      CHECK(c.details["sent"].get<int>() >= 1);
      std::string m = c.details["method"];
      CHECK((m == "icmp-dgram" || m == "icmp-raw"));
    } else {
      // Not allowed to send ICMP at all: unknown, with the reason, never critical.
      CHECK(c.state == State::unknown);
      CHECK(c.details["result"] == "unavailable");
      CHECK(c.summary.find("ping_group_range") != std::string::npos);
    }
  }
}

TEST_CASE("an ICMP target that cannot be resolved fails at once", "[unit]") {
  Settings s;
  s.only = {"lan"};
  s.timeout = Millis(3000);
  s.targets = {parse_target("nx=icmp:no-such-host.invalid")};
  auto r = run(s);
  REQUIRE(r.checks.size() == 1);
  CHECK(r.checks[0].state == State::critical);
  CHECK(r.checks[0].details["result"] == "error");
  CHECK(r.checks[0].summary.find("cannot resolve no-such-host.invalid") != std::string::npos);
  CHECK(r.duration < Millis(2500));
}

TEST_CASE("the whole run respects the deadline", "[unit]") {
  Settings s;
  s.only = {"lan"};
  // TEST-NET-1 is never routed on a sane host: either unreachable at once or silent.
  s.targets = {parse_target("blackhole=192.0.2.1:9")};
  s.timeout = Millis(5000);
  s.deadline = Millis(300);
  auto t0 = std::chrono::steady_clock::now();
  auto r = run(s);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < std::chrono::milliseconds(1500));
  REQUIRE(r.checks.size() == 1);
  if (r.abandoned) {
    CHECK(r.checks[0].state == State::unknown);
    CHECK(r.checks[0].summary.find("deadline") != std::string::npos);
  } else {
    CHECK(r.checks[0].state == State::critical);  // the network said no straight away
  }
}

namespace {
Report sample() {
  Report r;
  r.state = State::critical;
  r.duration = Millis(1234);
  r.timestamp = 1700000000;
  Result a;
  a.name = "zerotier.service";
  a.state = State::ok;
  a.summary = "ONLINE";
  a.duration = Millis(3);
  Result b;
  b.name = "lan.nuc";
  b.state = State::critical;
  b.summary = "a|b \"quoted\"\nnext";
  b.duration = Millis(1000);
  b.details = {{"hint", "do this"}};
  r.checks = {a, b};
  return r;
}
}  // namespace

TEST_CASE("JSON body: status, counts, checks with the documented keys", "[unit]") {
  nlohmann::ordered_json doc;
  doc["schema_version"] = 1;
  to_json(doc, sample());
  std::vector<std::string> keys;
  for (auto& [k, v] : doc.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"schema_version", "status", "duration_ms", "timestamp", "counts", "checks"});
  CHECK(doc["status"] == "critical");
  CHECK(doc["counts"]["critical"] == 1);
  std::vector<std::string> ck;
  for (auto& [k, v] : doc["checks"][1].items()) ck.push_back(k);
  CHECK(ck == std::vector<std::string>{"name", "status", "summary", "details", "duration_ms"});
}

TEST_CASE("Nagios: one line, no '|' in the text, perfdata shape", "[unit]") {
  auto line = to_nagios(sample());
  CHECK(line.find('\n') == std::string::npos);
  auto bar = line.find(" | ");
  REQUIRE(bar != std::string::npos);
  CHECK(line.find('|', bar + 2) == std::string::npos);
  CHECK(line.rfind("BDCTL CRITICAL - ", 0) == 0);
  std::istringstream perf(line.substr(bar + 3));
  std::string item;
  std::regex shape(R"('[^'=]+'=[0-9.]+(s|ms)?;[^;]*;[^;]*;[^;]*;[^;]*)");
  int n = 0;
  while (perf >> item) {
    CHECK(std::regex_match(item, shape));
    ++n;
  }
  CHECK(n == 5 + 2);
}

TEST_CASE("Prometheus: HELP/TYPE per family, escaped labels, numeric values", "[unit]") {
  auto text = to_prometheus(sample());
  CHECK(text.find("bdctl_check_status{check=\"lan.nuc\"} 2\n") != std::string::npos);
  CHECK(text.find("bdctl_check_overall_status 2\n") != std::string::npos);
  std::istringstream in(text);
  std::string line;
  std::regex sample_re(R"([a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*"\})? -?[0-9.eE+-]+)");
  std::regex meta_re(R"(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+)");
  while (std::getline(in, line)) CHECK((std::regex_match(line, sample_re) || std::regex_match(line, meta_re)));
  CHECK(text.back() == '\n');
}

TEST_CASE("text checklist shows the hint of a failed check", "[unit]") {
  auto t = to_text(sample());
  CHECK(t.rfind("CRITICAL: 1 critical, 1 ok", 0) == 0);
  CHECK(t.find("[CRIT] lan.nuc") != std::string::npos);
  CHECK(t.find("hint: do this") != std::string::npos);
}
