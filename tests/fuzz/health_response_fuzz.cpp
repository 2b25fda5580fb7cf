#include <cstddef>
#include <cstdint>
#include <string_view>

#include "healthcheck/response.hpp"

// Arbitrary bytes through Beast's parser exactly as keel configures it (limits, HEAD), then the
// verdict. The first byte picks GET or HEAD and whether a body text is expected.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool head = (data[0] & 1) != 0;
    std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    const auto response = keel::health::parse_response(bytes, head);
    if (!response) return 0;
    if (response.value().body().size() > keel::health::response_body_limit) __builtin_trap();
    if (head && !response.value().body().empty()) __builtin_trap();
    keel::health::Expectations expect{{{200, 399}}, "200-399", {}};
    if ((data[0] & 2) != 0) expect.body = "ok";
    const auto verdict = keel::health::judge_response(response.value(), expect);
    for (const char c : verdict.summary) {
        if (c == '\n' || c == '\r') __builtin_trap();  // the one output line
    }
    return 0;
}
