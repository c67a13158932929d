// bdctl-bridge's library side: a Linux bridge holding the LAN interface and
// a ZeroTier interface, the Pi's addresses and routes moved onto it and back,
// and the `bridge bdctl` table that filters what crosses it.
//
// A layout is what the kernel holds for the three interfaces: whether the
// bridge exists and holds both, the addresses on the LAN or the bridge, and
// the routes through them. `up` and `down` each compute the layout they want
// and put() it; a rollback puts back the layout recorded before the change.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bdctl/nft.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/zerotier.hpp"

namespace bdctl {
class Config;
}

namespace bdctl::bridge {

inline constexpr const char* kDefaultName = "br-bdctl";
inline constexpr const char* kChain = "bridge_forward";
inline constexpr std::uint16_t kDefaultMss = 1360;
inline constexpr std::uint64_t kDefaultBroadcastLimit = 200;  // a second
std::string state_path();                                     // state_dir()/bridge.json: what the last up bridged

// [bridge], with the file:line each value came from ("" when defaulted).
struct Settings {
  bool configured = false;  // a [bridge] table exists
  std::string name = kDefaultName, name_source;
  std::optional<std::string> network;  // zerotier_network (default: site.zerotier_network)
  std::string network_source;
  std::uint64_t broadcast_limit = kDefaultBroadcastLimit;  // packets a second, LAN -> ZeroTier
  std::uint16_t mss = kDefaultMss;                         // 0: no clamp
};
// InputError naming file:line and the value: a name that is no interface
// name, a network that is not 16 hex digits, a rate or MSS out of range.
Settings settings_from(const Config& c);

// ---- filters -------------------------------------------------------------

struct Filters {
  std::string lan;  // the LAN port: its broadcasts are limited
  std::uint64_t broadcast_limit = kDefaultBroadcastLimit;
  std::uint16_t mss = kDefaultMss;
};
// The one chain of `bridge bdctl`: only ARP, IPv4 and IPv6 cross; DHCP and
// DHCPv6 never; the LAN's broadcast and multicast over the limit are dropped;
// TCP SYNs clamped to the fixed MSS (a bridge chain has no `rt mtu`).
std::vector<nft::DesiredChain> desired_chains(const Filters& f);

// ---- layout --------------------------------------------------------------

struct Names {
  std::string bridge, lan, zt;
  bool operator==(const Names&) const = default;
};

struct PlacedAddress {
  std::string ifname;
  Address address;  // ifindex unused: links are named, indexes change
  bool operator==(const PlacedAddress& o) const;
};
struct PlacedRoute {
  std::string ifname;
  Route route;  // oif unused
  bool operator==(const PlacedRoute& o) const;
};

struct Layout {
  Names names;
  bool bridge_exists = false;
  std::string lan_master, zt_master;  // the link holding each ("" none)
  std::string mac;                    // the LAN's (the bridge takes it)
  // IPv4 addresses and permanent global IPv6 on the LAN or the bridge:
  // link-local and autoconfigured ones are the kernel's and stay.
  std::vector<PlacedAddress> addresses;
  // Routes through the LAN or the bridge in every table but local, except
  // the kernel's own (from addresses) and those learnt from router adverts.
  std::vector<PlacedRoute> routes;
  bool bridged() const { return bridge_exists && lan_master == names.bridge && zt_master == names.bridge; }
  bool operator==(const Layout&) const = default;
};

Layout observe(Rtnl& rtnl, const Names& n);
// The layout up makes from a routed one: the bridge holding both, the LAN's
// addresses and routes on the bridge.
Layout bridged_from(const Layout& routed);
// The layout down makes from a bridged one (the inverse of bridged_from).
Layout routed_from(const Layout& bridged);
// The routed layout up starts from: the last up's record of these names
// (run again while bridged), else what the kernel holds now, any half-made
// bridge's addresses counted as the LAN's.
Layout routed_of(const Layout& now);
// One line per difference ("address 192.168.1.201/24 on br-bdctl, wanted on eth0").
std::vector<std::string> differences(const Layout& have, const Layout& want);

// Makes the kernel hold `want`, step by step (a bridge and its ports, then
// addresses, then routes; a delete before an add). Each step is idempotent,
// so a failed put is finished by another. Returns what it did, one line each.
std::vector<std::string> put(Rtnl& rtnl, const Layout& want);

void to_json(nlohmann::ordered_json& j, const Layout& l);
Layout layout_from(const nlohmann::ordered_json& j, const std::string& where);  // InputError naming where

// ---- preconditions -------------------------------------------------------

// What must hold before up changes anything; each failed one says what to do.
struct Precondition {
  std::string name;     // "zerotier.bridging", "zerotier.managed", "zerotier.mtu", "lan.address", ...
  std::string status;   // "ok", "warn", "fail", "unknown"
  std::string message;  // what was observed
  std::string fix;      // what to do ("" when ok)
};
struct Inputs {
  Names names;
  std::string network;                  // the ZeroTier network to bridge
  std::optional<zerotier::Network> zt;  // the service's view (nullopt: not joined or not asked)
  std::string zt_error;                 // why it could not be asked
  std::vector<Link> links;
  std::vector<Address> addresses;
  // The last up of these names recorded an IPv4 address on the LAN: up puts
  // it back even when it has since gone from the bridge.
  bool recorded_v4 = false;
};
std::vector<Precondition> preconditions(const Inputs& in);
// No precondition failed (warnings and unknowns let up go on only when forced).
bool may_proceed(const std::vector<Precondition>& p, bool force);

// ---- up / down / status --------------------------------------------------

struct UpResult {
  bool dry_run = false;
  Layout before, after;
  std::vector<std::string> steps;  // what put() did
  bool filters_changed = false;
  bool changed() const { return !steps.empty() || filters_changed; }
};
// network: recorded beside the layout, for status and bridge.* checks.
UpResult up(Rtnl& rtnl, const Names& n, const Filters& f, bool dry_run, const std::string& network);

struct DownResult {
  bool was_bridged = false;
  Layout before, after;
  std::vector<std::string> steps;
  bool filters_removed = false;
  bool changed() const { return !steps.empty() || filters_removed; }
};
// From the state file's record of what up moved; InputError when there is none.
DownResult down(Rtnl& rtnl);

// The names and filters the last up applied.
struct Recorded {
  Names names;
  std::string network;
  Filters filters;
  Layout routed;  // the layout before up: what down puts back
};
std::optional<Recorded> recorded();

struct Port {
  std::string role;  // "lan" or "zerotier"
  std::string name;
  bool exists = false;
  bool in_bridge = false;  // its master is the bridge
  bool up = false;         // carrier
  unsigned mtu = 0;
};
struct Status {
  Names names;
  bool bridged = false;    // the bridge exists and holds both ports
  bool bridge_up = false;  // admin up with carrier
  std::vector<Port> ports;
  std::vector<std::string> addresses;  // on the bridge
  std::vector<nft::ChainDrift> filters;
  std::vector<std::string> layout_drift;  // against what up recorded
  std::optional<bool> bridge_nf_call;     // br_netfilter sends bridged IPv4 through inet hooks (nullopt: not loaded)
  bool filters_ok() const;
  bool ok() const;
};
Status status(Rtnl& rtnl, const Recorded& r);

}  // namespace bdctl::bridge
