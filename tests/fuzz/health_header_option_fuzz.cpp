#include <cstddef>
#include <cstdint>
#include <string_view>

#include "health_request_check.hpp"
#include "healthcheck/header_option.hpp"
#include "healthcheck/request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto field = keel::health::parse_header_option(text);
    if (!field) {
        if (field.error().find('\n') != std::string::npos || field.error().find('\r') != std::string::npos) __builtin_trap();
        return 0;
    }
    if (field.value().name.empty()) __builtin_trap();
    check_request_framing(keel::health::build_request({"GET", "/", "h", {field.value()}}));
    return 0;
}
