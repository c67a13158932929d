// Options shared by up, status and show: which interfaces, which behaviour.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "bdctl/route.hpp"
#include "bdctl/rtnl.hpp"
#include "bdctl/site.hpp"
#include "cli.hpp"

namespace bdctl::tool {

struct RouteFlags {
  std::optional<std::string> zt, lan, lan_subnet, network, zt_home, zt_token_file, config, family;
  std::optional<int> zt_port;
  bool no_masquerade = false;
  bool allow_lan_initiated = false;
  bool allow_missing = false;
};

void add_route_flags(CLI::App& cmd, RouteFlags& f);

struct ResolvedRoute {
  route::Options options;
  std::string zt_source, lan_source;
  std::vector<std::string> warnings;  // for stderr: the file's, and flags that differ from it
  site::Site site;                    // the whole resolution, with sources (status shows it)
};

// Flags first, then the config file, then (for status/show) what the last up
// applied, then discovery (through rtnl, which the verb goes on using).
ResolvedRoute resolve(const RouteFlags& f, bool prefer_applied, Rtnl& rtnl);

}  // namespace bdctl::tool
