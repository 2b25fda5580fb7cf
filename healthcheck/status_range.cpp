#include "healthcheck/status_range.hpp"

#include <charconv>
#include <string>

#include "common/text.hpp"

namespace keel::health {
namespace {

constexpr std::size_t max_ranges = 64;  // more is a typo or an attack on the output line

// A three-digit status code, or 0.
unsigned parse_code(std::string_view text) {
    text = trim_blanks(text);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.size() != 3) return 0;
    return value >= 100 && value <= 599 ? value : 0;
}

}  // namespace

Result<StatusRanges> parse_status_ranges(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return fail("invalid status range '" + std::string(text) + "': " + std::string(why) +
                    " (examples: 200, 200-299, 200,204)");
    };
    if (trim_blanks(text).empty()) return bad("empty");
    StatusRanges ranges;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string_view part = text.substr(start, comma - start);
        const std::size_t dash = part.find('-');
        const unsigned low = parse_code(part.substr(0, dash));
        const unsigned high = dash == std::string_view::npos ? low : parse_code(part.substr(dash + 1));
        if (low == 0 || high == 0) return bad("each part must be a status code 100-599 or a range LOW-HIGH");
        if (low > high) return bad("range runs backwards");
        if (ranges.size() == max_ranges) return bad("more than 64 parts");
        ranges.push_back({low, high});
        start = comma + 1;
    }
    return ranges;
}

bool status_in(const StatusRanges& ranges, unsigned status) {
    for (const auto& range : ranges) {
        if (status >= range.low && status <= range.high) return true;
    }
    return false;
}

}  // namespace keel::health
