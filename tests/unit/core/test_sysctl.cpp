#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/sysctl.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace bdctl;

namespace {
using test::TempDir;
void put(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << s;
}
}  // namespace

TEST_CASE("sysctl reads and writes keys below its root", "[unit]") {
  TempDir t;
  put(t.path / "net/ipv4/ip_forward", "0\n");
  put(t.path / "net/ipv4/conf/eth0.100/forwarding", "1\n");
  Sysctl s(t.path.string());
  CHECK(s.get("net.ipv4.ip_forward") == "0");
  s.set("net.ipv4.ip_forward", "1");
  CHECK(s.get("net.ipv4.ip_forward") == "1");
  CHECK(*read_file((t.path / "net/ipv4/ip_forward").string()) == "1\n");
  CHECK(s.get("net/ipv4/conf/eth0.100/forwarding") == "1");
  CHECK_FALSE(s.get("net.ipv4.nonexistent").has_value());
  CHECK_THROWS_AS(s.get("../etc/passwd"), InputError);
  CHECK_THROWS_AS(s.set("net.ipv4.nonexistent", "1"), SystemError);
}

TEST_CASE("drop-ins follow systemd-sysctl precedence", "[unit]") {
  TempDir t;
  auto etc = t.path / "etc", lib = t.path / "lib";
  put(lib / "50-default.conf", "net.ipv4.ip_forward = 0\n");
  SysctlDropins d({etc.string(), lib.string()}, (t.path / "sysctl.conf").string());
  CHECK(d.effective("net.ipv4.ip_forward")->value == "0");

  CHECK(d.write("90-bdctl-route.conf", {{"net.ipv4.ip_forward", "1"}}, "test"));
  // The same content again is not rewritten (no fsync on a re-apply); other content is.
  auto path = etc / "90-bdctl-route.conf";
  auto mtime = fs::last_write_time(path);
  fs::last_write_time(path, mtime - std::chrono::hours(1));
  CHECK_FALSE(d.write("90-bdctl-route.conf", {{"net.ipv4.ip_forward", "1"}}, "test"));
  CHECK(fs::last_write_time(path) == mtime - std::chrono::hours(1));
  CHECK(d.write("90-bdctl-route.conf", {{"net.ipv4.ip_forward", "1"}}, "changed comment"));
  CHECK(d.write("90-bdctl-route.conf", {{"net.ipv4.ip_forward", "1"}}, "test"));
  auto v = d.effective("net.ipv4.ip_forward");
  REQUIRE(v);
  CHECK(v->value == "1");
  CHECK(v->file == (etc / "90-bdctl-route.conf").string());

  // A later file (by name) wins, wherever it lives, and so does sysctl.conf.
  put(lib / "99-cis.conf", "net/ipv4/ip_forward=0\n");
  CHECK(d.effective("net.ipv4.ip_forward")->file == (lib / "99-cis.conf").string());
  // A same-named file in an earlier directory masks the later one.
  put(etc / "99-cis.conf", "# masked\n");
  CHECK(d.effective("net.ipv4.ip_forward")->value == "1");
  put(t.path / "sysctl.conf", "net.ipv4.ip_forward=0\n");
  CHECK(d.effective("net.ipv4.ip_forward")->value == "0");

  CHECK(d.remove("90-bdctl-route.conf"));
  CHECK_FALSE(d.remove("90-bdctl-route.conf"));
}

TEST_CASE("atomic writes replace the whole file", "[unit]") {
  TempDir t;
  auto p = (t.path / "f").string();
  write_file_atomic(p, "one");
  write_file_atomic(p, "two", 0600);
  CHECK(*read_file(p) == "two");
  CHECK((fs::status(p).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK_THROWS_AS(write_file_atomic((t.path / "missing/dir/f").string(), "x"), SystemError);
  CHECK(*read_file(p) == "two");
}

TEST_CASE("sysctl keys are spelt as sysctl(8) prints them", "[unit]") {
  CHECK(bdctl::sysctl_dotted("net.ipv4.ip_forward") == "net.ipv4.ip_forward");
  CHECK(bdctl::sysctl_dotted("net/ipv4/conf/eth0/forwarding") == "net.ipv4.conf.eth0.forwarding");
  CHECK(bdctl::sysctl_dotted("net/ipv4/conf/eth0.100/forwarding") == "net.ipv4.conf.eth0/100.forwarding");
}
