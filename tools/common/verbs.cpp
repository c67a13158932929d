#include "verbs.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace bdctl::cli {

namespace {

// Every long and short name of app's options, as typed; skip: one left out.
// A positional whose type name lists its words ("show|enable|disable") gives them too.
std::string option_words(const CLI::App& app, const CLI::Option* skip = nullptr) {
  std::string out;
  for (const auto* o : app.get_options()) {
    if (o == skip) continue;
    if (o->get_positional() && o->get_type_name().find('|') != std::string::npos) {
      std::string t = o->get_type_name();
      for (std::size_t at = 0, bar; at <= t.size(); at = bar + 1) {
        bar = std::min(t.find('|', at), t.size());
        out += t.substr(at, bar - at) + "\n";
      }
    }
    for (const auto& n : o->get_lnames()) out += "--" + n + "\n";
    for (const auto& n : o->get_snames()) out += "-" + n + "\n";
  }
  return out;
}

bool asks_for_words(int argc, char** argv) { return argc >= 2 && argv[1] == kCompletionWords; }

// The exit code, or the exit itself when the command left threads blocked in
// the kernel past its deadline (bdctl-check): waiting for them would hang.
int finish(const Outcome& o) {
  if (o.exit_now) {
    std::fflush(nullptr);
    std::_Exit(o.exit_code);
  }
  return o.exit_code;
}

}  // namespace

int run_verbs(const Tool& tool, const std::vector<Verb>& verbs, int argc, char** argv, ExitCodes codes) {
  CLI::App app{tool.about, tool.name};
  app.require_subcommand(1);
  if (tool.footer) app.footer(tool.footer);
  OutputOptions out;
  add_output_flags(app, out);
  if (tool.options) tool.options(app);
  std::string_view wanted;  // the verb named: only its options are built
  if (asks_for_words(argc, argv)) {
    std::string words;
    for (const auto& v : verbs) {
      if (argc >= 3 && std::string_view(v.name) == argv[2]) {
        auto* sub = app.add_subcommand(v.name, v.help);
        v.setup(*sub);
        // The verb's own --help stands for the tool's.
        write_stdout(option_words(*sub) + option_words(app, app.get_help_ptr()));
        return codes.ok;
      }
      words += std::string(v.name) + "\n";
    }
    if (argc >= 3) return codes.usage;  // not a verb: nothing to offer
    add_version_flag(app);
    write_stdout(words + option_words(app));
    return codes.ok;
  }
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
          return finish(o);
        }
        return codes.usage;  // unreachable: require_subcommand(1)
      },
      codes, tool.on_error);
}

int run_command(const Tool& tool, const std::function<Runner(CLI::App&)>& setup, int argc, char** argv,
                ExitCodes codes) {
  CLI::App app{tool.about, tool.name};
  if (tool.footer) app.footer(tool.footer);
  OutputOptions out;
  add_output_flags(app, out);
  if (tool.options) tool.options(app);
  Runner runner = setup(app);
  if (asks_for_words(argc, argv)) {
    add_version_flag(app);
    write_stdout(option_words(app));
    return codes.ok;
  }
  return run(
      app, argc, argv,
      [&] {
        Outcome o = runner();
        render(o, out);
        return finish(o);
      },
      codes, tool.on_error);
}

}  // namespace bdctl::cli
