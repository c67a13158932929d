// What every bdctl tool shares: output format flags, rendering one result
// document, and mapping errors to the documented exit codes. Tools only: the
// library never prints or exits.
#pragma once
#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bdctl::cli {

inline constexpr int kSchemaVersion = 1;

enum class Format { text, json };

struct OutputOptions {
  bool json = false;
  bool text = false;
  bool pretty = false;
  Format resolve() const;  // forced, else text on a TTY and JSON when piped (NO_COLOR-safe)
};

void add_output_flags(CLI::App& app, OutputOptions& out);
// -V/--version with the project's version (run() adds it; so do the
// completion words, which answer before run()).
void add_version_flag(CLI::App& app);

// A command's outcome: one JSON document (schema_version is added first) and
// the same content as human text, plus the exit code it implies.
struct Outcome {
  nlohmann::ordered_json json;
  std::string text;
  int exit_code = 0;
  // A command with output formats of its own (bdctl-check: nagios,
  // prometheus, --output FILE) renders itself instead of json/text.
  std::function<void(const OutputOptions&)> render_self = {};
  // Exit as soon as it is rendered: threads are still blocked in the kernel.
  bool exit_now = false;
};

// Prints the document or the text; SystemError ("writing output: <reason>")
// when stdout cannot take it (a full disk, a closed pipe with SIGPIPE ignored).
void render(const Outcome& o, const OutputOptions& out);

// The whole string to stdout and flushed, or SystemError as render().
void write_stdout(std::string_view s);

struct ExitCodes {
  int ok = 0;
  int failed = 1;  // operation failed (SystemError)
  int usage = 2;   // bad input or usage (InputError, CLI11 parse errors)
};

// Parse argv and run the selected subcommand handler; errors become one line
// on stderr ("<tool>: <message>") and the matching exit code, and are handed
// to on_error (bdctl-check's Nagios and Prometheus output report them too).
// Adds -V/--version with the project's version.
int run(CLI::App& app, int argc, char** argv, const std::function<int()>& body, ExitCodes codes = {},
        const std::function<void(const std::string&)>& on_error = {});

// A duration option's value: InputError "--wait: '2x' is not a duration (...)".
std::chrono::milliseconds duration_option(std::string_view option, std::string_view text);

// Feedback on long work: one status line on stderr, rewritten in place, only
// when stderr is a terminal (nothing extra when piped or logged). "" clears it.
void status_line(std::string_view line);

// A document with schema_version first.
nlohmann::ordered_json document();
// An outcome whose document starts schema_version, command, ok, with the
// exit code ok implies (0, else 1).
Outcome verdict(const char* command, bool ok);

}  // namespace bdctl::cli
