#include "verbs.hpp"

#include <map>

namespace bdctl::cli {

int run_verbs(const Tool& tool, const std::vector<Verb>& verbs, int argc, char** argv, ExitCodes codes) {
  CLI::App app{tool.about, tool.name};
  app.require_subcommand(1);
  if (tool.footer) app.footer(tool.footer);
  OutputOptions out;
  add_output_flags(app, out);
  if (tool.options) tool.options(app);
  std::string_view wanted;  // the verb named: only its options are built
  for (int i = 1; i < argc && wanted.empty(); ++i)
    for (const auto& v : verbs)
      if (std::string_view(v.name) == argv[i]) wanted = v.name;
  std::map<CLI::App*, Runner> runners;
  for (const auto& v : verbs) {
    auto* sub = app.add_subcommand(v.name, v.help);
    sub->fallthrough();  // the tool's output flags may follow the verb
    if (wanted == v.name) runners[sub] = v.setup(*sub);
  }
  return run(
      app, argc, argv,
      [&] {
        for (auto& [sub, runner] : runners) {
          if (!sub->parsed()) continue;
          Outcome o = runner();
          render(o, out);
          return o.exit_code;
        }
        return codes.usage;  // unreachable: require_subcommand(1)
      },
      codes);
}

int run_command(const Tool& tool, const std::function<Runner(CLI::App&)>& setup, int argc, char** argv,
                ExitCodes codes) {
  CLI::App app{tool.about, tool.name};
  if (tool.footer) app.footer(tool.footer);
  OutputOptions out;
  add_output_flags(app, out);
  if (tool.options) tool.options(app);
  Runner runner = setup(app);
  return run(
      app, argc, argv,
      [&] {
        Outcome o = runner();
        render(o, out);
        return o.exit_code;
      },
      codes);
}

}  // namespace bdctl::cli
