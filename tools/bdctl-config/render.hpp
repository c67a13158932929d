// bdctl-config's documents and text, side by side: the verbs do no formatting.
#pragma once
#include <string>
#include <vector>

#include "bdctl/site.hpp"
#include "cli.hpp"

namespace bdctl::config_tool {

// What check read from the file: counts of what each tool would use.
struct Checked {
  std::string file;
  bool exists = false;
  std::vector<std::string> warnings;
  std::size_t boards = 0, relays = 0, targets = 0;
  bool mss = false;
};

// On stderr, so that the document on stdout stays the result alone.
void print_warnings(const std::vector<std::string>& warnings);

cli::Outcome check_outcome(const Checked& c);
// complete: both interfaces known and nothing contradicting them (exit 1 otherwise).
cli::Outcome show_outcome(const std::string& file, const site::Site& s, bool complete);

}  // namespace bdctl::config_tool
