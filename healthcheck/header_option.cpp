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
    // Messages name the header, never its value: values carry tokens (Authorization, API keys),
    // and the verdict line ends up in `docker inspect` and orchestrator events. The name is shown
    // only when it is a short, valid token, so it cannot break the one output line either.
    const std::size_t colon = text.find(':');
    const std::string_view name = colon == std::string_view::npos ? std::string_view() : text.substr(0, colon);
    const bool token = !name.empty() && name.size() <= 100 && std::all_of(name.begin(), name.end(), is_token_char);
    const std::string shown = token ? " '" + std::string(name) + "'" : "";
    auto bad = [&](std::string_view why) { return fail("invalid header" + shown + ": " + std::string(why)); };
    if (text.size() > max_header_length) return bad("longer than 8 KiB");
    if (colon == std::string_view::npos) return bad("expected 'Name: value'");
    if (name.empty()) return bad("empty name");
    if (!token) return bad("the name may hold only letters, digits and !#$%&'*+-.^_`|~");
    const std::string_view value = trim_blanks(text.substr(colon + 1));
    // `--header X-Api-Key: TOKEN` unquoted splits in two, and TOKEN would then be read (and
    // quoted) as the URL: an empty value is refused first, with what to write instead.
    if (value.empty()) return bad("no value after ':' (quote the whole 'Name: value' as one argument)");
    if (!std::all_of(value.begin(), value.end(), is_field_value_char)) return bad("control characters in the value");
    for (const char* reserved : {"Connection", "Content-Length", "Transfer-Encoding"}) {
        if (same_header_name(name, reserved)) {
            return bad(std::string(reserved) + " cannot be set: keel sends one request without a body, then closes");
        }
    }
    return HeaderField{std::string(name), std::string(value)};
}

Result<std::vector<NumberedLine>> header_file_lines(std::string_view text) {
    std::vector<NumberedLine> lines;
    int number = 0;
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark (Windows editors)
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++number;
        if (line.ends_with('\r')) line.remove_suffix(1);  // written on Windows, or by kubectl create secret
        if (line.find('\0') != std::string_view::npos) return fail("line " + std::to_string(number) + ": a NUL byte (not a text file?)");
        const std::string_view content = trim_blanks(line);
        if (content.empty() || content.front() == '#') continue;
        if (lines.size() == max_header_file_fields) {
            return fail("more than " + std::to_string(max_header_file_fields) + " headers");
        }
        lines.push_back({number, content});
    }
    return lines;
}

}  // namespace keel::health
