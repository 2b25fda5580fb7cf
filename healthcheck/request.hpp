#pragma once
// The bytes of the probe's HTTP/1.1 request. Pure.

#include <string>
#include <vector>

#include "healthcheck/header_option.hpp"

namespace keel::health {

struct RequestSpec {
    std::string method = "GET";     // GET or HEAD (validated by the caller)
    std::string target = "/";       // origin-form: path and query
    std::string host;               // Host header value
    std::vector<HeaderField> headers;  // from --header, validated by parse_header_option
};

// "GET /health HTTP/1.1\r\nHost: ...\r\nUser-Agent: keel-healthcheck/VERSION\r\nAccept: */*\r\n
// Connection: close\r\n" then the extra headers and the blank line. An extra header named Host,
// User-Agent or Accept replaces keel's own instead of sending the field twice.
std::string build_request(const RequestSpec& spec);

// "keel-healthcheck/0.1.0".
std::string user_agent();

}  // namespace keel::health
