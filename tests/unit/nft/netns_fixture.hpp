// Each [netns] test case runs in a fresh network namespace of its own (CTest
// runs every case as its own process), so the host's ruleset is never touched.
#pragma once
#include <sched.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

inline void enter_private_netns() {
  if (::unshare(CLONE_NEWNET) != 0) FAIL("unshare(CLONE_NEWNET) failed: these tests need root");
}

// Run a shell command in the test's namespace and return its stdout.
inline std::string sh(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int rc = ::pclose(p);
  INFO(cmd << "\n" << out);
  REQUIRE(rc == 0);
  return out;
}
