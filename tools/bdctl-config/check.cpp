// bdctl-config check: every reading of the file the tools do, without acting.
#include <fmt/format.h>

#include "bdctl/check.hpp"
#include "bdctl/config.hpp"
#include "bdctl/mss.hpp"
#include "bdctl/relay_config.hpp"
#include "bdctl/route.hpp"
#include "bdctl/site.hpp"
#include "config_verbs.hpp"

namespace bdctl::config_tool {

namespace {
struct Checked {
  std::string file;
  bool exists = false;
  std::vector<std::string> warnings;
  std::size_t boards = 0, relays = 0, targets = 0;
  bool mss = false;
};

Checked validate(const std::optional<std::string>& path) {
  Checked c;
  Config cfg = Config::load(path);  // syntax and unknown keys
  c.file = cfg.path();
  c.exists = cfg.exists();
  c.warnings = cfg.warnings();
  // Each tool's own reading: a value of the wrong type or out of range is
  // the error the tool itself would give.
  (void)site::with_config({}, cfg);
  (void)route::file_settings(cfg);
  c.mss = mss::options_from_config(cfg).has_value();
  check::Settings s;
  check::apply_config(cfg, s);
  c.targets = s.targets.size();
  auto relays = relay::RelayConfig::from(cfg);
  c.boards = relays.boards.size();
  c.relays = relays.relays.size();
  return c;
}

std::string text(const Checked& c) {
  if (!c.exists) return fmt::format("ok: no file at {}: the tools run on their flags and defaults\n", c.file);
  return fmt::format("ok: {} is valid ({} board(s), {} relay(s), {} check target(s), {})\n", c.file, c.boards, c.relays,
                     c.targets, c.mss ? "an [mss] clamp" : "no [mss] clamp");
}
}  // namespace

cli::Runner setup_check(CLI::App& sub) {
  auto path = std::make_shared<std::optional<std::string>>();
  sub.add_option("-c,--config", *path, "Configuration file (default /etc/bdctl/bdctl.toml or $BDCTL_CONFIG)")
      ->type_name("FILE");
  return [path] {
    auto c = validate(*path);
    for (const auto& w : c.warnings) fmt::print(stderr, "bdctl-config: warning: {}\n", w);
    cli::Outcome o;
    o.json = cli::document();
    o.json["command"] = "check";
    o.json["ok"] = true;
    o.json["file"] = c.file;
    o.json["exists"] = c.exists;
    o.json["warnings"] = c.warnings;
    o.json["boards"] = c.boards;
    o.json["relays"] = c.relays;
    o.json["targets"] = c.targets;
    o.json["mss"] = c.mss;
    o.text = text(c);
    return o;
  };
}

}  // namespace bdctl::config_tool
