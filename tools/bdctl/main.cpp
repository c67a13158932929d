// bdctl: the front command. `bdctl VERB ARGS...` runs bdctl-VERB ARGS...,
// found beside this binary or in PATH, as git runs git-VERB. It links neither
// libbdctl nor CLI11: it only dispatches, and the Pi pays its start-up twice.
// Replacing itself with the tool (exec) is its whole job, so the standard's
// no-exec rule for tools, which keeps them from shelling out for work the
// library does, does not fit here.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "find_tool.hpp"
#include "usage.hpp"

#ifndef BDCTL_VERSION
#define BDCTL_VERSION "unknown"
#endif

using namespace bdctl::front;

namespace {
constexpr int kUsage = 2;
constexpr int kCannotRun = 1;

// --help and --version: exit 1 when stdout could not take them (a full disk),
// as every tool does, rather than 0 with nothing written.
int print(const std::string& text) {
  errno = 0;
  if (std::fputs(text.c_str(), stdout) >= 0 && std::fflush(stdout) == 0 && !std::ferror(stdout)) return 0;
  std::fprintf(stderr, "bdctl: writing output: %s\n", std::strerror(errno != 0 ? errno : EIO));
  return kCannotRun;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "bdctl: %s\n", message.c_str());
  return kUsage;
}

// Replace this process with bdctl-VERB; returns only on failure.
int run_tool(const std::string& verb, int argc, char** argv, int first_arg, const std::optional<std::string>& beside,
             const char* extra_arg = nullptr) {
  if (!valid_verb(verb)) return usage_error("'" + verb + "' is not a bdctl command; see 'bdctl --help'");
  auto path = find_tool(verb, beside);
  if (!path) return usage_error("'" + verb + "' is not a bdctl command (no bdctl-" + verb + "); see 'bdctl --help'");
  std::string name = "bdctl-" + verb;
  std::vector<char*> args;
  args.push_back(name.data());
  for (int i = first_arg; i < argc; ++i) args.push_back(argv[i]);
  if (extra_arg) args.push_back(const_cast<char*>(extra_arg));
  args.push_back(nullptr);
  ::execv(path->c_str(), args.data());
  std::fprintf(stderr, "bdctl: cannot run %s: %s\n", path->c_str(), std::strerror(errno));
  return kCannotRun;
}
}  // namespace

int main(int argc, char** argv) {
  auto beside = self_dir(argc > 0 ? argv[0] : nullptr);
  if (argc < 2) {
    std::fputs(help_text(beside).c_str(), stderr);
    return kUsage;
  }
  std::string first = argv[1];
  if (first == "-h" || first == "--help" || (first == "help" && argc == 2)) {
    return print(help_text(beside));
  }
  if (first == "--version" || first == "-V") {
    return print(std::string("bdctl ") + BDCTL_VERSION + "\n");
  }
  if (first == "help") {
    if (argc > 3) return usage_error("help takes one command name");
    return run_tool(argv[2], argc, argv, argc, beside, "--help");
  }
  if (!first.empty() && first.front() == '-') return usage_error("unknown option '" + first + "'; see 'bdctl --help'");
  return run_tool(first, argc, argv, 2, beside);
}
