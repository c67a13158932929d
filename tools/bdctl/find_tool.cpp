#include "find_tool.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <memory>
#include <set>

#include "bdctl/handles.hpp"

namespace bdctl::front {

namespace {
constexpr const char* kPrefix = "bdctl-";

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// PATH entries in order; empty entries (the current directory to a shell)
// are skipped so that `bdctl` never runs a file from wherever the user stands.
std::vector<std::string> path_dirs() {
  std::vector<std::string> dirs;
  const char* p = std::getenv("PATH");
  std::string path = p ? p : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    auto colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    if (colon > start) dirs.push_back(path.substr(start, colon - start));
    start = colon + 1;
  }
  return dirs;
}

std::vector<std::string> search_dirs(const std::optional<std::string>& beside) {
  std::vector<std::string> dirs;
  if (beside) dirs.push_back(*beside);
  for (auto& d : path_dirs()) dirs.push_back(std::move(d));
  return dirs;
}

}  // namespace

bool valid_verb(const std::string& verb) {
  if (verb.empty() || verb.size() > 64 || verb.front() == '-') return false;
  return std::all_of(verb.begin(), verb.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::optional<std::string> self_dir(const char* argv0) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string self;
  if (n > 0) {
    self.assign(buf, static_cast<std::size_t>(n));
  } else if (argv0 && std::string(argv0).find('/') != std::string::npos) {
    // No /proc (a bare chroot): a path in argv[0] still tells where we are.
    self = argv0;
  } else {
    return std::nullopt;
  }
  auto slash = self.rfind('/');
  if (slash == std::string::npos) return std::nullopt;
  return slash == 0 ? std::string("/") : self.substr(0, slash);
}

std::optional<std::string> find_tool(const std::string& verb, const std::optional<std::string>& beside) {
  if (!valid_verb(verb)) return std::nullopt;
  for (const auto& dir : search_dirs(beside)) {
    std::string candidate = std::string(dir).append("/").append(kPrefix).append(verb);
    if (is_executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

std::vector<std::string> available_verbs(const std::optional<std::string>& beside) {
  std::set<std::string> verbs;
  const std::string prefix = kPrefix;
  for (const auto& dir : search_dirs(beside)) {
    Dir d(::opendir(dir.c_str()));
    if (!d) continue;
    while (auto* e = ::readdir(d.get())) {
      std::string name = e->d_name;
      if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
      std::string verb = name.substr(prefix.size());
      if (valid_verb(verb) && is_executable_file(std::string(dir).append("/").append(name))) verbs.insert(verb);
    }
  }
  return {verbs.begin(), verbs.end()};
}

}  // namespace bdctl::front
