#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "bdctl/error.hpp"
#include "bdctl/zerotier.hpp"
#include "emulator.hpp"

using namespace bdctl;
using namespace bdctl::zerotier;

namespace {
struct EnvGuard {
  std::string name;
  std::optional<std::string> old;
  EnvGuard(const char* n, const std::optional<std::string>& v) : name(n) {
    if (const char* o = std::getenv(n)) old = o;
    if (v)
      setenv(n, v->c_str(), 1);
    else
      unsetenv(n);
  }
  ~EnvGuard() {
    if (old)
      setenv(name.c_str(), old->c_str(), 1);
    else
      unsetenv(name.c_str());
  }
};
}  // namespace

TEST_CASE("home: option, then ZEROTIER_HOME, then the default", "[unit]") {
  zt_test::TempDir a, b;
  EnvGuard env("ZEROTIER_HOME", b.path);
  CHECK(locate({.home = a.path}).home == a.path);
  CHECK(locate({}).home == b.path);
  EnvGuard none("ZEROTIER_HOME", std::nullopt);
  CHECK(locate({}).home == "/var/lib/zerotier-one");
}

TEST_CASE("port: option, then the port file, then 9993", "[unit]") {
  zt_test::TempDir h;
  CHECK(locate({.home = h.path}).port == 9993);
  CHECK(locate({.home = h.path}).port_source == "default");
  std::ofstream(h.path + "/zerotier-one.port") << "29993";
  auto l = locate({.home = h.path});
  CHECK(l.port == 29993);
  CHECK(l.url_base == "http://127.0.0.1:29993");
  CHECK(locate({.home = h.path, .port = 4444}).port == 4444);
  std::ofstream(h.path + "/zerotier-one.port") << "99999";
  CHECK_THROWS_AS(locate({.home = h.path}), InputError);
  CHECK_THROWS_AS(locate({.home = h.path, .port = 0}), InputError);
}

TEST_CASE("token: named file, home file, then ~/.zeroTierOneAuthToken", "[unit]") {
  zt_test::TempDir h, user;
  EnvGuard home("HOME", user.path);
  // No token anywhere: a clear error with advice, naming the file.
  try {
    Client c({.home = h.path, .port = 1});
    FAIL("no error");
  } catch (const ApiError& e) {
    CHECK(e.failure() == Failure::token_unreadable);
    std::string m = e.what();
    CHECK(m.find(h.path + "/authtoken.secret") != std::string::npos);
    CHECK(m.find("run as root") != std::string::npos);
    CHECK(m.find("~/.zeroTierOneAuthToken") != std::string::npos);
  }
  // An unreadable home token (a directory here: root can read any mode) falls back to the user's copy.
  mkdir((h.path + "/authtoken.secret").c_str(), 0700);
  std::ofstream(user.path + "/.zeroTierOneAuthToken") << "usertoken0123456789abcd\n";
  Client c({.home = h.path, .port = 1});
  CHECK(c.location().token_file == user.path + "/.zeroTierOneAuthToken");
  // A named token file is used alone: no fallback.
  CHECK_THROWS_AS(Client({.home = h.path, .port = 1, .token_file = h.path + "/nope"}), ApiError);
}
