// bdctl-mss set: install the clamp chains, or nothing when they are already right.
#include "mss_verbs.hpp"
#include "render.hpp"
#include "safe_change.hpp"

namespace bdctl::mss_tool {

Runner setup_set(CLI::App& sub) {
  auto args = std::make_shared<ModeArgs>();
  auto check = std::make_shared<bool>(false);
  auto if_configured = std::make_shared<bool>(false);
  auto safety = std::make_shared<cli::SafetyFlags>();
  add_mode_options(sub, *args);
  sub.add_flag("--dry-run,--check", *check,
               "Let the kernel validate the change, then change nothing (--check: the old name)");
  sub.add_flag("--if-configured", *if_configured,
               "Without mode flags and without [mss] in the config, change nothing and exit 0 (the boot unit)");
  cli::add_safety_flags(sub, *safety);
  return [args, check, if_configured, safety]() -> cli::Outcome {
    auto resolved = resolve_options(*args);
    if (!resolved) {
      if (!*if_configured) (void)to_options(*args);  // the error that names what is missing
      return unconfigured_set_outcome();
    }
    print_warnings(resolved->warnings);
    const auto& o = resolved->options;
    return cli::guarded(*safety, {"bdctl-mss set " + mss::describe(o), args->config, *check,
                                  [&] { return set_outcome(*resolved, mss::set(o, *check), *check); }});
  };
}

}  // namespace bdctl::mss_tool
