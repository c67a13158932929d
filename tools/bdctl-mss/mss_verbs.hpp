// bdctl-mss's verbs: each file adds one subcommand; render.hpp renders its result.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>

#include "bdctl/mss.hpp"
#include "cli.hpp"
#include "verbs.hpp"  // tools/common

namespace bdctl::mss_tool {

// The clamp options shared by set, show and status (strings: the library
// checks ranges so every error names the value the user typed).
struct ModeArgs {
  std::optional<std::string> mss, mtu, iface, family, config;
  bool pppoe = false, pmtu = false, local = false;
  bool any_mode() const { return mss || mtu || pppoe || pmtu; }
};
void add_mode_options(CLI::App& sub, ModeArgs& a);
mss::Options to_options(const ModeArgs& a);  // InputError when no mode or a bad value
// The flags' clamp, else the config's [mss] (nullopt: neither says one).
struct Resolved {
  mss::Options options;
  std::string source;                 // "options" or "config FILE"
  std::vector<std::string> warnings;  // for stderr: the file's, and a flag that differs from it
};
std::optional<Resolved> resolve_options(const ModeArgs& a);
unsigned parse_count(const std::string& flag, const std::string& text);

// Each verb registers its subcommand; the returned function runs it.
using cli::Runner;
Runner setup_set(CLI::App& sub);
Runner setup_clear(CLI::App& sub);
Runner setup_status(CLI::App& sub);
Runner setup_show(CLI::App& sub);
Runner setup_probe(CLI::App& sub);

}  // namespace bdctl::mss_tool
