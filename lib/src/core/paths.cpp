#include "bdctl/paths.hpp"

#include <cstdlib>

namespace bdctl::paths {

static std::string env_or(const char* var, const char* fallback) {
  const char* v = std::getenv(var);
  return v && *v ? v : fallback;
}

std::string state_dir() { return env_or("BDCTL_STATE_DIR", "/var/lib/bdctl"); }
std::string lock_dir() { return env_or("BDCTL_LOCK_DIR", "/run/bdctl/lock"); }
std::string run_dir() { return env_or("BDCTL_RUN_DIR", "/run/bdctl"); }
std::string sysctl_root() { return env_or("BDCTL_SYSCTL_ROOT", "/proc/sys"); }
std::string sysctl_dir() { return env_or("BDCTL_SYSCTL_DIR", "/etc/sysctl.d"); }
std::string config_file() { return env_or("BDCTL_CONFIG", "/etc/bdctl/bdctl.toml"); }
std::string log_dir() { return env_or("BDCTL_LOG_DIR", "/var/log/bdctl"); }
std::string sysfs_root() { return env_or("BDCTL_SYSFS_ROOT", "/sys"); }
std::string systemd_conf_dir() { return env_or("BDCTL_SYSTEMD_CONF_DIR", "/etc/systemd/system.conf.d"); }

}  // namespace bdctl::paths
