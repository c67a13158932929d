#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"

using namespace bdctl;

namespace {
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text, mode_t mode = 0600) {
    char tmpl[] = "/tmp/bdctl-cfg.XXXXXX";
    int fd = mkstemp(tmpl);
    close(fd);
    path = tmpl;
    std::ofstream(path) << text;
    chmod(path.c_str(), mode);
  }
  ~TempFile() { std::filesystem::remove(path); }
};
}  // namespace

TEST_CASE("typed look-ups by dotted path", "[unit]") {
  auto c = Config::parse(R"(
[site]
subnet = "192.168.1.0/24"
mtu = 1400
bridge = false
timeout = "1m30s"
ifaces = ["eth0", "zt*"]
[relays.bms1]
host = "192.168.1.207"
[relays.emc2]
host = "192.168.1.208"
)",
                         "t.toml");
  CHECK(c.get_string("site.subnet") == std::optional<std::string>("192.168.1.0/24"));
  CHECK(c.get_int("site.mtu") == std::optional<long long>(1400));
  CHECK(c.get_bool("site.bridge") == std::optional<bool>(false));
  CHECK(c.get_duration("site.timeout") == std::optional<std::chrono::milliseconds>(90000));
  CHECK(c.get_strings("site.ifaces") == std::vector<std::string>{"eth0", "zt*"});
  auto keys = c.table_keys("relays");
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"bms1", "emc2"});
  CHECK_FALSE(c.get_string("site.missing").has_value());
  CHECK(c.get_strings("nope").empty());
}

TEST_CASE("wrong types name file, line and key", "[unit]") {
  auto c = Config::parse("[site]\n\nmtu = \"big\"\nifaces = [1]\ntimeout = \"soon\"\n", "site.toml");
  CHECK_THROWS_WITH(c.get_int("site.mtu"), Catch::Contains("site.toml:3") && Catch::Contains("site.mtu"));
  CHECK_THROWS_WITH(c.get_strings("site.ifaces"), Catch::Contains("site.toml:4"));
  CHECK_THROWS_WITH(c.get_duration("site.timeout"), Catch::Contains("site.toml:5") && Catch::Contains("soon"));
}

TEST_CASE("a malformed file is an InputError with file and line", "[unit]") {
  CHECK_THROWS_WITH(Config::parse("[site\nx = 1\n", "bad.toml"), Catch::StartsWith("bad.toml:1:"));
  TempFile f("a = \n");
  CHECK_THROWS_AS(Config::load(f.path), InputError);
}

TEST_CASE("missing files: explicit is an error, the default is empty", "[unit]") {
  CHECK_THROWS_WITH(Config::load(std::string("/nonexistent/bdctl.toml")), Catch::Contains("/nonexistent/bdctl.toml"));
  setenv("BDCTL_CONFIG", "/nonexistent/default.toml", 1);
  auto c = Config::load(std::nullopt);
  CHECK_FALSE(c.exists());
  CHECK(c.path() == "/nonexistent/default.toml");
  unsetenv("BDCTL_CONFIG");
}

TEST_CASE("a file with passwords readable by others draws a warning", "[unit]") {
  TempFile open_file("[relays.bms1]\npassword = \"hunter2\"\n", 0644);
  auto c = Config::load(open_file.path);
  REQUIRE(c.warnings().size() == 1);
  CHECK(c.warnings()[0].find("chmod 600") != std::string::npos);
  CHECK(c.warnings()[0].find("hunter2") == std::string::npos);
  TempFile closed("[relays.bms1]\npassword = \"hunter2\"\n", 0600);
  CHECK(Config::load(closed.path).warnings().empty());
}

// toml++ 3.3.0 reaches __builtin_unreachable on non-ASCII outside strings and
// comments (found by fuzz_config); TOML 1.0 allows it only there.
TEST_CASE("non-ASCII outside strings and comments is refused before toml++ sees it", "[unit]") {
  for (const char* ok : {"a = \"\xc3\xa9\"\n", "# \xc7\xa2\n", "a = '\xc7\xa2'\n", "a = \"\"\"\n\xc7\xa2\n\"\"\"\n",
                         "a = '''\xc7\xa2'''\n", "a = \"x\" # \xc3\xa9\n", "a = \"q\\\"\xc3\xa9\"\n",
                         "a = \"\"\"x\"\"\"\"\"\nb = \"\xc3\xa9\"\n"}) {
    INFO(ok);
    CHECK_NOTHROW(Config::parse(ok, "t.toml"));
  }
  for (const char* bad : {"\xc3\xa9 = 1\n", "a = \xc3\xa9\n", "[\xc7\xa2]\n", "a = 1 \xc7\xa2\n",
                          "a = \"x\"\nb = 1\xc3\xa9\n", "a = \"\"\"x\"\"\" \xc3\xa9\n"}) {
    INFO(bad);
    try {
      Config::parse(bad, "t.toml");
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK_THAT(e.what(), Catch::Contains("t.toml:") && Catch::Contains("non-ASCII character outside a string"));
    }
  }
  try {
    Config::parse("a = 1\nb = 2 \xc3\xa9\n", "t.toml");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).rfind("t.toml:2:7:", 0) == 0);
  }
}
