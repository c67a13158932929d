// bdctl-mss show: the ruleset `set` would install, loadable by `nft -f`.
#include "mss_verbs.hpp"
#include "render.hpp"

namespace bdctl::mss_tool {

Runner setup_show(CLI::App& sub) {
  auto args = std::make_shared<ModeArgs>();
  add_mode_options(sub, *args);
  return [args] {
    auto resolved = resolve_options(*args);
    if (!resolved) (void)to_options(*args);  // the error that names what is missing
    print_warnings(resolved->warnings);
    return show_outcome(*resolved, mss::desired_chains(resolved->options));
  };
}

}  // namespace bdctl::mss_tool
