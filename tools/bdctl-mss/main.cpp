// bdctl-mss: TCP MSS clamping in bdctl's nftables table, and a path-MTU probe.
#include <map>

#include "verbs.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  static const mss_tool::Verb verbs[] = {
      {"set", "Install the clamp (replaces only bdctl-mss's own chains)", mss_tool::setup_set},
      {"clear", "Remove bdctl-mss's chains; other bdctl chains stay", mss_tool::setup_clear},
      {"status", "Compare the kernel's clamp with the expected one (exit 1 on drift)", mss_tool::setup_status},
      {"show", "Print the ruleset `set` would install, in nft syntax", mss_tool::setup_show},
      {"probe", "Find the path MTU to HOST and the MSS to clamp to", mss_tool::setup_probe},
  };
  CLI::App app{"TCP MSS clamping for forwarded connections, and a path-MTU probe", "bdctl-mss"};
  app.require_subcommand(1);
  cli::OutputOptions out;
  cli::add_output_flags(app, out);
  std::map<CLI::App*, mss_tool::Runner> runners;
  auto wanted = cli::verb_arg(argc, argv, {"set", "clear", "status", "show", "probe"});
  for (const auto& v : verbs) {
    auto* sub = app.add_subcommand(v.name, v.help);
    sub->fallthrough();                                  // --json/--text/--pretty may follow the verb
    if (wanted == v.name) runners[sub] = v.setup(*sub);  // the other verbs only list themselves
  }
  return cli::run(app, argc, argv, [&] {
    for (auto& [sub, run] : runners) {
      if (!sub->parsed()) continue;
      cli::Outcome o = run();
      cli::render(o, out);
      return o.exit_code;
    }
    return 0;  // unreachable: require_subcommand(1)
  });
}
