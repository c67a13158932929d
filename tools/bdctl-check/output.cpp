#include "output.hpp"

#include <cstdio>

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
      check::to_json(doc, r);
      s = doc.dump(pretty ? 2 : -1) + "\n";
      break;
    }
    case CheckFormat::text: s = check::to_text(r); break;
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

}  // namespace bdctl::tool
