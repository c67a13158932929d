// One result model (relay::ActionResult) rendered as JSON or text.
#pragma once
#include <string>
#include <vector>

#include "bdctl/relay_config.hpp"
#include "bdctl/relay_ops.hpp"
#include "cli.hpp"

namespace bdctl::relay_tool {

nlohmann::ordered_json to_json(const relay::ActionResult& r);
std::string to_text(const relay::ActionResult& r);

// `list`: the boards (never their credentials) and relays, as JSON or a table.
nlohmann::ordered_json boards_json(const relay::RelayConfig& c);
nlohmann::ordered_json relays_json(const relay::RelayConfig& c);
std::string list_text(const relay::RelayConfig& c);

// Document {schema_version, command, config, recovered, relays} with the
// exit code: 0 when every result is ok, else 1.
cli::Outcome outcome(const std::string& command, const std::string& config_path,
                     const std::vector<relay::ActionResult>& recovered,
                     const std::vector<relay::ActionResult>& results);

}  // namespace bdctl::relay_tool
