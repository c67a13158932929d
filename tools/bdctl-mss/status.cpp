// bdctl-mss status: what is installed against what is expected (the options
// given here, else what the last `set` recorded). Exit 1 on drift.
#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "mss_verbs.hpp"

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
    auto st = mss::status(given);

    cli::Outcome out;
    out.json = cli::document();
    out.json["command"] = "status";
    out.json["ok"] = !st.drift();
    out.json["expected_source"] = st.expected_source;
    out.json["expected"] = st.expected ? options_json(*st.expected) : nlohmann::ordered_json(nullptr);
    out.json["present"] = st.present();
    out.json["drift"] = st.drift();
    auto arr = nlohmann::ordered_json::array();
    for (const auto& c : st.chains) {
      nlohmann::ordered_json j;
      j["name"] = c.name;
      j["present"] = c.present;
      j["expected"] = c.expected;
      j["spec_differs"] = c.spec_differs;
      j["missing_rules"] = c.missing_rules;
      j["extra_rules"] = c.extra_rules;
      j["drift"] = c.drift();
      arr.push_back(j);
    }
    out.json["chains"] = arr;
    out.exit_code = st.drift() ? 1 : 0;

    out.text = fmt::format("expected: {} ({})\n", st.expected ? mss::describe(*st.expected) : "no clamp",
                           st.expected_source == "options" ? "from options"
                           : st.expected_source == "state" ? "from the last set"
                                                           : "nothing recorded");
    if (st.chains.empty()) out.text += "present:  no mss_* chains\n";
    for (const auto& c : st.chains) {
      std::string state = !c.drift() ? "ok" : !c.present ? "missing" : !c.expected ? "unexpected" : "differs";
      out.text += fmt::format("chain {:<12} {}\n", c.name, state);
      if (c.spec_differs) out.text += "  hook, type, priority or policy differ\n";
      for (const auto& r : c.missing_rules) out.text += fmt::format("  missing: {}\n", r);
      for (const auto& r : c.extra_rules) out.text += fmt::format("  extra:   {}\n", r);
    }
    out.text += st.drift() ? "drift\n" : "no drift\n";
    return out;
  };
}

}  // namespace bdctl::mss_tool
