#include "bdctl/config.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

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

Config Config::load(const std::optional<std::string>& path) {
  std::string p = path ? *path : paths::config_file();
  auto text = read_file(p);
  if (!text) {
    if (path) throw InputError(fmt::format("config file '{}' does not exist", p));
    Config c;
    c.path_ = p;
    return c;
  }
  Config c = parse(*text, p);
  c.check_keys();
  struct stat st {};
  if (::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IROTH) && text->find("password") != std::string::npos)
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
