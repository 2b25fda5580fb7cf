#include <cstddef>
#include <cstdint>
#include <string_view>

#include "healthcheck/status_range.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto ranges = keel::health::parse_status_ranges(text);
    if (!ranges) return 0;
    if (ranges.value().empty()) __builtin_trap();
    for (const auto& range : ranges.value()) {
        if (range.low < 100 || range.high > 599 || range.low > range.high) __builtin_trap();
        if (!keel::health::status_in(ranges.value(), range.low)) __builtin_trap();
    }
    return 0;
}
