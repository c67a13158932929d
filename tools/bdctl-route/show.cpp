#include <fmt/format.h>

#include "render.hpp"
#include "route_verbs.hpp"

namespace bdctl::tool {

cli::Runner setup_show(CLI::App& sub) {
  auto f = std::make_shared<RouteFlags>();
  add_route_flags(sub, *f);
  return [f] {
    Rtnl rtnl;
    auto r = resolve(*f, true, rtnl);
    auto chains = route::desired_chains(r.options);
    std::string ruleset = nft::render(chains);
    cli::Outcome o;
    o.json = cli::document();
    o.json["command"] = "show";
    o.json["ok"] = true;
    put_options(o.json, r);
    auto keys = route::forwarding_keys(r.options);
    nlohmann::ordered_json sysctl = nlohmann::ordered_json::object();
    for (const auto& k : keys) sysctl[k] = "1";
    o.json["sysctl"] = sysctl;
    o.json["nft"] = ruleset;
    o.json["ruleset"] = ruleset;  // the older name of "nft", kept for schema_version 1
    for (const auto& k : keys) o.text += fmt::format("# sysctl {} = 1\n", k);
    o.text += ruleset;
    return o;
  };
}

}  // namespace bdctl::tool
