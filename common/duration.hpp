#pragma once
// Durations as users write them in flags and env vars: "500ms", "5s", "1m", "1.5s", "1m30s".

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace keel {

using Duration = std::chrono::milliseconds;

// Parses one or more <number><unit> parts (units: ms, s, m, h; decimals allowed). A bare number
// is rejected: "5" could mean seconds or milliseconds and guessing wrong is worse than asking.
Result<Duration> parse_duration(std::string_view text);

// "250 ms", "1.5 s": how keel prints elapsed times and limits.
std::string format_duration(std::chrono::nanoseconds elapsed);

}  // namespace keel
