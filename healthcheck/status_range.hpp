#pragma once
// --expect-status: which HTTP status codes count as healthy. "200", "200-299", "200,204",
// "200-299,304". Pure.

#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace keel::health {

struct StatusRange {
    unsigned low = 0;
    unsigned high = 0;  // inclusive
};

using StatusRanges = std::vector<StatusRange>;

// Codes must be 100-599 (RFC 9110 15); a range's low end must not exceed its high end.
Result<StatusRanges> parse_status_ranges(std::string_view text);

bool status_in(const StatusRanges& ranges, unsigned status);

}  // namespace keel::health
