// Durations as every bdctl tool spells them: "500ms", "1s", "2m", "1h", "1m30s".
#pragma once
#include <chrono>
#include <string>
#include <string_view>

namespace bdctl {

using Millis = std::chrono::milliseconds;

// Throws InputError naming the value when it is not a duration.
Millis parse_duration(std::string_view text);

// Shortest exact spelling: 1500ms -> "1500ms", 2000ms -> "2s", 120000ms -> "2m".
std::string format_duration(Millis d);

}  // namespace bdctl
