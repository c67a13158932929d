#include <fmt/format.h>

#include "render.hpp"
#include "route_verbs.hpp"
#include "safe_change.hpp"

namespace bdctl::tool {

namespace {
struct DownFlags {
  std::optional<std::string> config;
  cli::SafetyFlags safety;
};

cli::Outcome apply() {
  auto d = route::down();
  cli::Outcome o;
  o.json = cli::document();
  o.json["command"] = "down";
  o.json["ok"] = true;  // a down that fails is an error (exit 1), not a document
  o.json["changed"] = d.changed();
  o.json["chains_removed"] = d.chains_removed;
  o.json["table_removed"] = d.table_removed;
  o.json["sysctl"] = sysctl_changes(d.sysctl);
  o.json["dropin_removed"] = d.dropin_removed;
  if (!d.changed()) {
    o.text = "nothing to remove: bdctl-route is not installed\n";
  } else {
    if (!d.chains_removed.empty())
      o.text += fmt::format("removed chains: {}{}\n", fmt::join(d.chains_removed, ", "),
                            d.table_removed ? " (and the now empty table inet bdctl)" : "");
    for (const auto& c : d.sysctl) o.text += fmt::format("restored: {} {} -> {}\n", c.key, c.before, c.after);
    if (d.dropin_removed) o.text += "removed the sysctl.d drop-in\n";
  }
  return o;
}
}  // namespace

cli::Runner setup_down(CLI::App& sub) {
  auto f = std::make_shared<DownFlags>();
  sub.add_option("--config", f->config, "Configuration file, for [safety] (default /etc/bdctl/bdctl.toml)")
      ->type_name("FILE");
  cli::add_safety_flags(sub, f->safety);
  return [f] { return cli::guarded(f->safety, {"bdctl-route down", f->config, false, apply}); };
}

}  // namespace bdctl::tool
