#include <cstddef>
#include <cstdint>
#include <span>

#include "init/preflight/tzif.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto summary = keel::init::validate_tzif(std::span(data, size));
    if (summary.ok() && (summary.value().version < 1 || summary.value().version > 4)) __builtin_trap();
    return 0;
}
