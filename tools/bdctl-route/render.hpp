// JSON pieces the route verbs share, so every key means the same everywhere.
#pragma once
#include <nlohmann/json.hpp>

#include "bdctl/route.hpp"
#include "options.hpp"

namespace bdctl::tool {

void put_options(nlohmann::ordered_json& j, const ResolvedRoute& r);
nlohmann::ordered_json sysctl_changes(const std::vector<route::SysctlChange>& v);
std::string families_text(const route::Options& o);

}  // namespace bdctl::tool
