// Where bdctl keeps its files. Each default can be moved by an environment
// variable (tests and packagers use them); tools may also take an option.
#pragma once
#include <string>

namespace bdctl::paths {

std::string state_dir();    // BDCTL_STATE_DIR, else /var/lib/bdctl
std::string lock_dir();     // BDCTL_LOCK_DIR, else /run/bdctl/lock (root-only /run: no other user can plant it)
std::string run_dir();      // BDCTL_RUN_DIR, else /run/bdctl (a daemon's counters: tmpfs, no SD wear)
std::string sysctl_root();  // BDCTL_SYSCTL_ROOT, else /proc/sys
std::string sysctl_dir();   // BDCTL_SYSCTL_DIR, else /etc/sysctl.d
std::string config_file();  // BDCTL_CONFIG, else /etc/bdctl/bdctl.toml
std::string log_dir();      // BDCTL_LOG_DIR, else /var/log/bdctl
std::string sysfs_root();   // BDCTL_SYSFS_ROOT, else /sys (tests give a tree of their own)
// BDCTL_SYSTEMD_CONF_DIR, else /etc/systemd/system.conf.d (the manager's drop-ins)
std::string systemd_conf_dir();

}  // namespace bdctl::paths
