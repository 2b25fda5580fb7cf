#include "common/duration.hpp"

#include <cstdint>
#include <cstdio>

namespace keel {
namespace {

constexpr std::int64_t max_duration_ms = 7LL * 24 * 3600 * 1000;  // a week: anything longer is a typo

struct Unit {
    std::string_view suffix;
    std::int64_t ms;
};
// Longest suffix first so "ms" is not read as "m" followed by garbage.
constexpr Unit units[] = {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return fail("invalid duration '" + std::string(text) + "': " + std::string(why) +
                    " (examples: 500ms, 5s, 1m, 1m30s)");
    };
    if (text.empty()) return bad("empty");
    // Parse in integer micro-milliseconds (1e-3 ms) so "1.5s" and "0.001s" are exact.
    std::int64_t total_thousandths = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::int64_t whole = 0, fraction = 0, fraction_scale = 1;
        std::size_t digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            whole = whole * 10 + (text[pos++] - '0');
            if (++digits > 12) return bad("number too large");
        }
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                if (fraction_scale < 1'000'000) {
                    fraction = fraction * 10 + (text[pos] - '0');
                    fraction_scale *= 10;
                }
                ++pos;
                ++digits;
            }
        }
        if (digits == 0) return bad("expected a number");
        const Unit* unit = nullptr;
        for (const auto& candidate : units) {
            if (text.substr(pos, candidate.suffix.size()) == candidate.suffix) {
                unit = &candidate;
                break;
            }
        }
        if (unit == nullptr) {
            return bad(pos == text.size() ? "missing unit (ms, s, m or h)" : "unknown unit");
        }
        pos += unit->suffix.size();
        if (whole > max_duration_ms / unit->ms) return bad("longer than a week");  // before it can overflow
        total_thousandths += whole * unit->ms * 1000 + fraction * unit->ms * 1000 / fraction_scale;
        if (total_thousandths > max_duration_ms * 1000) return bad("longer than a week");
    }
    return Duration{total_thousandths / 1000};
}

Result<std::optional<Duration>> parse_sleep_time(std::string_view text) {
    if (text == "infinity" || text == "inf") return std::optional<Duration>();
    const bool bare_number = !text.empty() && text.find_first_not_of("0123456789.") == std::string_view::npos;
    auto parsed = bare_number ? parse_duration(std::string(text) + "s") : parse_duration(text);
    if (!parsed) {
        return fail("invalid time '" + std::string(text) +
                    "' (seconds as a number, a duration such as 500ms, 5s or 1m30s, up to a week, or infinity)");
    }
    return std::optional<Duration>(parsed.value());
}

std::string format_duration(std::chrono::nanoseconds elapsed) {
    char buffer[32];
    const double ms = static_cast<double>(elapsed.count()) / 1e6;
    if (ms < 1000) {
        std::snprintf(buffer, sizeof buffer, "%.1f ms", ms);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.1f s", ms / 1000);
    }
    return buffer;
}

}  // namespace keel
