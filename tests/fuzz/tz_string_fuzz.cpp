#include <cstddef>
#include <cstdint>
#include <string_view>

#include "init/preflight/timezone_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view tz(reinterpret_cast<const char*>(data), size);
    const auto spec = keel::init::classify_tz(tz);
    // A zone name that got through never escapes the zoneinfo directory.
    if (spec.ok() && spec.value().kind == keel::init::TzKind::zone_name &&
        (spec.value().value == ".." || spec.value().value.rfind("../", 0) == 0 ||
         spec.value().value.find("/../") != std::string::npos)) {
        __builtin_trap();
    }
    return 0;
}
