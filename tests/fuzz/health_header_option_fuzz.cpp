#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "health_request_check.hpp"
#include "healthcheck/header_option.hpp"
#include "healthcheck/request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // --header-file's lines go through the same parser.
    if (const auto lines = keel::health::header_file_lines(text)) {
        for (const auto& line : lines.value()) (void)keel::health::parse_header_option(line.text);
    }
    const auto field = keel::health::parse_header_option(text);
    if (!field) {
        // One printable line that names at most the header's name, never its value.
        for (const char c : field.error()) {
            if (c < ' ' || c > '~') __builtin_trap();
        }
        const std::string& error = field.error();
        const std::string_view name = text.substr(0, text.find(':'));
        if (!error.starts_with("invalid header: ") && !error.starts_with("invalid header '" + std::string(name) + "': ")) __builtin_trap();
        return 0;
    }
    if (field.value().name.empty()) __builtin_trap();
    check_request_framing(keel::health::build_request({"GET", "/", "h", {field.value()}}));
    return 0;
}
