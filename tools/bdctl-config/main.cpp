// bdctl-config: validate bdctl.toml, and show the site every tool resolves from it.
#include "config_verbs.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  static const cli::Tool tool{"bdctl-config",
                              "Validate the configuration file every bdctl tool reads, and show the site\n"
                              "they resolve from it: the ZeroTier network and interface, the LAN interface\n"
                              "and prefixes, the managed routes, each with where it came from.",
                              "Examples:\n"
                              "  bdctl-config check\n"
                              "  bdctl-config check --config /tmp/new.toml && cp /tmp/new.toml /etc/bdctl/bdctl.toml\n"
                              "  bdctl-config show --json | jq .site.lan_interface\n"
                              "Exit status: 0 ok, 1 the site is not fully resolved (show) or cannot be read,\n"
                              "2 a bad file or usage. See bdctl-config(8), bdctl.toml(5)."};
  return cli::run_verbs(
      tool,
      {
          {"check", "Validate the file: syntax, known keys, every value's type and range", config_tool::setup_check},
          {"show", "Print the resolved site, each value with its source (exit 1 if incomplete)",
           config_tool::setup_show},
      },
      argc, argv);
}
