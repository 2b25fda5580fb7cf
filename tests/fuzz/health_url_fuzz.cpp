#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "health_request_check.hpp"
#include "healthcheck/request.hpp"
#include "healthcheck/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (const auto name = keel::health::parse_authority_name(text); name && name.value().host.empty()) __builtin_trap();
    const auto url = keel::health::parse_probe_url(text);
    if (!url) {
        // A URL's user:password@ never reaches the message.
        const std::size_t scheme_end = text.find("://");
        const std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
        // Whatever precedes the last '@' may be a password (one may hold '/', '?' or '#').
        const std::size_t at = text.rfind('@');
        if (at != std::string_view::npos && at > start) {
            // The message quotes the URL first: "invalid URL 'http://user:pw@" would be the leak.
            const std::string leak = "invalid URL '" + std::string(text.substr(0, at + 1));
            if (leak.find('*') == std::string::npos && url.error().starts_with(leak)) __builtin_trap();
        }
        return 0;
    }
    const auto& value = url.value();
    if (!keel::health::is_grpc(value.scheme) && !value.service.empty()) __builtin_trap();
    for (const char c : value.service) {
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) __builtin_trap();  // it reaches the output line
    }
    if (!keel::health::is_unix(value.scheme)) {
        if (value.host.empty()) __builtin_trap();
        if (value.scheme != keel::health::Scheme::tcp && value.port == 0) __builtin_trap();
        if (value.target.empty() || value.target.front() != '/') __builtin_trap();
    } else if (value.socket_path.empty() || value.socket_path.front() != '/') {
        __builtin_trap();
    }
    (void)keel::health::host_port(value);
    check_request_framing(keel::health::build_request({"GET", value.target, keel::health::host_header(value), {}}));
    return 0;
}
