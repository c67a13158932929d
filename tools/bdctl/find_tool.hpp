// Where `bdctl VERB` finds bdctl-VERB: beside the bdctl binary first (so an
// installed or build-tree bdctl runs its own siblings), then along PATH.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace bdctl::front {

// Letters, digits, '-' and '_', not starting with '-': never a path.
bool valid_verb(const std::string& verb);

// The directory holding the running bdctl binary, if it can be told.
std::optional<std::string> self_dir(const char* argv0);

// Full path of the executable bdctl-VERB, or nullopt.
std::optional<std::string> find_tool(const std::string& verb, const std::optional<std::string>& beside);

// Every VERB with an executable bdctl-VERB beside bdctl or in PATH, sorted.
std::vector<std::string> available_verbs(const std::optional<std::string>& beside);

}  // namespace bdctl::front
