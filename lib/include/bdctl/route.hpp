// bdctl-route's library side: the ruleset that routes between the ZeroTier
// interface and the site LAN, forwarding sysctls, and their inspection.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bdctl/ipaddr.hpp"
#include "bdctl/nft.hpp"

namespace bdctl {
class Config;
class Rtnl;
}  // namespace bdctl
namespace bdctl::site {
struct Given;
struct Observed;
struct Site;
}  // namespace bdctl::site

namespace bdctl::route {

inline constexpr const char* kForwardChain = "route_forward";
inline constexpr const char* kNatChain = "route_postrouting";
// The chains of `inet bdctl` that bdctl-route owns (and alone replaces).
bool owns(const std::string& chain);
inline constexpr const char* kDropin = "90-bdctl-route.conf";

struct Options {
  std::string zt_if;  // exact name or a wildcard ("zt*")
  std::string lan_if;
  bool masquerade = true;
  bool allow_lan_initiated = false;
  bool ipv4 = true;
  bool ipv6 = true;
};

// [route] as written (defaults where absent); InputError naming file:line
// for a value of the wrong type or an unknown family.
struct FileSettings {
  std::string family = "both";  // ipv4, ipv6, both
  bool masquerade = true;
  bool allow_lan_initiated = false;
};
FileSettings file_settings(const Config& cfg);

// The chains bdctl-route owns, fully determined by the options.
std::vector<nft::DesiredChain> desired_chains(const Options& o);
// Global forwarding keys the options need ("net.ipv4.ip_forward", ...).
std::vector<std::string> forwarding_keys(const Options& o);

// ---- interface discovery -------------------------------------------------

struct Discovered {
  std::string zt_if, zt_source;    // source: "--zt", "config FILE:LINE", "zerotier api", "last up", "only zt* link"
  std::string lan_if, lan_source;  // "--lan", "route to 192.168.1.0/24", "managed route ...", "default route"
};

// The interfaces to route, from the resolved site (bdctl/site.hpp).
// InputError naming why one is unknown, or names no link (unless
// allow_missing: boot units run before the links exist).
Discovered interfaces(const site::Given& g, const site::Observed& o, const site::Site& s, bool allow_missing);

// ---- up / down ---------------------------------------------------------

struct SysctlChange {
  std::string key;
  std::string before;
  std::string after;
};

struct RouterRoute {  // what the site router needs with --no-masquerade
  std::string destination;
  std::string gateway;
};

// A foreign forward chain that drops (certain) or may drop the traffic bdctl
// routes: the backdoor does not work until `fix` is run.
struct Blocker {
  std::string chain;  // "ip filter FORWARD"
  bool certain = false;
  std::string fix;   // the exact commands
  std::string text;  // one line for the operator
};

struct UpResult {
  bool dry_run = false;
  bool rules_changed = false;
  std::vector<SysctlChange> sysctl;  // runtime values changed
  bool persisted_changed = false;
  std::string dropin;  // the drop-in file that persists forwarding
  std::vector<RouterRoute> router_routes;
  std::vector<std::string> warnings;
  std::vector<Blocker> blockers;  // the rules are in, but this drops the traffic anyway
  bool changed() const { return rules_changed || !sysctl.empty() || persisted_changed; }
};

struct UpParams {
  bool dry_run = false;  // validate against the kernel (no END), change nothing
  bool persist = true;   // write the sysctl.d drop-in
};

UpResult up(const Options& o, const UpParams& p, Rtnl& rtnl);

struct DownResult {
  std::vector<std::string> chains_removed;
  bool table_removed = false;
  std::vector<SysctlChange> sysctl;  // values restored
  bool dropin_removed = false;
  bool changed() const { return !chains_removed.empty() || !sysctl.empty() || dropin_removed; }
};

DownResult down();

// The options the last successful `up` applied, if bdctl remembers them.
std::optional<Options> applied_options();

// ---- status -------------------------------------------------------------

struct SysctlState {
  std::string key;
  std::optional<std::string> runtime;
  std::optional<std::string> persisted;  // the value it gets at boot
  std::string persisted_file;            // and the file deciding it
  bool ok = false;
};

struct InterfaceState {
  std::string role;  // "zerotier" or "lan"
  std::string name;
  bool exists = false;
  std::string operstate;
  unsigned mtu = 0;
  std::vector<std::string> addresses;
};

struct Status {
  Options options;
  std::vector<SysctlState> forwarding;  // global + per-interface
  std::vector<nft::ChainDrift> rules;   // per owned chain
  std::vector<InterfaceState> interfaces;
  std::vector<std::string> warnings;  // things that may defeat the rules
  std::vector<Blocker> blockers;      // things that do
  // The site is not what the rules were made for (site::Site::conflicts),
  // filled by the caller that resolved the site.
  std::vector<std::string> conflicts;
  bool rules_ok() const;
  bool forwarding_ok() const;
  bool interfaces_ok() const;  // each interface (or one link matching zt*) exists
  bool ok() const { return rules_ok() && forwarding_ok() && interfaces_ok() && blockers.empty() && conflicts.empty(); }
};

Status status(const Options& o, Rtnl& rtnl);

std::vector<Blocker> blockers(const Options& o, const std::vector<nft::ForeignChain>& forward_chains);

// Things outside bdctl that defeat forwarding: foreign forward-hook chains
// that drop it (blockers), iptables-legacy tables and strict rp_filter (warnings).
struct Interference {
  std::vector<Blocker> blockers;
  std::vector<std::string> warnings;
};
Interference interference(const Options& o, nft::Session& session);

}  // namespace bdctl::route
