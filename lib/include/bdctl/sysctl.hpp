// Kernel parameters through /proc/sys (never the sysctl binary), and their
// persistence through bdctl's own drop-in in /etc/sysctl.d.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bdctl/fileio.hpp"

namespace bdctl {

class Sysctl {
 public:
  explicit Sysctl(std::string root);  // e.g. "/proc/sys"
  Sysctl();                           // paths::sysctl_root()

  // key as sysctl spells it: "net.ipv4.ip_forward"; a key with '/' is taken
  // as a path below root ("net/ipv4/conf/eth0.100/forwarding").
  std::optional<std::string> get(const std::string& key) const;  // trimmed; nullopt if absent
  void set(const std::string& key, const std::string& value) const;
  std::string path(const std::string& key) const;

 private:
  std::string root_;
};

// A key as sysctl(8) prints it, whatever form it was given in: a path's '/'
// become '.', and a '.' inside a component (the interface eth0.100) becomes
// '/': "net/ipv4/conf/eth0.100/forwarding" -> "net.ipv4.conf.eth0/100.forwarding".
// The one spelling every JSON document uses.
std::string sysctl_dotted(const std::string& key);

// A value that takes effect at boot, and the file that decides it.
struct PersistedValue {
  std::string value;
  std::string file;
};

class SysctlDropins {
 public:
  // dirs in precedence order as systemd-sysctl reads them; the first is where
  // bdctl writes. Default: paths::sysctl_dir(), plus the system directories
  // and /etc/sysctl.conf when that is /etc/sysctl.d.
  SysctlDropins();
  explicit SysctlDropins(std::vector<std::string> dirs, std::string sysctl_conf = "");

  // Replace bdctl's drop-in `name` (e.g. "90-bdctl-route.conf") with these keys.
  // Returns false, and writes nothing, when the file already says exactly this.
  bool write(const std::string& name, const std::map<std::string, std::string>& values,
             const std::string& comment) const;
  // write() in two steps (see StagedFile); nothing when the file already says it.
  std::optional<StagedFile> stage(const std::string& name, const std::map<std::string, std::string>& values,
                                  const std::string& comment) const;
  bool remove(const std::string& name) const;
  std::string path(const std::string& name) const;

  // The value the key gets at boot, following systemd-sysctl's order: files
  // sorted by name across dirs (a name in an earlier dir masks later ones),
  // later assignments win, /etc/sysctl.conf last.
  std::optional<PersistedValue> effective(const std::string& key) const;

 private:
  std::vector<std::string> dirs_;
  std::string sysctl_conf_;
};

}  // namespace bdctl
