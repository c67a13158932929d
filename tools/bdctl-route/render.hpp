// JSON pieces the route verbs share, so every key means the same everywhere.
#pragma once
#include <nlohmann/json.hpp>

#include "bdctl/route.hpp"
#include "options.hpp"

namespace bdctl::tool {

void put_options(nlohmann::ordered_json& j, const ResolvedRoute& r);
nlohmann::ordered_json sysctl_changes(const std::vector<route::SysctlChange>& v);
std::string families_text(const route::Options& o);
// Foreign chains that drop the routed traffic, with their fix.
nlohmann::ordered_json blockers_json(const std::vector<route::Blocker>& v);
std::string blockers_text(const std::vector<route::Blocker>& v);

}  // namespace bdctl::tool
