// Every bdctl-mss verb's document and text, side by side: the verbs do no formatting.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bdctl/mss.hpp"
#include "cli.hpp"
#include "mss_verbs.hpp"

namespace bdctl::mss_tool {

using mss::options_json;  // the library's one serialisation
nlohmann::ordered_json chains_json(const std::vector<nft::DesiredChain>& chains);
nlohmann::ordered_json clamps_json(const mss::Options& o);

// On stderr, so that the document on stdout stays the result alone.
void print_warnings(const std::vector<std::string>& warnings);

cli::Outcome set_outcome(const Resolved& resolved, const mss::SetResult& res, bool check_only);
// set --if-configured with no clamp in flags or config: nothing changed.
cli::Outcome unconfigured_set_outcome();
cli::Outcome clear_outcome(const mss::ClearResult& res, bool check_only);
// Exit 1 on drift.
cli::Outcome status_outcome(const mss::Status& st);
cli::Outcome show_outcome(const Resolved& resolved, const std::vector<nft::DesiredChain>& chains);
// Exit 1 when no family was measured.
cli::Outcome probe_outcome(const std::string& host, const std::vector<mss::ProbeResult>& results);

}  // namespace bdctl::mss_tool
