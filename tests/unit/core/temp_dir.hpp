// A private temporary directory for one test case, removed with everything in it.
#pragma once
#include <stdlib.h>

#include <filesystem>

namespace bdctl::test {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/bdctl-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace bdctl::test
