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
    for (const char* text : {"", "NoColon", ": value", "X-Empty:", "X-Blank: \t ", "Bad Name: x", "X(y): z", "X: a\r\nInjected: 1", "X: a\nb",
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

TEST_CASE("a refused header is named, its value never shown") {
    for (const char* text : {"Authorization: Bearer s3cret\x01", "X-Token s3cret", ": s3cret", "Bad Name: s3cret",
                             "Connection: s3cret"}) {
        CAPTURE(text);
        const auto field = parse_header_option(text);
        REQUIRE_FALSE(field.ok());
        CHECK(field.error().find("s3cret") == std::string::npos);
    }
    CHECK(parse_header_option("Authorization: Bearer s3cret\x01").error() ==
          "invalid header 'Authorization': control characters in the value");
}

TEST_CASE("--header-file lines: blanks and # comments skipped, CRLF accepted, lines numbered") {
    using keel::health::header_file_lines;
    const auto lines = header_file_lines("# token for the probe\r\nAuthorization: Bearer abc\r\n\n  X-A: 1  \nX-B: 2");
    REQUIRE_MESSAGE(lines.ok(), lines.error());
    REQUIRE(lines.value().size() == 3);
    CHECK(lines.value()[0].number == 2);
    CHECK(lines.value()[0].text == "Authorization: Bearer abc");
    CHECK(lines.value()[1].number == 4);
    CHECK(lines.value()[1].text == "X-A: 1");
    CHECK(lines.value()[2].number == 5);
    CHECK(header_file_lines("").value().empty());
    const auto bom = header_file_lines("\xEF\xBB\xBFX-A: 1\n");
    REQUIRE(bom.ok());
    CHECK(bom.value()[0].text == "X-A: 1");
    const auto nul = header_file_lines(std::string("X: 1\nY: s3cret\0\n", 16));
    REQUIRE_FALSE(nul.ok());
    CHECK(nul.error() == "line 2: a NUL byte (not a text file?)");
    std::string many;
    for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": 1\n";
    CHECK_FALSE(header_file_lines(many).ok());
}
