#include <doctest/doctest.h>

#include <string>

#include "healthcheck/response.hpp"

using keel::health::Expectations;
using keel::health::judge_response;
using keel::health::parse_response;

namespace {

Expectations expect(const char* ranges, std::optional<std::string> body = std::nullopt) {
    return {keel::health::parse_status_ranges(ranges).value(), ranges, std::move(body)};
}

}  // namespace

TEST_CASE("Content-Length, chunked and close-delimited bodies all parse") {
    const char* responses[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3;ext=1\r\nllo\r\n0\r\nTrailer: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello",  // ends when the peer closes
        "HTTP/1.0 200 OK\r\n\r\nhello",
    };
    for (const char* bytes : responses) {
        CAPTURE(bytes);
        const auto response = parse_response(bytes, false);
        REQUIRE_MESSAGE(response.ok(), response.error());
        CHECK(response.value().result_int() == 200);
        CHECK(response.value().body() == "hello");
    }
}

TEST_CASE("HEAD and 204 responses have no body whatever the headers say") {
    const auto head = parse_response("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", true);
    REQUIRE(head.ok());
    CHECK(head.value().body().empty());
    const auto no_content = parse_response("HTTP/1.1 204 No Content\r\n\r\n", false);
    REQUIRE(no_content.ok());
    CHECK(no_content.value().result_int() == 204);
}

TEST_CASE("malformed, truncated and oversized responses fail with a reason") {
    struct Case {
        std::string bytes;
        const char* why;
    };
    const Case cases[] = {
        {"", "without a response"},
        {"garbage\r\n\r\n", "invalid HTTP response"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "before the response was complete"},
        {"HTTP/1.1 200 OK\r\nContent-Le", "before the response was complete"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", "bad chunk"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "before the response was complete"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", "before the response was complete"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", "invalid HTTP response"},
        {"HTTP/1.1 200 OK\r\n" + std::string(70000, 'X') + ": y\r\n\r\n", "larger than 64 KiB"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", "invalid HTTP response"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.bytes.substr(0, 80));
        const auto response = parse_response(c.bytes, false);
        REQUIRE_FALSE(response.ok());
        CHECK_MESSAGE(response.error().find(c.why) != std::string::npos, response.error());
    }
}

TEST_CASE("the body is kept and read up to 1 MiB, not beyond, whatever its length") {
    const std::string mib(keel::health::response_body_limit, 'x');
    const char* heads[] = {"HTTP/1.1 200 OK\r\n\r\n",                              // close-delimited
                           "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n"};  // lying or huge
    for (const char* head : heads) {
        CAPTURE(head);
        // More than the limit arrives, then nothing: parsing stops at the limit, so the missing
        // rest is never waited for.
        const auto response = parse_response(head + mib + "needle", false);
        REQUIRE_MESSAGE(response.ok(), response.error());
        CHECK(response.value().body().size() == keel::health::response_body_limit);
        CHECK(judge_response(response.value(), expect("200", "xxx")).healthy);
        const auto verdict = judge_response(response.value(), expect("200", "needle"));
        CHECK_FALSE(verdict.healthy);
        CHECK(verdict.summary == "200 OK but the body's first 1 MiB does not contain the expected text");
    }
    // Chunked: the framing of what is read is still checked.
    const auto chunked = parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n" + mib +
                                            "\r\n5\r\nextra\r\n0\r\n\r\n", false);
    REQUIRE(chunked.ok());
    CHECK(chunked.value().body() == mib);
}

TEST_CASE("judging: the status range, then the body text") {
    const auto ok = parse_response("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nall is well", false).value();
    CHECK(judge_response(ok, expect("200-399")).healthy);
    CHECK(judge_response(ok, expect("200-399")).summary == "200 OK");
    CHECK(judge_response(ok, expect("200", "is well")).healthy);

    const auto mismatch = judge_response(ok, expect("200", "broken"));
    CHECK_FALSE(mismatch.healthy);
    CHECK(mismatch.summary.find("does not contain") != std::string::npos);

    const auto error = parse_response("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n", false).value();
    const auto verdict = judge_response(error, expect("200-399"));
    CHECK_FALSE(verdict.healthy);
    CHECK(verdict.summary == "status 500 Internal Server Error (expected 200-399)");

    const auto redirect = parse_response("HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n", false).value();
    CHECK(judge_response(redirect, expect("200-399")).healthy);
    CHECK_FALSE(judge_response(redirect, expect("200-299")).healthy);
}

TEST_CASE("a reason phrase is shown printable and short, or the standard one when empty") {
    const auto odd = parse_response("HTTP/1.1 200 \xc3\xa9t\xc3\xa9 " + std::string(100, 'z') + "\r\n\r\n", true).value();
    const auto summary = judge_response(odd, expect("200")).summary;
    CHECK(summary.find('\xc3') == std::string::npos);
    CHECK(summary.size() <= 4 + 64);
    const auto empty = parse_response("HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n", false).value();
    CHECK(judge_response(empty, expect("200")).summary == "status 503 Service Unavailable (expected 200)");
    const auto unknown = parse_response("HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n", false).value();
    CHECK(judge_response(unknown, expect("200-299")).summary == "299");
}
