// bdctl-mss clear: delete bdctl-mss's chains, nothing else.
#include <fmt/format.h>

#include "mss_verbs.hpp"

namespace bdctl::mss_tool {

Runner setup_clear(CLI::App& sub) {
  auto check = std::make_shared<bool>(false);
  sub.add_flag("--dry-run,--check", *check,
               "Let the kernel validate the change, then change nothing (--check: the old name)");
  return [check] {
    auto res = mss::clear(*check);
    cli::Outcome out;
    out.json = cli::document();
    out.json["command"] = "clear";
    out.json["ok"] = true;
    out.json["changed"] = res.changed;
    out.json["dry_run"] = *check;
    out.json["check"] = *check;  // the old name of dry_run, kept for scripts
    out.json["removed"] = res.removed;
    out.json["table_removed"] = res.table_removed;
    if (res.removed.empty()) {
      out.text = "no MSS clamp installed\n";
    } else {
      out.text = fmt::format("{} {}\n", *check ? "would remove" : "removed", fmt::join(res.removed, ", "));
      if (res.table_removed) out.text += "table inet bdctl was left empty and removed\n";
    }
    return out;
  };
}

}  // namespace bdctl::mss_tool
