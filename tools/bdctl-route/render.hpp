// Every route verb's document and text, side by side, so every key means the
// same everywhere and the verbs do no formatting.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bdctl/nft.hpp"
#include "bdctl/route.hpp"
#include "cli.hpp"
#include "options.hpp"

namespace bdctl::tool {

void put_options(nlohmann::ordered_json& j, const ResolvedRoute& r);
nlohmann::ordered_json sysctl_changes(const std::vector<route::SysctlChange>& v);
std::string families_text(const route::Options& o);
// Foreign chains that drop the routed traffic, with their fix.
nlohmann::ordered_json blockers_json(const std::vector<route::Blocker>& v);
std::string blockers_text(const std::vector<route::Blocker>& v);

// On stderr, so that the document on stdout stays the result alone.
void print_warnings(const std::vector<std::string>& warnings);

// One per verb: the document with its text; exit 1 on blockers (up) or drift (status).
cli::Outcome up_outcome(const ResolvedRoute& r, const route::UpResult& u);
cli::Outcome down_outcome(const route::DownResult& d);
cli::Outcome status_outcome(const ResolvedRoute& r, const route::Status& s);
cli::Outcome show_outcome(const ResolvedRoute& r, const std::vector<std::string>& sysctl_keys,
                          const std::vector<nft::DesiredChain>& chains);

}  // namespace bdctl::tool
