// bdctl-mss set: install the clamp chains, or nothing when they are already right.
#include <fmt/format.h>

#include "mss_verbs.hpp"
#include "safe_change.hpp"

namespace bdctl::mss_tool {

namespace {
cli::Outcome apply(const mss::Options& o, const Resolved& resolved, bool check_only) {
  auto res = mss::set(o, check_only);
  cli::Outcome out;
  out.json = cli::document();
  out.json["command"] = "set";
  out.json["ok"] = true;
  out.json["changed"] = res.changed;
  out.json["configured"] = true;
  out.json["source"] = resolved.source;
  out.json["dry_run"] = check_only;
  out.json["check"] = check_only;  // the old name of dry_run, kept for scripts
  out.json["operations"] = res.operations;
  out.json["options"] = options_json(o);
  out.json["clamps"] = clamps_json(o);
  out.json["chains"] = chains_json(res.chains);
  out.json["removed"] = res.removed;

  std::string verb = check_only ? (res.operations ? "would change" : "already in place")
                                : (res.changed ? "installed" : "already in place");
  out.text = fmt::format("MSS clamp {}: {}\n", verb, mss::describe(o));
  for (const auto& c : mss::clamps(o)) {
    std::string fam = !c.family ? "IPv4+IPv6" : *c.family == nft::Family::ipv4 ? "IPv4" : "IPv6";
    out.text +=
        fmt::format("  {:<9}  {}\n", fam, c.mss ? fmt::format("MSS <= {}", *c.mss) : "MSS <= route MTU - headers");
  }
  for (const auto& r : res.removed) out.text += fmt::format("  removed stale chain {}\n", r);
  return out;
}
}  // namespace

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
      cli::Outcome out;
      out.json = cli::document();
      out.json["command"] = "set";
      out.json["ok"] = true;
      out.json["changed"] = false;
      out.json["configured"] = false;
      out.json["pending"] = nullptr;
      out.json["verify"] = nullptr;
      out.json["rolled_back"] = nullptr;
      out.text = "no MSS clamp configured (no [mss] in the config): nothing changed\n";
      return out;
    }
    print_warnings(resolved->warnings);
    const auto& o = resolved->options;
    return cli::guarded(*safety, {"bdctl-mss set " + mss::describe(o), args->config, *check,
                                  [&] { return apply(o, *resolved, *check); }});
  };
}

}  // namespace bdctl::mss_tool
