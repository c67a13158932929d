// What `bdctl --help` prints: the tools it can run, each with one line.
#pragma once
#include <optional>
#include <string>

namespace bdctl::front {

// The one-line summary of a bdctl tool, or nullopt for one bdctl does not know.
std::optional<std::string> summary(const std::string& verb);

// The full help text: usage, every known tool, and any other bdctl-* found.
std::string help_text(const std::optional<std::string>& beside);

}  // namespace bdctl::front
