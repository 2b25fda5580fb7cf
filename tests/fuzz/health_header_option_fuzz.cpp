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
        int previous = 0;
        for (const auto& line : lines.value()) {
            if (line.number <= previous || line.text.empty() || line.text.front() == '#') __builtin_trap();
            if (line.text.find('\n') != std::string_view::npos) __builtin_trap();  // a stray CR stays, for parse_header_option to refuse
            previous = line.number;
            (void)keel::health::parse_header_option(line.text);
        }
    } else if (lines.error().find(':') != std::string::npos && !lines.error().starts_with("line ") &&
               !lines.error().starts_with("more than")) {
        __builtin_trap();  // errors are "line N: why" or "more than N headers", never the text
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
