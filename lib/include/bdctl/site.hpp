// The site, resolved once and the same way for every tool: the ZeroTier
// network and its interface, the LAN interface and prefixes, the Pi's
// addresses on both sides, and the managed routes the site needs. Every
// value says where it came from, so that `status`, check's details and
// `bdctl config show` can show why the tools think what they think.
//
// resolve() works on what observe() read (links, addresses, routes, what the
// last `bdctl-route up` recorded, the ZeroTier service's networks), so the
// rules are unit-tested without a kernel or a service.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bdctl/ipaddr.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/zerotier.hpp"

#include <nlohmann/json_fwd.hpp>

namespace bdctl {
class Config;
}

namespace bdctl::site {

template <class T>
struct Sourced {
  T value;
  std::string source;  // "--lan", "config /etc/bdctl/bdctl.toml:4", "last up", "zerotier service", ...
};

// What the operator said: flags first, then the config file.
struct Given {
  std::optional<Sourced<std::string>> network;  // 16 hex digits, validated
  std::optional<Sourced<std::string>> zt_if;
  std::optional<Sourced<std::string>> lan_if;
  std::optional<Sourced<Prefix>> lan_subnet;
};
// The [site] values the flags left unset, each with its file and line.
// InputError naming file:line for a malformed value.
Given with_config(Given flags, const Config& cfg);

// The interfaces the last `bdctl-route up` installed rules for.
struct Recorded {
  std::string zt_if, lan_if;
};

// What the system holds, read once.
struct Observed {
  std::vector<Link> links;
  std::vector<Address> addresses;
  std::optional<Route> default_v4, default_v6;
  std::vector<Route> routes;  // main table, both families (a LAN behind a router)
  std::optional<Recorded> recorded;
  // The service's joined networks; nullopt when it could not be asked (then why).
  std::optional<std::vector<zerotier::Network>> networks;
  std::string zerotier_error;
};

struct ObserveOptions {
  zerotier::ClientOptions zt;  // how to reach the service
  bool ask_zerotier = true;
  bool read_recorded = true;
};
Observed observe(const Given& g, const ObserveOptions& o, Rtnl& rtnl);

// A managed route the ZeroTier network needs so that members reach the LAN:
// the LAN prefix (widened by one bit, so that LAN devices running ZeroTier
// keep their local path) via this node's address of the same family.
struct NeededRoute {
  Prefix target;
  std::optional<IpAddr> via;  // nullopt: this node has no address of the family on the network
  // The network has a route covering the LAN via this node; nullopt when the
  // service was not asked (unknown, not missing).
  std::optional<bool> present;
};

struct Site {
  std::optional<Sourced<std::string>> network;
  std::optional<Sourced<std::string>> zt_if;
  std::optional<Sourced<std::string>> lan_if;
  std::vector<Sourced<Prefix>> lan_prefixes;  // IPv4 and global IPv6, network form
  std::vector<Prefix> zt_addresses, lan_addresses;
  std::vector<NeededRoute> routes;
  // Sources that disagree with the value chosen ("last up routed ztold0; the
  // ZeroTier service serves ztnew0 now"): the site is not what bdctl set up.
  std::vector<std::string> conflicts;
  std::vector<std::string> notes;  // what could not be resolved, and why
};

Site resolve(const Given& g, const Observed& o);

// One line per value with its source, for text output.
std::string describe(const Site& s);
// {"network": {"value","source"}|null, "zerotier_interface", "lan_interface",
//  "lan_prefixes": [{"value","source"}], "zerotier_addresses", "lan_addresses",
//  "routes": [{"target","via","present"}], "conflicts", "notes"}
void to_json(nlohmann::ordered_json& j, const Site& s);

}  // namespace bdctl::site
