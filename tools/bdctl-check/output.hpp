// Rendering a check report in the chosen format, to stdout or atomically to a file.
#pragma once
#include <optional>
#include <string>

#include "bdctl/check.hpp"
#include "cli.hpp"

namespace bdctl::tool {

enum class CheckFormat { text, json, nagios, prometheus };

// --format wins; else --json/--text, else text on a terminal and JSON when piped.
CheckFormat pick_format(const std::string& format, const cli::OutputOptions& out);

void emit(const check::Report& r, CheckFormat f, bool pretty, const std::optional<std::string>& file);

// --from FILE: the saved report, or UNKNOWN when it is older than max_age.
check::Report saved_report(const std::string& file, Millis max_age);

// A run that could not check anything (usage or config error): for monitoring
// formats, one UNKNOWN line and a .prom file that says so, never silence or a
// stale OK. argv is scanned by hand: the error may be that parsing failed.
void emit_failure(int argc, char** argv, const std::string& message);

}  // namespace bdctl::tool
