// bdctl-mss clear: delete bdctl-mss's chains, nothing else.
#include "mss_verbs.hpp"
#include "render.hpp"
#include "safe_change.hpp"

namespace bdctl::mss_tool {

namespace {
cli::Outcome apply(bool check) { return clear_outcome(mss::clear(check), check); }
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
