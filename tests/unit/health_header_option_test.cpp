#include <doctest/doctest.h>

#include "healthcheck/header_option.hpp"

using keel::health::parse_header_option;

TEST_CASE("header options: name and trimmed value") {
    struct Case {
        const char* text;
        const char* name;
        const char* value;
    };
    const Case cases[] = {
        {"Authorization: Bearer abc", "Authorization", "Bearer abc"},
        {"X-Probe:yes", "X-Probe", "yes"},
        {"X-Empty:", "X-Empty", ""},
        {"X-Tabs:\t a b \t", "X-Tabs", "a b"},
        {"Host: example.com", "Host", "example.com"},
        {"X-Colon: a:b", "X-Colon", "a:b"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto field = parse_header_option(c.text);
        REQUIRE_MESSAGE(field.ok(), field.error());
        CHECK(field.value().name == c.name);
        CHECK(field.value().value == c.value);
    }
}

TEST_CASE("header options that would break or confuse the request are refused") {
    for (const char* text : {"", "NoColon", ": value", "Bad Name: x", "X(y): z", "X: a\r\nInjected: 1", "X: a\nb",
                             "X: nul\x01", "Connection: keep-alive", "content-length: 5", "Transfer-Encoding: chunked"}) {
        CAPTURE(text);
        const auto field = parse_header_option(text);
        REQUIRE_FALSE(field.ok());
        CHECK(field.error().find('\n') == std::string::npos);
        CHECK(field.error().find('\r') == std::string::npos);
    }
    CHECK(parse_header_option("Connection: close").error().find("cannot be set") != std::string::npos);
    CHECK_FALSE(parse_header_option("X: " + std::string(9000, 'a')).ok());
    CHECK(keel::health::same_header_name("content-TYPE", "Content-Type"));
    CHECK_FALSE(keel::health::same_header_name("Content-Typ", "Content-Type"));
}
