#include <stdlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bdctl/audit.hpp"
#include "temp_dir.hpp"

using namespace bdctl;

TEST_CASE("audit: several steps are one line each, in order, from one run", "[unit]") {
  test::TempDir t;
  ::setenv("BDCTL_LOG_DIR", t.path.c_str(), 1);
  AuditLog audit("x-audit.log", "bdctl-test", {"bdctl-route", "up"});
  audit.log({{"event", "first"}});
  audit.log_all({{{"event", "apply"}, {"n", 1}}, {{"event", "arm"}, {"n", 2}}});
  std::ifstream in(t.path / "x-audit.log");
  std::vector<nlohmann::json> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(nlohmann::json::parse(l));
  ::unsetenv("BDCTL_LOG_DIR");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["event"] == "first");
  CHECK(lines[1]["event"] == "apply");
  CHECK(lines[2]["event"] == "arm");
  CHECK(lines[2]["n"] == 2);
  CHECK(lines[1]["request_id"] == lines[0]["request_id"]);
  CHECK(lines[2]["argv"] == nlohmann::json::array({"bdctl-route", "up"}));
  CHECK(lines[1].contains("ts"));
}
