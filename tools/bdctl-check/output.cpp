#include "output.hpp"

#include "bdctl/printable.hpp"

#include <cstdio>
#include <ctime>
#include <string_view>

#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"

namespace bdctl::tool {

CheckFormat pick_format(const std::string& format, const cli::OutputOptions& out) {
  if (format == "nagios") return CheckFormat::nagios;
  if (format == "prometheus") return CheckFormat::prometheus;
  if (format == "json") return CheckFormat::json;
  if (format == "text") return CheckFormat::text;
  return out.resolve() == cli::Format::json ? CheckFormat::json : CheckFormat::text;
}

void emit(const check::Report& r, CheckFormat f, bool pretty, const std::optional<std::string>& file) {
  std::string s;
  switch (f) {
    case CheckFormat::json: {
      auto doc = cli::document();
      doc["command"] = "check";
      doc["ok"] = r.state == check::State::ok;
      check::to_json(doc, r);
      s = doc.dump(pretty ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
      break;
    }
    case CheckFormat::text: s = printable(check::to_text(r), std::string::npos, true); break;
    case CheckFormat::nagios: s = check::to_nagios(r) + "\n"; break;
    case CheckFormat::prometheus: s = check::to_prometheus(r); break;
  }
  if (file) {
    // node_exporter's textfile collector must never read a half-written file.
    write_file_atomic(*file, s, 0644);
    return;
  }
  cli::write_stdout(s);
}

check::Report saved_report(const std::string& file, Millis max_age) {
  auto text = read_file(file);
  if (!text)
    throw SystemError(
        fmt::format("--from {}: no such file (does bdctl-check.service run with --report {}?)", file, file));
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  return check::stale(check::report_from_json(*text, file), file, now, max_age);
}

namespace {
std::optional<std::string> option_value(int argc, char** argv, std::string_view name) {
  std::optional<std::string> v;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == name && i + 1 < argc)
      v = argv[++i];
    else if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=')
      v = std::string(a.substr(name.size() + 1));
  }
  return v;
}
}  // namespace

void emit_failure(int argc, char** argv, const std::string& message) {
  auto format = option_value(argc, argv, "--format").value_or("");
  if (format != "nagios" && format != "prometheus") return;
  check::Report r;
  r.state = check::State::unknown;
  r.timestamp = static_cast<std::int64_t>(std::time(nullptr));
  r.checks.push_back({"bdctl.run", check::State::unknown, message, {}, {}});
  try {
    emit(r, format == "nagios" ? CheckFormat::nagios : CheckFormat::prometheus, false,
         option_value(argc, argv, "--output"));
  } catch (const std::exception&) {  // the error itself is already on stderr
  }
}

}  // namespace bdctl::tool
