// bdctl-repeat's verbs: each file adds one subcommand; render.hpp renders its result.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bdctl/repeater.hpp"
#include "verbs.hpp"

namespace bdctl::repeat_tool {

struct Flags {
  std::optional<std::string> config, lan, zt, zt_home;
};
void add_options(CLI::App& sub, Flags& f);

// The rules and the two interfaces, each with where it came from.
struct Setup {
  std::string config_path;
  std::vector<repeat::Rule> rules;
  std::string lan_if, lan_source, zt_if, zt_source;
};
// InputError for a bad rule or an interface that cannot be found.
Setup load(const Flags& f);

cli::Runner setup_run(CLI::App& sub);
cli::Runner setup_status(CLI::App& sub);
cli::Runner setup_show(CLI::App& sub);

}  // namespace bdctl::repeat_tool
