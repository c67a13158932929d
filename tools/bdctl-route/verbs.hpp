// The verb table: each verb registers its subcommand and returns the handler
// to run when that subcommand is chosen.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace bdctl::tool {

using Handler = std::function<int()>;

struct Verb {
  const char* name;
  const char* summary;
  Handler (*setup)(CLI::App& sub);
};

Handler setup_up(CLI::App& sub);
Handler setup_down(CLI::App& sub);
Handler setup_status(CLI::App& sub);
Handler setup_show(CLI::App& sub);

}  // namespace bdctl::tool
