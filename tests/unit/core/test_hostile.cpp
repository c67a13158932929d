// The core's defences against what other users and other programs can plant
// or send (#12): printable text, bounded reads, planted temporaries, unsafe
// lock directories, credentials in urls.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/http.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/printable.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace bdctl;
using test::TempDir;

TEST_CASE("printable escapes controls, keeps UTF-8 and bounds the length", "[unit]") {
  CHECK(printable("eth0") == "eth0");
  CHECK(printable("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(printable("x\r\nOK forged") == "x\\x0d\\x0aOK forged");
  CHECK(printable("line\n", std::string::npos, true) == "line\n");
  CHECK(printable("caf\xc3\xa9") == "caf\xc3\xa9");  // é stays
  CHECK(printable("\xc2\x9b"
                  "31m") == "\\xc2\\x9b31m");    // C1 CSI escaped
  CHECK(printable("\xff\xfe") == "\\xff\\xfe");  // not UTF-8
  CHECK(printable("\x7f") == "\\x7f");
  std::string big(10000, 'x');
  auto cut = printable(big, 100);
  CHECK(cut.size() < 130);
  CHECK(cut.find("...(10000 bytes)") != std::string::npos);
}

TEST_CASE("reads are bounded: /dev/zero ends in an error, not bad_alloc", "[unit]") {
  try {
    read_file("/dev/zero", 4096);
    FAIL("read /dev/zero to the end");
  } catch (const SystemError& e) {
    CHECK(std::string(e.what()) == "/dev/zero: longer than 4 KiB");
  }
}

TEST_CASE("a planted link at the old predictable temporary name is never followed", "[unit]") {
  TempDir t;
  auto victim = (t.path / "victim").string();
  std::ofstream(victim) << "keep\n";
  auto p = (t.path / "out.prom").string();
  fs::create_symlink(victim, p + ".tmp." + std::to_string(::getpid()));
  fs::create_symlink(victim, p);
  write_file_atomic(p, "new\n");
  CHECK(*read_file(victim) == "keep\n");
  CHECK(fs::is_regular_file(fs::symlink_status(p)));
  CHECK(*read_file(p) == "new\n");
}

TEST_CASE("a dead run's temporaries are removed by the next write, a live one's kept", "[unit]") {
  TempDir t;
  auto p = (t.path / "state.json").string();
  std::ofstream(p + ".tmp.4194399") << "dead";
  std::ofstream(p + ".tmp.4194398.abc123") << "dead";
  std::ofstream(p + ".tmp.1") << "init is alive";
  std::ofstream(p + ".tmpfoo") << "not ours";
  write_file_atomic(p, "x");
  CHECK_FALSE(fs::exists(p + ".tmp.4194399"));
  CHECK_FALSE(fs::exists(p + ".tmp.4194398.abc123"));
  CHECK(fs::exists(p + ".tmp.1"));
  CHECK(fs::exists(p + ".tmpfoo"));
}

namespace {
struct LockDirEnv {
  explicit LockDirEnv(const std::string& d) { ::setenv("BDCTL_LOCK_DIR", d.c_str(), 1); }
  ~LockDirEnv() { ::unsetenv("BDCTL_LOCK_DIR"); }
  LockDirEnv(const LockDirEnv&) = delete;
  LockDirEnv& operator=(const LockDirEnv&) = delete;
};
std::string refusal(const std::string& dir) {
  LockDirEnv env(dir);
  try {
    open_lock_dir();
  } catch (const SystemError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("the lock directory is refused when others can write it or plant in it", "[unit]") {
  TempDir t;
  ::chmod(t.path.c_str(), 0755);
  auto open = (t.path / "open").string();
  fs::create_directory(open);
  ::chmod(open.c_str(), 0777);
  CHECK(refusal(open).find("is writable by others (mode 0777)") != std::string::npos);
  CHECK(refusal(open + "/below").find(open + " is writable by others") != std::string::npos);

  auto sticky = (t.path / "sticky").string();
  fs::create_directory(sticky);
  ::chmod(sticky.c_str(), 01777);
  CHECK(refusal(sticky + "/lock") == "");  // a sticky /tmp above is fine
  struct stat st {};
  REQUIRE(::stat((sticky + "/lock").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);

  fs::create_directory_symlink(sticky + "/lock", t.path / "link");
  CHECK(refusal((t.path / "link").string()) == "");  // followed once, then checked where it leads

  if (::geteuid() == 0) {
    auto theirs = (t.path / "theirs").string();
    fs::create_directory(theirs);
    REQUIRE(::chown(theirs.c_str(), 65534, 65534) == 0);
    CHECK(refusal(theirs).find("owned by uid 65534") != std::string::npos);
  }
}

TEST_CASE("a lock file is never a link, and is re-checked after the flock", "[unit]") {
  TempDir t;
  ::chmod(t.path.c_str(), 0755);
  auto dir = (t.path / "lock").string();
  LockDirEnv env(dir);
  open_lock_dir();
  fs::create_symlink(t.path / "victim", fs::path(dir) / "x.lock");
  CHECK_THROWS_AS(open_lock_file("x.lock"), SystemError);
  CHECK_FALSE(fs::exists(t.path / "victim"));
  FileLock held("ok.lock", std::chrono::milliseconds(0));
  CHECK_THROWS_AS(FileLock("ok.lock", std::chrono::milliseconds(0)), LockBusy);
}

TEST_CASE("credentials in a url are found and redacted", "[unit]") {
  CHECK(http::url_has_credentials("http://admin:pw@10.0.0.5/"));
  CHECK(http::url_has_credentials("https://u@h:8080"));
  CHECK_FALSE(http::url_has_credentials("http://10.0.0.5/path@x"));
  CHECK_FALSE(http::url_has_credentials("http://10.0.0.5"));
  CHECK(http::redact_url("http://admin:pw@10.0.0.5:81/x") == "http://10.0.0.5:81/x");
  CHECK(http::redact_url("http://10.0.0.5/a@b") == "http://10.0.0.5/a@b");
}

TEST_CASE("a message written whole keeps its errno (SystemError::with_code)", "[unit]") {
  SystemError e = SystemError::with_code("add rule inet bdctl x: No such file or directory", ENOENT);
  CHECK(e.code() == ENOENT);
  CHECK(std::string(e.what()) == "add rule inet bdctl x: No such file or directory");
}
