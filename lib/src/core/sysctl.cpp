#include "bdctl/sysctl.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <cerrno>

#include <algorithm>
#include <sstream>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/handles.hpp"
#include "bdctl/paths.hpp"

namespace bdctl {

namespace {

std::string trim(std::string s) {
  auto ws = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && ws(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// sysctl.d also accepts '/' as the separator; normalise to dots for comparison.
std::string normalise_key(std::string k) {
  if (k.find('/') != std::string::npos) std::replace(k.begin(), k.end(), '/', '.');
  return k;
}

void validate_key(const std::string& key) {
  if (key.empty() || key.find("..") != std::string::npos || key.front() == '/' || key.front() == '.')
    throw InputError(fmt::format("invalid sysctl key '{}'", key));
  for (unsigned char c : key)
    if (c <= ' ' || c >= 0x7f) throw InputError(fmt::format("invalid sysctl key '{}'", key));
}

}  // namespace

Sysctl::Sysctl(std::string root) : root_(std::move(root)) {}
Sysctl::Sysctl() : Sysctl(paths::sysctl_root()) {}

std::string Sysctl::path(const std::string& key) const {
  validate_key(key);
  std::string rel = key;
  if (rel.find('/') == std::string::npos) std::replace(rel.begin(), rel.end(), '.', '/');
  return root_ + "/" + rel;
}

std::optional<std::string> Sysctl::get(const std::string& key) const {
  auto content = read_file(path(key));
  if (!content) return std::nullopt;
  return trim(*content);
}

void Sysctl::set(const std::string& key, const std::string& value) const {
  // /proc/sys files are written in place, in one write, and never created.
  auto p = path(key);
  Fd fd(::open(p.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid()) throw SystemError(fmt::format("sysctl {}", key), errno);
  std::string line = value + "\n";
  ssize_t n = ::write(fd.get(), line.data(), line.size());
  int err = errno;
  if (n != ssize_t(line.size())) throw SystemError(fmt::format("sysctl {}={}", key, value), n < 0 ? err : EIO);
}

SysctlDropins::SysctlDropins() {
  dirs_.push_back(paths::sysctl_dir());
  if (dirs_.front() == "/etc/sysctl.d") {
    dirs_.insert(dirs_.end(), {"/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"});
    sysctl_conf_ = "/etc/sysctl.conf";
  }
}

SysctlDropins::SysctlDropins(std::vector<std::string> dirs, std::string sysctl_conf)
    : dirs_(std::move(dirs)), sysctl_conf_(std::move(sysctl_conf)) {}

std::string SysctlDropins::path(const std::string& name) const { return dirs_.front() + "/" + name; }

bool SysctlDropins::write(const std::string& name, const std::map<std::string, std::string>& values,
                          const std::string& comment) const {
  auto staged = stage(name, values, comment);
  if (!staged) return false;
  staged->commit();
  return true;
}

std::optional<StagedFile> SysctlDropins::stage(const std::string& name,
                                               const std::map<std::string, std::string>& values,
                                               const std::string& comment) const {
  std::string body = "# " + comment + "\n# Written by bdctl; it removes this file itself. Do not edit.\n";
  for (const auto& [k, v] : values) body.append(k).append(" = ").append(v).append("\n");
  // Unchanged files are not rewritten: every rewrite costs an fsync, which
  // on the Pi's SD card is the slowest step of a re-apply at boot.
  if (read_file(path(name)) == body) return std::nullopt;
  make_dirs(dirs_.front());
  return std::optional<StagedFile>(std::in_place, path(name), body, 0644);
}

bool SysctlDropins::remove(const std::string& name) const { return remove_file(path(name)); }

std::optional<PersistedValue> SysctlDropins::effective(const std::string& key) const {
  std::map<std::string, std::string> files;  // basename -> full path; first dir wins
  for (const auto& dir : dirs_) {
    Dir d(::opendir(dir.c_str()));
    if (!d) continue;
    // readdir() returns NULL for the end and for an error alike: errno tells
    // (EOVERFLOW on 32-bit without large-file offsets made a full directory
    // look empty).
    for (errno = 0; auto* e = ::readdir(d.get()); errno = 0) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.compare(n.size() - 5, 5, ".conf") == 0 && !files.count(n))
        files[n] = std::string(dir).append("/").append(n);
    }
    if (errno != 0) throw SystemError(dir, errno);
  }
  std::vector<std::string> order;
  order.reserve(files.size() + 1);
  for (const auto& [n, p] : files) order.push_back(p);
  if (!sysctl_conf_.empty()) order.push_back(sysctl_conf_);

  const std::string want = normalise_key(key);
  std::optional<PersistedValue> result;
  for (const auto& p : order) {
    std::optional<std::string> content;
    try {
      content = read_file(p);
    } catch (const SystemError&) {
      continue;  // unreadable files are skipped, as systemd-sysctl logs and goes on
    }
    if (!content) continue;
    std::istringstream in(*content);
    std::string line;
    while (std::getline(in, line)) {
      line = trim(line);
      if (line.empty() || line[0] == '#' || line[0] == ';') continue;
      if (line[0] == '-') line = line.substr(1);
      auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      if (normalise_key(trim(line.substr(0, eq))) == want) result = PersistedValue{trim(line.substr(eq + 1)), p};
    }
  }
  return result;
}

std::string sysctl_dotted(const std::string& key) {
  if (key.find('/') == std::string::npos) return key;  // already dotted
  std::string out;
  out.reserve(key.size());
  for (char c : key) out += c == '/' ? '.' : c == '.' ? '/' : c;
  return out;
}

}  // namespace bdctl
