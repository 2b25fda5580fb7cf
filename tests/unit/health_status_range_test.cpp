#include <doctest/doctest.h>

#include "healthcheck/status_range.hpp"

using keel::health::parse_status_ranges;
using keel::health::status_in;

TEST_CASE("status ranges: single codes, ranges and lists") {
    const auto single = parse_status_ranges("200");
    REQUIRE(single.ok());
    CHECK(status_in(single.value(), 200));
    CHECK_FALSE(status_in(single.value(), 201));

    const auto range = parse_status_ranges("200-299");
    REQUIRE(range.ok());
    CHECK(status_in(range.value(), 200));
    CHECK(status_in(range.value(), 299));
    CHECK_FALSE(status_in(range.value(), 300));
    CHECK_FALSE(status_in(range.value(), 199));

    const auto list = parse_status_ranges("200,204, 301-302");
    REQUIRE(list.ok());
    CHECK(list.value().size() == 3);
    for (unsigned code : {200u, 204u, 301u, 302u}) CHECK(status_in(list.value(), code));
    for (unsigned code : {201u, 300u, 303u, 500u}) CHECK_FALSE(status_in(list.value(), code));
}

TEST_CASE("bad status ranges are refused with the input quoted") {
    for (const char* text : {"", " ", "2xx", "20", "2000", "99", "600", "300-200", "200-", "-200", "200,", ",200",
                             "200--300", "200-300-400", "+200", "200 300", "0200"}) {
        CAPTURE(text);
        const auto parsed = parse_status_ranges(text);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().find(std::string("'") + text + "'") != std::string::npos);
    }
    std::string many;
    for (int i = 0; i < 65; ++i) many += i == 0 ? "200" : ",200";
    CHECK_FALSE(parse_status_ranges(many).ok());
}
