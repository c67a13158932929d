#include "cli.hpp"

#include "bdctl/printable.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <utility>

#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "bdctl/lock.hpp"

namespace bdctl::cli {

namespace {
// A wait for another bdctl run's lock (the ruleset, a pending change) is
// said on a terminal, so a run that seems stuck says why; piped, silent.
class TerminalLockWaiter final : public LockWaiter {
 public:
  void busy(const std::string& path) override {
    shown_ = true;
    status_line(fmt::format("waiting for {}: another bdctl run holds it", path));
  }
  void acquired() override { clear(); }
  // Also before an error (timed out waiting): the error starts a clean line.
  void clear() {
    if (std::exchange(shown_, false)) status_line("");
  }

 private:
  bool shown_ = false;
};
TerminalLockWaiter lock_waiter;
}  // namespace

Format OutputOptions::resolve() const {
  if (json) return Format::json;
  if (text) return Format::text;
  return isatty(STDOUT_FILENO) ? Format::text : Format::json;
}

void add_output_flags(CLI::App& app, OutputOptions& out) {
  auto* j = app.add_flag("--json", out.json, "Print one JSON document (default when stdout is not a terminal)");
  auto* t = app.add_flag("--text", out.text, "Print human-readable text (default on a terminal)");
  j->excludes(t);
  app.add_flag("--pretty", out.pretty, "Indent the JSON document");
}

nlohmann::ordered_json document() {
  nlohmann::ordered_json d;
  d["schema_version"] = kSchemaVersion;
  return d;
}

Outcome verdict(const char* command, bool ok) {
  Outcome o;
  o.json = document();
  o.json["command"] = command;
  o.json["ok"] = ok;
  o.exit_code = ok ? 0 : 1;
  return o;
}

void write_stdout(std::string_view s) {
  // A full disk or a closed descriptor must not look like success to a
  // script or cron: the write is checked through to the kernel.
  errno = 0;
  bool ok = std::fwrite(s.data(), 1, s.size(), stdout) == s.size();
  int err = errno;
  if (ok && std::fflush(stdout) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok || std::ferror(stdout)) throw SystemError("writing output", err != 0 ? err : EIO);
}

void render(const Outcome& o, const OutputOptions& out) {
  if (o.render_self) {
    o.render_self(out);
    return;
  }
  if (out.resolve() == Format::json) {
    // replace: a byte a device sent that is not UTF-8 must not abort the one document.
    write_stdout(o.json.dump(out.pretty ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  } else {
    // Escapes from fields a device or the API sent must not reach the terminal.
    std::string t = printable(o.text, std::string::npos, true);
    if (!t.empty() && t.back() != '\n') t += '\n';
    write_stdout(t);
  }
}

std::chrono::milliseconds duration_option(std::string_view option, std::string_view text) {
  try {
    return parse_duration(text);
  } catch (const InputError&) {
    throw InputError(fmt::format("{}: '{}' is not a duration (examples: 500ms, 2s, 1m30s)", option, text));
  }
}

namespace {
// A usage error about the verb names the word at fault: "'frobnicate' is not
// a bdctl-route command (up, down, status, show)". Empty when the error is
// about something else. Option values before the verb are skipped.
std::string verb_error(const CLI::App& app, int argc, char** argv) {
  auto subs = app.get_subcommands([](const CLI::App*) { return true; });
  if (subs.empty()) return "";
  std::string names;
  for (const auto* sub : subs) names += (names.empty() ? "" : ", ") + sub->get_name();
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.size() > 1 && a[0] == '-') {
      const auto* opt = a.find('=') == std::string_view::npos ? app.get_option_no_throw(std::string(a)) : nullptr;
      if (opt && opt->get_items_expected_min() > 0) ++i;  // its value
      continue;
    }
    for (const auto* sub : subs)
      if (sub->get_name() == a) return "";  // the verb is fine: the error is elsewhere
    return fmt::format("'{}' is not a {} command ({})", a, app.get_name(), names);
  }
  return fmt::format("a command is required: {}", names);
}

// The exit code after help or version went to stdout: failed when it could
// not be written (std::cout shares stdout's buffer and error).
int written(const std::string& name, const ExitCodes& codes) {
  if (std::cout && !std::ferror(stdout)) return codes.ok;
  fmt::print(stderr, "{}: writing output: {}\n", name, std::strerror(errno != 0 ? errno : EIO));
  return codes.failed;
}
}  // namespace

void add_version_flag(CLI::App& app) {
  // One version for every tool, the project's.
  app.set_version_flag("-V,--version", app.get_name() + " " + BDCTL_VERSION, "Print the version and exit");
}

int run(CLI::App& app, int argc, char** argv, const std::function<int()>& body, ExitCodes codes,
        const std::function<void(const std::string&)>& on_error) {
  const std::string name = app.get_name();
  add_version_flag(app);
  // Error text may quote what a device or the ZeroTier API sent: one safe line.
  auto failed = [&](const std::string& raw, int code) {
    lock_waiter.clear();
    std::string msg = printable(raw, 4096);
    fmt::print(stderr, "{}: {}\n", name, msg);
    if (on_error) on_error(msg);
    return code;
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::cout << app.help() << std::flush;
    return written(name, codes);
  } catch (const CLI::CallForAllHelp& e) {
    std::cout << app.help("", CLI::AppFormatMode::All) << std::flush;
    return written(name, codes);
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n" << std::flush;
    return written(name, codes);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes are 100+; bdctl documents one usage code.
    std::string msg = verb_error(app, argc, argv);
    if (msg.empty()) msg = e.what();
    std::string line = printable(msg, 4096);
    fmt::print(stderr, "{}: {}\nTry '{} --help' for more information.\n", name, line, name);
    if (on_error) on_error(line);
    return codes.usage;
  } catch (const Error& e) {  // option validators that call library parsers
    return failed(e.what(), e.kind() == ErrorKind::input ? codes.usage : codes.failed);
  }
  set_default_lock_waiter(&lock_waiter);
  try {
    return body();
  } catch (const Error& e) {
    return failed(e.what(), e.kind() == ErrorKind::input ? codes.usage : codes.failed);
  } catch (const std::exception& e) {
    return failed(e.what(), codes.failed);
  }
}

void status_line(std::string_view line) {
  static const bool tty = ::isatty(STDERR_FILENO) == 1;
  if (!tty) return;
  // \r and "erase to end of line": the next line or the prompt starts clean.
  std::string s = fmt::format("\r\x1b[K{}", printable(line, 200));
  if (::write(STDERR_FILENO, s.data(), s.size()) < 0) {
    // a status line that cannot be shown is no failure of the run
  }
}

}  // namespace bdctl::cli
