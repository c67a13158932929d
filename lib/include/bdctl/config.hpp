// The one configuration file all tools share (/etc/bdctl/bdctl.toml, parsed
// with toml++). Every tool also works without it, from flags alone.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace toml {
inline namespace v3 {
class table;
class node;
}  // namespace v3
}  // namespace toml

namespace bdctl {

class Config {
 public:
  // path: an explicit --config (must exist), or nullopt for the default
  // (paths::config_file(); a missing default file is an empty config).
  // A malformed file throws InputError "FILE:LINE:COL: message", a key no
  // tool reads InputError "FILE:LINE: unknown key a.b (did you mean c?)".
  static Config load(const std::optional<std::string>& path);
  // Any TOML, keys unchecked (tests, fuzzing); check_keys() is what load adds.
  static Config parse(const std::string& text, const std::string& source_name);
  void check_keys() const;

  Config();
  ~Config();
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;

  const std::string& path() const { return path_; }
  bool exists() const { return exists_; }
  const toml::table& root() const;
  // Non-fatal findings, e.g. a file with passwords readable by others.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Typed look-ups by dotted path ("site.subnet"); absent -> nullopt; present
  // with the wrong type -> InputError naming file, line and key.
  std::optional<std::string> get_string(const std::string& key) const;
  std::optional<long long> get_int(const std::string& key) const;
  std::optional<bool> get_bool(const std::string& key) const;
  std::optional<std::chrono::milliseconds> get_duration(const std::string& key) const;  // "2s"
  std::vector<std::string> get_strings(const std::string& key) const;                   // array of strings
  // Names of the sub-tables of a table ("relays" -> {"bms1", "emc2"}).
  std::vector<std::string> table_keys(const std::string& key) const;
  bool has(const std::string& key) const;  // a key or table at this path

  // "FILE:LINE: key 'site.subnet': " prefix for errors about a value.
  std::string where(const std::string& key) const;

 private:
  std::string path_;
  bool exists_ = false;
  std::vector<std::string> warnings_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bdctl
