#include "bdctl/config.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <toml++/toml.h>

#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/paths.hpp"
#include "schema.hpp"
#include "toml_guard.hpp"

namespace bdctl {

struct Config::Impl {
  toml::table root;
};

Config::Config() : impl_(std::make_unique<Impl>()) {}
Config::~Config() = default;
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;

const toml::table& Config::root() const { return impl_->root; }

Config Config::parse(const std::string& text, const std::string& source_name) {
  Config c;
  c.path_ = source_name;
  c.exists_ = true;
  if (auto r = config_detail::refuse_for_toml(text))
    throw InputError(fmt::format("{}:{}:{}: {}", source_name, r->at.line, r->at.column, r->why));
  try {
    c.impl_->root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw InputError(fmt::format("{}:{}:{}: {}", source_name, b.line, b.column, e.description()));
  }
  return c;
}

namespace {
constexpr std::size_t kMaxConfig = std::size_t(1) << 20;  // a site's config is a few KiB

// Root acts on this file: one another user can write would hand them root's
// relays and firewall, as sshd refuses such an authorized_keys.
void check_owner(const std::string& p, const struct stat& st) {
  const uid_t me = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != me)
    throw InputError(
        fmt::format("config file {} is owned by uid {}, not root: refusing a file another user "
                    "controls (chown root {})",
                    p, st.st_uid, p));
  // Devices are 0666 by design (--config /dev/null: no config); files are not.
  if (S_ISREG(st.st_mode) && ((st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) && st.st_gid != 0)))
    throw InputError(fmt::format("config file {} has mode {:04o}: writable by other users, refusing it (chmod go-w {})",
                                 p, st.st_mode & 07777, p));
}
}  // namespace

Config Config::load(const std::optional<std::string>& path) {
  std::string p = path ? *path : paths::config_file();
  struct stat st {};
  std::optional<std::string> text;
  try {
    text = read_file(p, kMaxConfig, &st);
  } catch (const SystemError& e) {
    if (e.code() == EFBIG)
      throw InputError(fmt::format("config file {}: larger than {} (not a bdctl config)", p, size_text(kMaxConfig)));
    throw;
  }
  if (!text) {
    if (path) throw InputError(fmt::format("config file '{}' does not exist", p));
    Config c;
    c.path_ = p;
    return c;
  }
  check_owner(p, st);
  Config c = parse(*text, p);
  c.check_keys();
  if ((st.st_mode & S_IROTH) && text->find("password") != std::string::npos)
    c.warnings_.push_back(fmt::format("{} holds passwords and is readable by other users (chmod 600 {})", p, p));
  return c;
}

void Config::check_keys() const { config_detail::check_keys(impl_->root, path_); }

std::string Config::where(const std::string& key) const {
  auto node = impl_->root.at_path(key);
  if (node) {
    const auto& s = node.node()->source();
    return fmt::format("{}:{}: key '{}'", path_, s.begin.line, key);
  }
  return fmt::format("{}: key '{}'", path_, key);
}

namespace {
template <class T>
std::optional<T> typed(const Config& c, const toml::table& root, const std::string& key, const char* type) {
  auto node = root.at_path(key);
  if (!node) return std::nullopt;
  if (auto v = node.value_exact<T>()) return *v;
  throw InputError(fmt::format("{}: expected {}", c.where(key), type));
}
}  // namespace

std::optional<std::string> Config::get_string(const std::string& key) const {
  return typed<std::string>(*this, impl_->root, key, "a string");
}
std::optional<long long> Config::get_int(const std::string& key) const {
  auto v = typed<int64_t>(*this, impl_->root, key, "an integer");
  return v ? std::optional<long long>(*v) : std::nullopt;
}
std::optional<bool> Config::get_bool(const std::string& key) const {
  return typed<bool>(*this, impl_->root, key, "true or false");
}
std::optional<std::chrono::milliseconds> Config::get_duration(const std::string& key) const {
  auto s = get_string(key);
  if (!s) return std::nullopt;
  try {
    return parse_duration(*s);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", where(key), e.what()));
  }
}
std::vector<std::string> Config::get_strings(const std::string& key) const {
  std::vector<std::string> out;
  auto node = impl_->root.at_path(key);
  if (!node) return out;
  auto* arr = node.as_array();
  if (!arr) throw InputError(fmt::format("{}: expected an array of strings", where(key)));
  for (auto& el : *arr) {
    auto v = el.value_exact<std::string>();
    if (!v) throw InputError(fmt::format("{}: expected an array of strings", where(key)));
    out.push_back(*v);
  }
  return out;
}
bool Config::has(const std::string& key) const { return static_cast<bool>(impl_->root.at_path(key)); }

std::vector<std::string> Config::table_keys(const std::string& key) const {
  std::vector<std::string> out;
  auto node = impl_->root.at_path(key);
  if (!node) return out;
  auto* t = node.as_table();
  if (!t) throw InputError(fmt::format("{}: expected a table", where(key)));
  for (auto& [k, v] : *t)
    if (v.is_table()) out.emplace_back(k.str());
  return out;
}

}  // namespace bdctl
