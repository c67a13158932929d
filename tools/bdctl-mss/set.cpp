// bdctl-mss set: install the clamp chains, or nothing when they are already right.
#include <fmt/format.h>

#include "verbs.hpp"

namespace bdctl::mss_tool {

Runner setup_set(CLI::App& sub) {
  auto args = std::make_shared<ModeArgs>();
  auto check = std::make_shared<bool>(false);
  add_mode_options(sub, *args);
  sub.add_flag("--check", *check, "Let the kernel validate the change, then change nothing");
  return [args, check] {
    auto o = to_options(*args);
    auto res = mss::set(o, *check);
    cli::Outcome out;
    out.json = cli::document();
    out.json["command"] = "set";
    out.json["changed"] = res.changed;
    out.json["check"] = *check;
    out.json["operations"] = res.operations;
    out.json["options"] = options_json(o);
    out.json["clamps"] = clamps_json(o);
    out.json["chains"] = chains_json(res.chains);
    out.json["removed"] = res.removed;

    std::string verb = *check ? (res.operations ? "would change" : "already in place")
                              : (res.changed ? "installed" : "already in place");
    out.text = fmt::format("MSS clamp {}: {}\n", verb, mss::describe(o));
    for (const auto& c : mss::clamps(o)) {
      std::string fam = !c.family ? "IPv4+IPv6" : *c.family == nft::Family::ipv4 ? "IPv4" : "IPv6";
      out.text +=
          fmt::format("  {:<9}  {}\n", fam, c.mss ? fmt::format("MSS <= {}", *c.mss) : "MSS <= route MTU - headers");
    }
    for (const auto& r : res.removed) out.text += fmt::format("  removed stale chain {}\n", r);
    return out;
  };
}

}  // namespace bdctl::mss_tool
