#include "healthcheck/header_option.hpp"

#include <algorithm>
#include <cstring>

#include "common/text.hpp"

namespace keel::health {
namespace {

constexpr std::size_t max_header_length = 8192;

bool is_token_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool is_field_value_char(char c) { return c == '\t' || !is_ascii_control(c); }  // VCHAR, SP, HTAB, obs-text

}  // namespace

bool same_header_name(std::string_view a, std::string_view b) {
    return equals_ignoring_ascii_case(a, b);
}

Result<HeaderField> parse_header_option(std::string_view text) {
    // Quoted for the message only when short and printable; the one output line must stay one line.
    const bool printable = std::all_of(text.begin(), text.end(), is_field_value_char) && text.size() <= 200;
    const std::string shown = printable ? " '" + std::string(text) + "'" : "";
    auto bad = [&](std::string_view why) { return fail("invalid header" + shown + ": " + std::string(why)); };
    if (text.size() > max_header_length) return bad("longer than 8 KiB");
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return bad("expected 'Name: value'");
    const std::string_view name = text.substr(0, colon);
    if (name.empty()) return bad("empty name");
    if (!std::all_of(name.begin(), name.end(), is_token_char)) return bad("the name may hold only letters, digits and !#$%&'*+-.^_`|~");
    const std::string_view value = trim_blanks(text.substr(colon + 1));
    if (!std::all_of(value.begin(), value.end(), is_field_value_char)) return bad("control characters in the value");
    for (const char* reserved : {"Connection", "Content-Length", "Transfer-Encoding"}) {
        if (same_header_name(name, reserved)) {
            return bad(std::string(reserved) + " cannot be set: keel sends one request without a body, then closes");
        }
    }
    return HeaderField{std::string(name), std::string(value)};
}

}  // namespace keel::health
