// bdctl-mss status: what is installed against what is expected (the options
// given here, else what the last `set` recorded). Exit 1 on drift.
#include "bdctl/error.hpp"
#include "mss_verbs.hpp"
#include "render.hpp"

namespace bdctl::mss_tool {

Runner setup_status(CLI::App& sub) {
  auto args = std::make_shared<ModeArgs>();
  add_mode_options(sub, *args);
  return [args] {
    std::optional<mss::Options> given;
    if (args->any_mode())
      given = to_options(*args);
    else if (args->iface || args->local || args->family)
      throw InputError("--iface, --local and --family need one of --mss, --mtu, --pppoe, --pmtu");
    return status_outcome(mss::status(given));
  };
}

}  // namespace bdctl::mss_tool
