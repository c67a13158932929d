// bdctl-mss clear: delete bdctl-mss's chains, nothing else.
#include <fmt/format.h>

#include "mss_verbs.hpp"
#include "safe_change.hpp"

namespace bdctl::mss_tool {

namespace {
cli::Outcome apply(bool check) {
  auto res = mss::clear(check);
  cli::Outcome out;
  out.json = cli::document();
  out.json["command"] = "clear";
  out.json["ok"] = true;
  out.json["changed"] = res.changed;
  out.json["dry_run"] = check;
  out.json["check"] = check;  // the old name of dry_run, kept for scripts
  out.json["removed"] = res.removed;
  out.json["table_removed"] = res.table_removed;
  if (res.removed.empty()) {
    out.text = "no MSS clamp installed\n";
  } else {
    out.text = fmt::format("{} {}\n", check ? "would remove" : "removed", fmt::join(res.removed, ", "));
    if (res.table_removed) out.text += "table inet bdctl was left empty and removed\n";
  }
  return out;
}
}  // namespace

Runner setup_clear(CLI::App& sub) {
  auto check = std::make_shared<bool>(false);
  auto config = std::make_shared<std::optional<std::string>>();
  auto safety = std::make_shared<cli::SafetyFlags>();
  sub.add_flag("--dry-run,--check", *check,
               "Let the kernel validate the change, then change nothing (--check: the old name)");
  sub.add_option("--config", *config, "Configuration file, for [safety] (default /etc/bdctl/bdctl.toml)")
      ->type_name("FILE");
  cli::add_safety_flags(sub, *safety);
  return [check, config, safety] {
    return cli::guarded(*safety, {"bdctl-mss clear", *config, *check, [&] { return apply(*check); }});
  };
}

}  // namespace bdctl::mss_tool
