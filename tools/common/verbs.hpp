// One verb table type for every tool, as wg.c's subcommands[]: the table
// drives parsing, --help, the verb list in usage errors and -V/--version.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"

namespace bdctl::cli {

// A verb's setup adds its options to `sub` and returns what runs it. Only the
// verb named on the command line is set up: building every verb's CLI11
// options cost more start-up time than the whole work of `bdctl-route up`
// (callgrind).
using Runner = std::function<Outcome()>;
struct Verb {
  const char* name;
  const char* help;
  std::function<Runner(CLI::App&)> setup;
};

struct Tool {
  const char* name;    // "bdctl-config"
  const char* about;   // the first lines of --help
  const char* footer;  // examples, exit status, the man page
  // Options every verb shares, given before the verb (bdctl-relay -c FILE pulse ...).
  std::function<void(CLI::App&)> options = {};
  // Also told of a failure after its one line on stderr (bdctl-check's
  // Nagios and Prometheus outputs report it too).
  std::function<void(const std::string&)> on_error = {};
};

// `TOOL --completion-words [VERB]` prints, one per line, the words the table
// gives the shell: the verbs and the tool's options, or the options of VERB.
// The bash completions ask for them, so they never fall behind the table.
inline constexpr std::string_view kCompletionWords = "--completion-words";

// Parses argv against the table, runs the named verb and renders its outcome;
// --json/--text/--pretty are accepted before or after the verb. Returns the exit code.
int run_verbs(const Tool& tool, const std::vector<Verb>& verbs, int argc, char** argv, ExitCodes codes = {});

// A tool that is one command, no verb (bdctl-confirm): the same parsing,
// rendering and exit codes as run_verbs.
int run_command(const Tool& tool, const std::function<Runner(CLI::App&)>& setup, int argc, char** argv,
                ExitCodes codes = {});

}  // namespace bdctl::cli
