#include "healthcheck/response.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "common/text.hpp"

namespace keel::health {
namespace {

constexpr std::size_t max_reason_shown = 64;
static_assert(response_header_limit == 64 * 1024 && response_body_limit == std::size_t{1024} * 1024, "the messages name the limits");

// The reason phrase comes from the server: keep it printable and short, since the probe's output
// is exactly one line.
std::string printable_reason(const Response& response) {
    std::string reason;
    for (const char c : response.reason()) {
        if (reason.size() == max_reason_shown) break;
        reason += is_ascii_control(c) || static_cast<unsigned char>(c) >= 0x80 ? '?' : c;
    }
    if (reason.empty()) reason = std::string(http::obsolete_reason(response.result()));
    return reason == "<unknown-status>" ? "" : reason;
}

std::string status_line(const Response& response) {
    const std::string reason = printable_reason(response);
    return std::to_string(response.result_int()) + (reason.empty() ? "" : " " + reason);
}

}  // namespace

void configure_response_parser(ResponseParser& parser, bool head_request) {
    parser.header_limit(response_header_limit);
    parser.body_limit(boost::none);  // CappedBody keeps 1 MiB and the probe stops reading there
    parser.skip(head_request);
}

bool response_complete(const ResponseParser& parser) {
    return parser.is_done() || (parser.is_header_done() && parser.get().body().size() >= response_body_limit);
}

std::string describe_http_error(const boost::system::error_code& ec) {
    if (ec == http::error::header_limit) return "response headers larger than 64 KiB";
    if (ec == http::error::end_of_stream) return "connection closed without a response";
    if (ec == http::error::partial_message || ec == http::error::short_read) {
        return "connection closed before the response was complete";
    }
    if (ec.category() == make_error_code(http::error::bad_version).category()) {
        return "invalid HTTP response: " + ec.message();  // bad version, bad chunk, bad field, ...
    }
    return ec.message();
}

Verdict judge_response(const Response& response, const Expectations& expect) {
    const std::string status = status_line(response);
    if (!status_in(expect.status, response.result_int())) {
        return {false, "status " + status + " (expected " + expect.status_text + ")"};
    }
    if (expect.body && response.body().find(*expect.body) == std::string::npos) {
        const bool cut = response.body().size() >= response_body_limit;
        return {false, status + " but the body" + (cut ? "'s first 1 MiB does" : " does") + " not contain the expected text"};
    }
    return {true, status};
}

Result<Response> parse_response(std::string_view bytes, bool head_request) {
    ResponseParser parser;
    configure_response_parser(parser, head_request);
    boost::system::error_code ec;
    while (!response_complete(parser)) {
        std::size_t used = 0;
        if (!bytes.empty()) used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
        bytes.remove_prefix(used);
        if (ec && ec != http::error::need_more) return fail(describe_http_error(ec));
        if (used == 0) {
            // The parser cannot go on with what is left: the peer closed after these bytes.
            if (!parser.got_some()) return fail(describe_http_error(http::error::end_of_stream));
            ec = {};
            parser.put_eof(ec);
            if (ec) return fail(describe_http_error(ec));
            if (!parser.is_done()) return fail(describe_http_error(http::error::partial_message));
        }
    }
    return parser.release();
}

}  // namespace keel::health
