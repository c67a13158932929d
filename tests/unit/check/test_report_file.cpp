// A saved report read back (bdctl-check --from): the same checks, or unknown.
#include <catch2/catch.hpp>

#include "bdctl/check.hpp"
#include "bdctl/error.hpp"

using namespace bdctl;
using namespace bdctl::check;

namespace {
std::string saved(std::int64_t ts) {
  Report r;
  r.state = State::warning;
  r.timestamp = ts;
  r.checks.push_back({"zerotier.service", State::ok, "ONLINE", {{"state", "ONLINE"}}, Millis(3)});
  r.checks.push_back({"zerotier.peers", State::warning, "1 relayed", {}, Millis(4)});
  nlohmann::ordered_json doc{{"schema_version", 1}, {"command", "check"}, {"ok", false}};
  to_json(doc, r);
  return doc.dump();
}
}  // namespace

TEST_CASE("a saved report reads back as the run it was", "[unit]") {
  auto r = report_from_json(saved(1000), "check.json");
  CHECK(r.state == State::warning);
  CHECK(r.timestamp == 1000);
  REQUIRE(r.checks.size() == 2);
  CHECK(r.checks[0].name == "zerotier.service");
  CHECK(r.checks[0].details["state"] == "ONLINE");
  CHECK(r.checks[1].state == State::warning);
  CHECK(to_nagios(r).rfind("BDCTL WARNING - ", 0) == 0);
}

TEST_CASE("a stale report, or one from the future, is unknown", "[unit]") {
  auto r = report_from_json(saved(1000), "check.json");
  CHECK(stale(r, "check.json", 1000 + 180, Millis(180000)).state == State::warning);
  auto old = stale(r, "check.json", 1000 + 181, Millis(180000));
  CHECK(old.state == State::unknown);
  REQUIRE(old.checks.size() == 1);
  CHECK(old.checks[0].summary == "check.json is 181 s old (more than 3m): is bdctl-check.timer running?");
  CHECK(old.checks[0].details["report_status"] == "warning");
  auto future = stale(r, "check.json", 1000 - 3600, Millis(180000));
  CHECK(future.state == State::unknown);
  CHECK_THAT(future.checks[0].summary, Catch::Contains("in the future"));
}

TEST_CASE("anything but a bdctl-check report is refused, naming the file", "[unit]") {
  CHECK_THROWS_WITH(report_from_json("{", "f.json"), "f.json: not a bdctl-check report: not a JSON object");
  CHECK_THROWS_WITH(report_from_json(R"({"schema_version":1,"command":"status"})", "f.json"),
                    "f.json: not a bdctl-check report: command is not \"check\"");
  CHECK_THROWS_WITH(report_from_json(R"({"schema_version":2,"command":"check"})", "f.json"),
                    "f.json: not a bdctl-check report: schema_version is not 1");
  CHECK_THROWS_AS(
      report_from_json(R"({"schema_version":1,"command":"check","status":"fine","timestamp":1,"checks":[]})", "f.json"),
      InputError);
}
