#pragma once
// Shared by the healthcheck fuzz targets: a request keel builds must be one request line, header
// lines, and one blank line at the very end (no CR or LF smuggled in by a URL or a header).

#include <string_view>

inline void check_request_framing(std::string_view request) {
    const std::size_t end = request.find("\r\n\r\n");
    if (end == std::string_view::npos || end + 4 != request.size()) __builtin_trap();
    for (std::size_t i = 0; i < request.size(); ++i) {
        const char c = request[i];
        if (c == '\r' && (i + 1 == request.size() || request[i + 1] != '\n')) __builtin_trap();
        if (c == '\n' && (i == 0 || request[i - 1] != '\r')) __builtin_trap();
        if (c == '\0') __builtin_trap();
    }
}
