#include <cstddef>
#include <cstdint>
#include <span>

#include "init/preflight/executable_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto format = keel::init::inspect_executable(std::span(data, size));
    if (format.ok() && format.value().interpreter.size() > 4096) __builtin_trap();
    return 0;
}
