#pragma once
// Durations as users write them in flags and env vars: "500ms", "5s", "1m", "1.5s", "1m30s".

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace keel {

using Duration = std::chrono::milliseconds;

// Parses one or more <number><unit> parts (units: ms, s, m, h; decimals allowed). A bare number
// is rejected: "5" could mean seconds or milliseconds and guessing wrong is worse than asking.
Result<Duration> parse_duration(std::string_view text);

// `keel sleep`'s operand: a keel duration, or POSIX sleep's forms: a bare number of seconds
// ("5", "0.5") and "infinity" (nullopt). Up to a week, like every keel duration.
Result<std::optional<Duration>> parse_sleep_time(std::string_view text);

// "250 ms", "1.5 s": how keel prints elapsed times and limits.
std::string format_duration(std::chrono::nanoseconds elapsed);

}  // namespace keel
