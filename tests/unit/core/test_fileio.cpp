#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace bdctl;

namespace {
using test::TempDir;
std::size_t entries(const fs::path& dir) {
  return std::size_t(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
}  // namespace

TEST_CASE("a staged file replaces the old one only on commit", "[unit]") {
  TempDir t;
  auto p = (t.path / "state.json").string();
  write_file_atomic(p, "old\n");
  {
    StagedFile s(p, "new\n", 0600);
    CHECK(*read_file(p) == "old\n");
    CHECK(entries(t.path) == 2);  // the temporary beside it
    s.commit();
  }
  CHECK(*read_file(p) == "new\n");
  CHECK(entries(t.path) == 1);
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("a staged file dropped without commit leaves the old file and no temporary", "[unit]") {
  TempDir t;
  auto p = (t.path / "state.json").string();
  write_file_atomic(p, "old\n");
  {
    std::optional<StagedFile> s;
    s.emplace(p, "new\n");
    std::optional<StagedFile> moved(std::move(*s));
    s.reset();  // the moved-from one owns nothing
    CHECK(entries(t.path) == 2);
  }
  CHECK(*read_file(p) == "old\n");
  CHECK(entries(t.path) == 1);
}

TEST_CASE("staging into a missing directory fails before anything is written", "[unit]") {
  TempDir t;
  CHECK_THROWS_AS(StagedFile((t.path / "no/such/state.json").string(), "x"), SystemError);
  CHECK_THROWS_AS(check_dir_writable((t.path / "no/such/state.json").string()), SystemError);
  CHECK_NOTHROW(check_dir_writable((t.path / "state.json").string()));
}
