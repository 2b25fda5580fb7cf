#pragma once
// --header 'Name: value' and --header-file: extra request headers (gRPC metadata). Pure.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace keel::health {

struct HeaderField {
    std::string name;
    std::string value;
};

// The name must be an RFC 9110 token; the value may not hold CR, LF or other controls (they would
// let a value start a new header or end the request). Optional whitespace around the value is
// dropped, and an empty value is refused. Connection, Content-Length and Transfer-Encoding are refused: keel sends no body and
// closes the connection after one response.
Result<HeaderField> parse_header_option(std::string_view text);

// --header-file: the file's `Name: value` lines, each still to go through parse_header_option.
// Blank lines and lines starting with # are skipped; CRLF and a UTF-8 BOM are accepted. Errors
// name a line by its number, never by its text (the file holds secrets).
struct NumberedLine {
    int number;  // from 1
    std::string_view text;  // blanks around it removed
};
inline constexpr std::size_t max_header_file_size = std::size_t{64} * 1024;
inline constexpr std::size_t max_header_file_fields = 100;
Result<std::vector<NumberedLine>> header_file_lines(std::string_view text);

// Header names compare case-insensitively.
bool same_header_name(std::string_view a, std::string_view b);

}  // namespace keel::health
