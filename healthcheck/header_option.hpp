#pragma once
// --header 'Name: value': one extra request header. Pure.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace keel::health {

struct HeaderField {
    std::string name;
    std::string value;
};

// The name must be an RFC 9110 token; the value may not hold CR, LF or other controls (they would
// let a value start a new header or end the request). Optional whitespace around the value is
// dropped. Connection, Content-Length and Transfer-Encoding are refused: keel sends no body and
// closes the connection after one response.
Result<HeaderField> parse_header_option(std::string_view text);

// Header names compare case-insensitively.
bool same_header_name(std::string_view a, std::string_view b);

}  // namespace keel::health
