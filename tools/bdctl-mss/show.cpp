// bdctl-mss show: the ruleset `set` would install, loadable by `nft -f`.
#include "mss_verbs.hpp"

namespace bdctl::mss_tool {

Runner setup_show(CLI::App& sub) {
  auto args = std::make_shared<ModeArgs>();
  add_mode_options(sub, *args);
  return [args] {
    auto resolved = resolve_options(*args);
    if (!resolved) (void)to_options(*args);  // the error that names what is missing
    print_warnings(resolved->warnings);
    const auto& o = resolved->options;
    auto chains = mss::desired_chains(o);
    cli::Outcome out;
    out.json = cli::document();
    out.json["command"] = "show";
    out.json["ok"] = true;
    out.json["source"] = resolved->source;
    out.json["options"] = options_json(o);
    out.json["clamps"] = clamps_json(o);
    out.json["chains"] = chains_json(chains);
    out.json["nft"] = nft::render(chains);
    out.text = nft::render(chains);
    return out;
  };
}

}  // namespace bdctl::mss_tool
