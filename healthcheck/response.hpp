#pragma once
// The probe's view of an HTTP response: Beast's parser with keel's limits (set in one place),
// what a parse error means in words, and whether a response is healthy. Pure.
//
// Limits: the header may hold 64 KiB (more is an error); of the body, the first 1 MiB is kept
// and read (a longer body is cut off there, not an error).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include "common/result.hpp"
#include "healthcheck/capped_body.hpp"
#include "healthcheck/expectations.hpp"

namespace keel::health {

namespace http = boost::beast::http;

inline constexpr std::uint32_t response_header_limit = 64 * 1024;
inline constexpr std::size_t response_body_limit = std::size_t{1024} * 1024;

using Response = http::response<CappedBody<response_body_limit>>;
using ResponseParser = http::response_parser<CappedBody<response_body_limit>>;

// Applies the header limit (the body is capped by its type); after HEAD the parser expects no
// body whatever the headers say.
void configure_response_parser(ResponseParser& parser, bool head_request);

// True when the probe has what it needs: the whole response, or the first 1 MiB of its body.
bool response_complete(const ResponseParser& parser);

// "response headers larger than 64 KiB", "connection closed before the response was complete", ...
std::string describe_http_error(const boost::system::error_code& ec);

Verdict judge_response(const Response& response, const Expectations& expect);

// The same parser fed bytes already received, the connection closed after them: what unit tests
// and the fuzzer drive. Errors are describe_http_error's text.
Result<Response> parse_response(std::string_view bytes, bool head_request);

}  // namespace keel::health
