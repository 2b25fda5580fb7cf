#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/duration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = keel::parse_duration(text);
    if (parsed.ok() && parsed.value().count() < 0) __builtin_trap();  // never negative
    return 0;
}
