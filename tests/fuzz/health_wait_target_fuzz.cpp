// keel wait's TARGET parser (healthcheck/wait_plan.hpp): any text either fails with a message or
// gives a target whose parts hold together: a file target's path is absolute and NUL-free, a
// probe target's URL passed the probe's own parser (and so its request is well framed).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "health_request_check.hpp"
#include "healthcheck/wait_plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto target = keel::health::parse_wait_target(text);
    if (!target) {
        if (target.error().empty()) __builtin_trap();
        return 0;
    }
    const auto& value = target.value();
    if (value.label != text) __builtin_trap();
    if (value.file) {
        if (value.path.empty() || value.path.front() != '/') __builtin_trap();
        if (value.path.find('\0') != std::string_view::npos) __builtin_trap();
        if (value.path.size() > text.size()) __builtin_trap();  // decoding only shrinks
        return 0;
    }
    // tcp:// sends nothing, and a gRPC call is framed by nghttp2 (its own fuzz target).
    if (value.probe.url.scheme == keel::health::Scheme::tcp || keel::health::is_grpc(value.probe.url.scheme)) {
        if (!value.probe.request.empty()) __builtin_trap();
        return 0;
    }
    check_request_framing(value.probe.request);
    return 0;
}
